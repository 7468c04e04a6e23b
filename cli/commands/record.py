"""`aqb record <kind> AGREEMENT_ID …`: record one event on an agreement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from cli.batch import MARKER, batch_id, command_of, parse, read_journal, run_line
from cli.params import AMOUNT, CASH_YEAR, DATE, INPUT_FILE, choices, envelope_options, file_sha256, meta_of, whole
from cli.progress import progress_bar
from cli.render import emit_receipt
from cli.session import receipt_option, session
from ledger.application import Receipt
from ledger.domain.values import ActivityKind, Category, Decision, DeviationKind, Scope

AGREEMENT = click.argument("agreement_id", metavar="AGREEMENT_ID")




def report_recorded(what: str, receipt: Receipt) -> None:
    if session().batch:
        return  # a line of a batch: the batch reports once, after it was saved
    item = f" {receipt.item_id}" if receipt.item_id else ""
    emit_receipt(session().fmt, f"Recorded {what}{item} on {receipt.stream_id} at position {receipt.position}.",
                 stream=receipt.stream_id, id=receipt.item_id, position=receipt.position, event=what)


BATCH_FILE = INPUT_FILE
BATCH_ID_HELP = ("The batch's id (default: the SHA-256 of the file): letters, digits and . _ : / -. A batch is "
                 "recorded once; the same id for another file, or the same file under another id, is refused.")


@click.group(invoke_without_command=True)
@click.option("--batch", "batch_file", type=BATCH_FILE, metavar="FILE",
              help="Record a journal of commands, one per line, all or nothing (see 'aqb record batch').")
@click.option("--batch-id", help=BATCH_ID_HELP)
@click.pass_context
def record(ctx: click.Context, batch_file: Path | None, batch_id: str | None) -> None:
    """Record an event on an agreement: allocation, project, reallocation, deviation, decision,
    signature, meeting, publication, activity, participation or correction; or, with --batch,
    a whole journal of them.

    \b
    Example:
      aqb --actor j.weber@06532 record deviation AQB-2024-06532 --kind underspend \
          --cause "Träger-Personalwechsel" --effective 2024-11-04
      aqb --actor j.weber@06532 record --batch journal-2024-09.jsonl
    """
    if ctx.invoked_subcommand is not None:
        return
    if batch_file is None:
        click.echo(ctx.get_help())
        ctx.exit(0)
    record_batch(batch_file, batch_id)


@record.command("batch")
@click.argument("file", type=BATCH_FILE)
@click.option("--batch-id", help=BATCH_ID_HELP)
@receipt_option
def batch_command(file: Path, batch_id: str | None) -> None:
    """Record a journal of commands, one per line, in one transaction: all or nothing. A line is
    a JSON object (JSON lines) or a CSV row under a header; `command` names a command of 'aqb
    record' or 'aqb grant' that records (as 'grant payment'), the other keys its arguments and
    options by name, each once (`agreement`, `from`, `kind`, …; a text or a number, a list for a
    repeated option, true or false for a flag, null for none; `actor` for who records the line).
    The file is UTF-8; a number is read with the digits it was written with. Each line is checked
    exactly like the single command, after the lines before it; an error names its line and
    nothing is recorded. Running the same batch again records nothing (its id is the correlation
    id of its events, the file's SHA-256 their causation id); its id given again with another file
    is refused. Lines such as:

    \b
      {"command": "deviation", "agreement": "AQB-2024-06532", "kind": "underspend", "cause": "Personal",
       "effective": "2024-11-04"}
      {"command": "grant payment", "file_number": "RPKS-57-AQB-2024-017", "date": "2025-03-03",
       "amount": "30000", "reason": "Abruf März", "actor": "k.becker@RPKS"}

    \b
    Example:
      aqb --actor j.weber@06532 record batch journal-2024-09.jsonl
      aqb --actor k.becker@RPKS record batch payments.csv --batch-id RPKS-2025-03
    """
    record_batch(file, batch_id)


def record_batch(path: Path, given_id: str | None) -> None:
    s = session()
    journal = read_journal(path)
    lines = journal.lines
    marker = MARKER + batch_id(journal, given_id)
    source = "sha256:" + journal.sha256
    ledger = s.ledger()
    root = click.get_current_context().find_root()
    grant = root.command.get_command(root, "grant") if isinstance(root.command, click.Group) else None
    assert isinstance(grant, click.Group)
    actor, s.batch, s.causation_id = s.actor, True, source
    try:
        with ledger.batched(marker, source) as batch, progress_bar(f"checking {path.name}", len(lines)) as advance:
            ledger.note_earlier_run()
            for done, line in enumerate(lines if batch.recorded_before is None else [], start=1):
                s.actor = str(line.fields["actor"]) if line.fields.get("actor") else actor
                command, values = command_of(record, grant, line)
                run_line(command, parse(command, values, line, click.get_current_context()), line, marker)
                if batch.recorded_before is not None:
                    break
                advance(done)
            batch.check_same_source()
            positions = [] if batch.recorded_before is not None else ledger.save_batch()
    finally:
        s.actor, s.batch, s.causation_id = actor, False, None
    _batch_done(s.fmt, path, marker, len(lines), positions, batch.recorded_before)


def _batch_done(fmt: str, path: Path, marker: str, lines: int, positions: list[int], before: int | None) -> None:
    if before is not None:
        emit_receipt(fmt, f"Batch {marker} was recorded before (its events stand from position {before}): "
                          "nothing recorded.", batch=marker, recorded=0, position=before)
        return
    span = f"positions {positions[0]}–{positions[-1]}" if positions else "no positions"
    last = positions[-1] if positions else None
    emit_receipt(fmt, f"Recorded {len(positions)} events from {lines} lines of {path.name} as batch {marker} "
                      f"({span}).", batch=marker, recorded=len(positions), position=last)


@record.command()
@AGREEMENT
@click.option("--amount", type=AMOUNT, required=True, help="Amount announced.")
@click.option("--budget", type=click.Choice(["AQB", "AMB", "TZA", "SPRACH"]), default="AQB", show_default=True)
@click.option("--cash-year", "cash", type=CASH_YEAR, multiple=True, metavar="YEAR=AMOUNT",
              help="Planned cash per year; repeat.")
@envelope_options
@receipt_option
def allocation(agreement_id: str, amount: Decimal, budget: str, cash: tuple[tuple[int, Decimal], ...],
               **env: Any) -> None:
    """The state budget announces the party's allocation.

    \b
    Example:
      aqb --actor a.schneider@HMSI record allocation AQB-2024-06532 --amount 1.185.000 \\
          --cash-year 2024=985000 --cash-year 2025=200000 --effective 2023-12-15 \\
          --reason "AQB-Mittelverteilung 2024"
    """
    receipt = session().ledger().announce_allocation(meta_of(**env), agreement_id, amount, budget, cash)
    report_recorded("allocation", receipt)


@record.command()
@AGREEMENT
@click.option("--name", required=True, help="Project name (an existing §5 project, or a new one).")
@click.option("--category", type=choices(Category), required=True)
@click.option("--amount", type=AMOUNT, required=True, help="Planned amount.")
@click.option("--places", type=whole(0), help="Planned places (participants).")
@envelope_options
@receipt_option
def project(agreement_id: str, name: str, category: str, amount: Decimal, places: int | None, **env: Any) -> None:
    """Plan a project's amount (and places) under a measure category.

    \b
    Example:
      aqb --actor a.schneider@HMSI record reallocation AQB-2024-06532 --from P4 --to unallocated \\
          --amount 20000 --approval "HMSI II 3/2024-21" --reason "Minderbedarf Selbstlernzentrum"
      aqb --actor a.schneider@HMSI record project AQB-2024-06532 --name "Sprachförderung im Beruf" \\
          --category QUAL --amount 20000 --places 12 --reason "Änderung des Finanzierungsplans"
    """
    receipt = session().ledger().plan_project(meta_of(**env), agreement_id, name, category, amount, places)
    report_recorded("project", receipt)


@record.command()
@AGREEMENT
@click.option("--from", "source", required=True, help="Project id (P5), name, or 'unallocated'.")
@click.option("--to", "target", required=True, help="Project id, name, or 'unallocated'.")
@click.option("--amount", type=AMOUNT, required=True)
@click.option("--approval", help="Reference of the approval.")
@envelope_options
@receipt_option
def reallocation(agreement_id: str, source: str, target: str, amount: Decimal, approval: str | None,
                 **env: Any) -> None:
    """Move funds between projects (never more than the source holds).

    \b
    Example:
      aqb --actor a.schneider@HMSI record reallocation AQB-2024-06532 --from P4 --to P5 \\
          --amount 35.000,00 --approval "HMSI II3/2024-17" --reason "Minderbedarf Raumkosten"
    """
    receipt = session().ledger().reallocate(meta_of(**env), agreement_id, source, target, amount, approval)
    report_recorded("reallocation", receipt)


@record.command()
@AGREEMENT
@click.option("--kind", type=choices(DeviationKind), required=True)
@click.option("--cause", required=True, help="What caused the deviation.")
@click.option("--scope", type=choices(Scope), default="agreement", show_default=True)
@click.option("--ref", "scope_ref", help="The category code or project (id or name) it concerns.")
@click.option("--metric", help="What is measured, e.g. places, amount.")
@click.option("--planned", help="Planned value.")
@click.option("--actual", help="Actual value.")
@envelope_options
@receipt_option
def deviation(agreement_id: str, kind: str, cause: str, scope: str, scope_ref: str | None,
              metric: str | None, planned: str | None, actual: str | None, reason: str | None, **env: Any) -> None:
    """Report an in-year deviation from §4 and the agreed figures (§6). The cause is its reason.

    \b
    Example:
      aqb --actor j.weber@06532 record deviation AQB-2024-06532 --kind participants-shortfall \\
          --scope project --ref "Jump in" --metric places --planned 18 --actual 11 \\
          --cause "Träger-Personalwechsel"
    """
    receipt = session().ledger().report_deviation(
        meta_of(reason, **env), agreement_id, kind, cause, scope, scope_ref, metric, planned, actual)
    report_recorded("deviation", receipt)


@record.command()
@AGREEMENT
@click.argument("deviation_id", metavar="DEVIATION_ID")
@click.option("--decision", type=choices(Decision), required=True)
@click.option("--reference", "decision_reference", help="Reference of the decision letter.")
@click.option("--conditions", help="Conditions of an approval with conditions.")
@click.option("--revise", is_flag=True, help="Replace an earlier decision (a change of mind).")
@envelope_options
@receipt_option
def decision(agreement_id: str, deviation_id: str, decision: str, decision_reference: str | None,
             conditions: str | None, revise: bool, **env: Any) -> None:
    """Decide a deviation (by the ministry or RP Kassel, never by whoever reported it).

    \b
    Example:
      aqb --actor j.weber@06532 record deviation AQB-2024-06532 --kind project-delayed \\
          --scope project --ref "ViA - Vital und Aktiv" --cause "Träger insolvent"
      aqb --actor a.schneider@HMSI record decision AQB-2024-06532 D3 --decision acknowledged \\
          --reason "Ersatzträger gefunden"
      aqb --actor a.schneider@HMSI record decision AQB-2024-06532 D3 --revise \\
          --decision approved-with-conditions --conditions "Bericht zum 31.03." --reason "Nachfrage"
    """
    receipt = session().ledger().decide_deviation(
        meta_of(**env), agreement_id, deviation_id, decision, decision_reference, conditions, revise=revise)
    report_recorded(f"decision on {deviation_id}", receipt)


@record.command()
@AGREEMENT
@click.option("--party", required=True, metavar="HMSI|AGS", help="The signing party.")
@click.option("--signatory", required=True)
@click.option("--function", "function_", required=True, help="e.g. Staatsministerin.")
@click.option("--place")
@click.option("--date", "signed_on", type=DATE, help="Signature date (leave out when blank).")
@click.option("--organisation", metavar="HMSI|AGS", help="The signatory's organisation (default: the party).")
@envelope_options
@receipt_option
def signature(agreement_id: str, party: str, signatory: str, function_: str, place: str | None,
              signed_on: date | None, organisation: str | None, **env: Any) -> None:
    """Record a party's signature (once per party and agreement version).

    \b
    Example:
      aqb --actor a.schneider@HMSI agreement create --year 2025 --party 06532 --amount 1.185.000 \\
          --reason "ZV 2025"
      aqb --actor a.schneider@HMSI record signature AQB-2025-06532 --party 06532 \\
          --signatory "Stephan Aurand" --function Kreisbeigeordneter --place Wetzlar --date 10.01.2025
    """
    receipt = session().ledger().sign(meta_of(**env), agreement_id, party.upper(), signatory, function_,
                                      place, signed_on, organisation.upper() if organisation else None)
    report_recorded(f"signature of {party.upper()}", receipt)


@record.command()
@AGREEMENT
@click.option("--date", "held_on", type=DATE, required=True)
@click.option("--participant", "participants", multiple=True, help="Repeat for each participant.")
@click.option("--agenda", multiple=True, help="Repeat for each agenda item.")
@click.option("--discussed", multiple=True, metavar="DEVIATION_ID", help="A deviation discussed; repeat.")
@click.option("--action", "actions", multiple=True, help="An agreed action; repeat.")
@click.option("--minutes", help="Reference of the minutes.")
@envelope_options
@receipt_option
def meeting(agreement_id: str, held_on: date, participants: tuple[str, ...], agenda: tuple[str, ...],
            discussed: tuple[str, ...], actions: tuple[str, ...], minutes: str | None, **env: Any) -> None:
    """Record the autumn implementation meeting (Umsetzungsbesprechung, §6).

    \b
    Example:
      aqb --actor a.schneider@HMSI record meeting AQB-2024-06532 --date 2024-10-22 --participant "HMSI" \\
          --participant "Lahn-Dill-Kreis" --discussed D1 --action "Nachbesetzung bis 30.11." \\
          --minutes "Protokoll UB 2024-10-22"
    """
    receipt = session().ledger().hold_meeting(meta_of(**env), agreement_id, held_on, participants, agenda,
                                              discussed, actions, minutes)
    report_recorded("meeting", receipt)


@record.command()
@AGREEMENT
@click.option("--url", required=True)
@click.option("--date", "published_on", type=DATE, required=True)
@click.option("--file", "published_file", type=INPUT_FILE,
              help="The published file; its SHA-256 is recorded.")
@click.option("--sha256", help="SHA-256 of the published file, if you do not have the file.")
@envelope_options
@receipt_option
def publication(agreement_id: str, url: str, published_on: date, published_file: Path | None,
                sha256: str | None, **env: Any) -> None:
    """Record the publication on the portal "Arbeitswelt Hessen" (§7).

    \b
    Example:
      aqb --actor a.schneider@HMSI record publication AQB-2024-06532 \\
          --url https://arbeitswelt.hessen.de/zv-2024-ldk.pdf --date 2024-08-15 \\
          --file zielvereinbarung-2024-lahn-dill-kreis.pdf
    """
    digest = file_sha256(published_file, "published file") if published_file else sha256
    receipt = session().ledger().publish(meta_of(**env), agreement_id, url, published_on, digest)
    report_recorded("publication", receipt)


@record.command()
@AGREEMENT
@click.option("--kind", type=choices(ActivityKind), required=True)
@click.option("--title", required=True)
@click.option("--date", "held_on", type=DATE, required=True)
@envelope_options
@receipt_option
def activity(agreement_id: str, kind: str, title: str, held_on: date, **env: Any) -> None:
    """Record a §7 improvement activity (survey, conference).

    \b
    Example:
      aqb --actor j.weber@06532 record activity AQB-2024-06532 --kind conference \\
          --title "AQB-Fachtagung" --date 2024-11-12
    """
    receipt = session().ledger().record_activity(meta_of(**env), agreement_id, kind, title, held_on)
    report_recorded("activity", receipt)


@record.command()
@AGREEMENT
@click.option("--project", required=True, help="Project id (P7) or name.")
@click.option("--from", "period_start", type=DATE, required=True, help="First day of the period.")
@click.option("--to", "period_end", type=DATE, required=True, help="Last day of the period.")
@click.option("--entries", type=whole(0), required=True, help="Participants who started.")
@click.option("--exits", type=whole(0), default=0, show_default=True, help="Participants who left.")
@click.option("--outcome", "outcomes", type=(str, whole(0)), multiple=True, metavar="LABEL COUNT",
              help="An outcome and how many reached it; repeat.")
@envelope_options
@receipt_option
def participation(agreement_id: str, project: str, period_start: date, period_end: date, entries: int,
                  exits: int, outcomes: tuple[tuple[str, int], ...], **env: Any) -> None:
    """Report what a project delivered: entries, exits, outcomes — counts only, never personal data.

    \b
    Example:
      aqb --actor j.weber@06532 record participation AQB-2024-06532 --project "Jump in" \\
          --from 2024-01-01 --to 2024-12-31 --entries 12 --exits 3 --outcome "Ausbildung begonnen" 5
    """
    receipt = session().ledger().report_participation(meta_of(**env), agreement_id, project, period_start,
                                                      period_end, entries, exits, outcomes)
    report_recorded("participation", receipt)


@record.command()
@AGREEMENT
@click.option("--entry", "version", type=whole(1), required=True,
              help="The entry number (version) within the agreement, as the trail shows it.")
@click.option("--set", "changes", type=(str, str, str), multiple=True, required=True,
              metavar="FIELD OLD NEW", help="A corrected field: its name, the value recorded, the right value.")
@click.option("--approver", help="Who approved the correction.")
@envelope_options
@receipt_option
def correction(agreement_id: str, version: int, changes: tuple[tuple[str, str, str], ...],
               approver: str | None, **env: Any) -> None:
    """Correct an entry by a new, visible event that points at it; nothing is rewritten.

    \b
    Example:
      aqb --actor a.schneider@HMSI record correction AQB-2024-06532 --entry 8 \\
          --set planned_amount 95000.00 90000.00 --reason "Übertragungsfehler im Finanzierungsplan" \\
          --approver "Referatsleitung II 3"
    """
    receipt = session().ledger().correct_agreement(meta_of(**env), agreement_id, version, changes, approver)
    report_recorded(f"correction of entry {version}", receipt)


COMMANDS = [record]
