"""A few helpers to write SVG by hand: every text and attribute escaped, coordinates exact
(``Decimal``, never a float), each chart a self-contained ``<svg>`` element."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from cli.output.neutral import visible

Number = int | Decimal
SVG_NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
TENTH = Decimal("0.1")


def num(value: Number) -> str:
    """A coordinate as SVG wants it: at most one decimal."""
    if isinstance(value, int):
        return str(value)
    rounded = value.quantize(TENTH, rounding=ROUND_HALF_UP)
    return format(rounded.normalize() if rounded == rounded.to_integral() else rounded, "f")


def _attrs(attrs: Mapping[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        shown = num(value) if isinstance(value, int | Decimal) and not isinstance(value, bool) else str(value)
        parts.append(f" {key.rstrip('_').replace('_', '-')}={quoteattr(visible(shown, pictures=False))}")
    return "".join(parts)


def tag(name: str, attrs: Mapping[str, object] | None = None, *children: str) -> str:
    """An element; children are already SVG (use :func:`label` for text)."""
    inner = "".join(children)
    opening = f"<{name}{_attrs(attrs or {})}"
    return f"{opening}>{inner}</{name}>" if inner else f"{opening}/>"


def label(content: str) -> str:
    """Text content, escaped and made visible."""
    return escape(visible(content, pictures=False))


def text(x: Number, y: Number, content: str, **attrs: object) -> str:
    return tag("text", {"x": x, "y": y, **attrs}, label(content))


def tooltip(content: str) -> str:
    return tag("title", None, label(content))


def document(width: int, height: int, title: str, chart_id: str, *children: str) -> str:
    """The ``<svg>`` root: sized in pixels, scalable (viewBox), with an accessible title."""
    attrs = {"xmlns": SVG_NS, "width": width, "height": height, "viewBox": f"0 0 {width} {height}",
             "role": "img", "aria-labelledby": f"{chart_id}-title", "id": chart_id, "class": "chart",
             "font-family": FONT, "font-size": 12}
    return tag("svg", attrs, tag("title", {"id": f"{chart_id}-title"}, label(title)), *children)


def scale(value: Decimal, low: Decimal, high: Decimal, start: Number, end: Number) -> Decimal:
    """Map ``value`` from [low, high] onto [start, end] (a degenerate range maps to the middle)."""
    if high == low:
        return (Decimal(start) + Decimal(end)) / 2
    return Decimal(start) + (value - low) / (high - low) * (Decimal(end) - Decimal(start))


def ordinal(day: date) -> Decimal:
    return Decimal(day.toordinal())
