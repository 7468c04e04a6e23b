"""`aqb import FILE…`: record agreement documents (text or PDF), or show their parse."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.tree import Tree

from cli.output.locale import Locale, money, resolve, text
from cli.output.neutral import json_text, markup_safe
from cli.params import INPUT_FILE
from cli.render import console, emit_table, emit_text, plain
from cli.session import format_option, session
from ledger.app.imports import ImportResult, refusal
from ledger.importer.model import ParsedDocument, SourceFile
from ledger.importer.parse import parse_document
from ledger.importer.read import read_source
from ledger.importer.refusals import batch_refusal
from ledger.persistence.config import database_from_url


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=INPUT_FILE)
@click.option("--dry-run", is_flag=True, help="Show what was found; record nothing. With an actor (on SQLite "
              "--actor; on PostgreSQL the login) it also runs every check the import runs (dates, rules, mandate) "
              "and exits as the import would.")
@click.option("--amendment", is_flag=True, help="Record a different document for an existing agreement "
              "as its amendment (needs --reason).")
@click.option("--reason", help="Why this is recorded (required with --amendment).")
@format_option
def import_command(files: tuple[Path, ...], dry_run: bool, amendment: bool, reason: str | None) -> None:
    """Import Zielvereinbarungen from .txt (text extracted from a PDF) or .pdf files with a text
    layer: the document, the agreement and each signature, all pointing at the file's SHA-256.
    Either every file is recorded or none; the same file again records nothing.

    \b
    Example:
      aqb --actor a.schneider@HMSI import zielvereinbarung-2024-lahn-dill-kreis.txt
      aqb import --dry-run zielvereinbarung-2024-lahn-dill-kreis.pdf
    """
    s = session()
    sources = [read_source(path) for path in files]
    if dry_run:
        parsed = [(src, parse_document(src.text)) for src in sources]
        show_parse(parsed, s.fmt, locale=s.locale, output=s.output)
        if (refused := batch_refusal(parsed)) is not None:
            raise refused  # exit as the import would: the parse is shown, nothing is recorded either way
        if s.actor or database_from_url(s.url).backend == "postgresql":
            s.ledger().import_documents(s.meta(reason), sources, amendment=amendment, check_only=True)
        return
    results = s.ledger().import_documents(s.meta(reason), sources, amendment=amendment)
    rows = [{"file": r.file_name, "sha256": r.sha256, "agreement": r.agreement_id, "status": r.status,
             "events": r.events, "signatures": len(r.parsed.signatures), "warnings": len(r.parsed.warnings),
             "warning_codes": ", ".join(w.code for w in r.parsed.warnings)} for r in results]
    columns = ["file", "agreement", "status", "events", "signatures", "warnings", "sha256"]
    if s.fmt != "table":  # for people, each warning is a line below the table
        columns.append("warning_codes")
    emit_table(rows, columns, s.fmt,
               title="Import", caption=_caption(results),
               numeric=["events", "signatures", "warnings"], locale=s.locale, output=s.output)
    if s.fmt == "table" and s.output is None:  # what the importer decided by heuristics, for people to check
        for r in results:
            for w in r.parsed.warnings:
                console().print(markup_safe(f"warning: {r.file_name}{f' line {w.line}' if w.line else ''}: "
                                            f"{w.code}: {w.message}"))


def _caption(results: list[ImportResult]) -> str:
    """What the statuses shown mean (only those shown)."""
    meaning = {"recorded": "recorded: a new agreement, the signatures the document holds, and the document",
               "amendment": "amendment: the agreement's new version, the signatures the document holds, and the "
                            "document",
               "already-imported": "already-imported: the same file was recorded before; nothing new"}
    return "; ".join(meaning[s] for s in dict.fromkeys(r.status for r in results))


def show_parse(parsed: list[tuple[SourceFile, ParsedDocument]], fmt: str, *, locale: str | None = None,
               output: Path | None = None) -> None:
    """The parse: a tree for people, the whole parse as JSON, and for spreadsheets one row per fact
    the tree shows (file, part, item, value)."""
    if fmt == "json":
        emit_text(json_text(plain([_as_json(src, doc) for src, doc in parsed])) + "\n", output)
    elif fmt == "table":
        for src, doc in parsed:
            console().print(parse_tree(src, doc, locale=resolve(locale)))
    else:
        rows = [row for src, doc in parsed for row in parse_rows(src, doc)]
        emit_table(rows, ["file", "part", "item", "value"], fmt, title="Import (dry run): what was found",
                   caption="nothing was recorded", locale=locale, output=output)


def parse_rows(src: SourceFile, doc: ParsedDocument) -> list[dict[str, Any]]:
    """What the tree shows, one fact per row; amounts and dates keep their types."""
    problem = refusal(src, doc)
    facts: list[tuple[str, Any, Any]] = [
        ("verdict", "", "importable" if problem is None else f"refused: {problem.message}"), ("sha256", "", src.sha256),
        ("kind", doc.kind, doc.kind_evidence), ("year", "", doc.year), ("party", doc.party_ags, doc.party_name),
        ("ministry", doc.ministry_code, doc.ministry_name),
        *(("§4 budget", line.budget, line.amount) for line in doc.lines),
        *(("§5 category", c.code, c.label) for c in doc.categories),
        *(("§5 project", c.code, name) for c in doc.categories for name in c.projects),
        *(("clause", "", clause) for clause in doc.clauses),
        *(("signature", sig.organisation_code, ", ".join(
            str(v) for v in (sig.signatory, sig.function, sig.place or "(no place)", sig.signed_on or "(no date)")))
          for sig in doc.signatures),
        *(("missing", "", part) for part in doc.missing),
        *(("cannot be read", p.part, p.reason) for p in doc.problems),
        *(("warning", w.code, w.message + (f" (line {w.line})" if w.line else "")) for w in doc.warnings),
    ]
    return [{"file": src.name, "part": part, "item": item or "", "value": value} for part, item, value in facts]


def _as_json(src: SourceFile, doc: ParsedDocument) -> dict[str, Any]:
    problem = refusal(src, doc)
    return {"file": src.name, "sha256": src.sha256, "media_type": src.media_type,
            "importable": problem is None, "refusal": problem.message if problem else None,
            "parse": plain(asdict(doc))}


def parse_tree(src: SourceFile, doc: ParsedDocument, *, locale: Locale = "en") -> Tree:
    problem = refusal(src, doc)
    verdict = "[green]importable[/green]" if problem is None else f"[red]refused:[/red] {escape(problem.message)}"
    tree = Tree(f"[bold]{escape(src.name)}[/bold]  sha256 {src.sha256[:16]}…  {verdict}")
    tree.add(f"kind: {doc.kind} — {escape(doc.kind_evidence)}")
    head = tree.add(f"agreement: year {doc.year or '?'}, party {doc.party_ags or '?'} "
                    f"({escape(doc.party_name or '?')})")
    head.add(f"ministry as written: {escape(doc.ministry_name or '?')} → {doc.ministry_code or '?'}")
    budget = tree.add(f"§4 budgets: {', '.join(doc.budgets) or '(none)'}")
    for line in doc.lines:
        budget.add(f"{line.budget}: {money(line.amount, locale)} EUR  (as written: {escape(line.raw)})")
    measures = tree.add(f"§5 categories: {len(doc.categories)}")
    for category in doc.categories:
        node = measures.add(f"{category.code}: {escape(category.label)}")
        for project in category.projects:
            node.add(escape(project))
    tree.add(f"clauses: {', '.join(doc.clauses) or '(none)'}")
    signatures = tree.add(f"signatures: {len(doc.signatures)}")
    for sig in doc.signatures:
        signatures.add(f"{sig.side} ({sig.organisation_code}): {escape(sig.signatory)}, {escape(sig.function)}, "
                       f"{escape(sig.place or '(no place)')}, {text(sig.signed_on, locale) or '(no date)'}")
    if doc.missing:
        tree.add(f"[red]missing: {', '.join(doc.missing)}[/red]")
    for unreadable in doc.problems:
        tree.add(f"[red]cannot be read: {escape(unreadable.part)}: {escape(unreadable.reason)}[/red]")
    notes = tree.add(f"warnings: {len(doc.warnings)}")
    for warning in doc.warnings:
        notes.add(f"[yellow]{warning.code}[/yellow] {escape(warning.message)}"
                  + (f" (line {warning.line})" if warning.line else ""))
    return tree


COMMANDS = [import_command]
