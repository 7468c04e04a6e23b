"""A dossier as PDF: WeasyPrint renders the same HTML as :mod:`cli.output.html`, with A4 page rules.

WeasyPrint needs Pango and HarfBuzz from the system (Debian: ``libpango-1.0-0 libpangoft2-1.0-0
libharfbuzz-subset0``) and a font (``fonts-dejavu-core``). Nothing is fetched: every URL the page
might name is refused, so a PDF is made from the ledger's data alone.
"""

from __future__ import annotations

from typing import Any, NoReturn

from cli.output.document import Document
from cli.output.errors import RendererUnavailableError
from cli.output.html import render_html

SYSTEM_PACKAGES = "Pango for WeasyPrint (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)"


class ExternalResourceError(ValueError):
    """The page named something outside itself; a dossier never loads anything."""


def refuse_fetch(url: str, *_: Any, **__: Any) -> NoReturn:
    raise ExternalResourceError(f"a dossier loads nothing from outside: {url}")


def _fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that fetches nothing (WeasyPrint 66+ wants a URLFetcher; older, a function)."""
    base = getattr(weasyprint.urls, "URLFetcher", None)
    if base is None:
        return refuse_fetch

    class Refusing(base):  # type: ignore[misc,valid-type]
        def fetch(self, url: str, headers: Any = None) -> NoReturn:  # noqa: ARG002 (the base's signature)
            refuse_fetch(url)

    return Refusing()


def _weasyprint() -> Any:
    try:
        import weasyprint  # noqa: PLC0415 (heavy; only when a PDF is asked for)
        import weasyprint.urls  # noqa: PLC0415
    except OSError as exc:  # cffi could not load a system library
        raise RendererUnavailableError("pdf", str(exc).splitlines()[0], SYSTEM_PACKAGES) from exc
    return weasyprint


def render_pdf(document: Document, *, locale: str | None = None) -> bytes:
    """The PDF bytes of a dossier (A4; landscape when the document asks for it)."""
    weasyprint = _weasyprint()
    page = render_html(document, locale=locale, for_print=True)
    rendered = weasyprint.HTML(string=page, url_fetcher=_fetcher(weasyprint), base_url=None)
    pdf: bytes = rendered.write_pdf()
    return pdf
