"""`aqb grant <kind> …`: RP Kassel's grant case: application, notice, amendment, payment, proof,
review, refund (and early start, correction, show)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import click

from cli.commands.record import report_recorded
from cli.params import AMOUNT, CASH_YEAR, DATE, PLAN_LINE, choices, envelope_options, meta_of, whole
from cli.render import emit_object, emit_table
from cli.session import format_option, receipt_option, session
from ledger.domain.grant import Grant
from ledger.domain.values import ProofKind, ReviewResult

FILE = click.argument("file_number", metavar="FILE_NUMBER")


@click.group()
def grant() -> None:
    """Record RP Kassel's grant case: application, notice, amendment, payment, proof, review, refund."""


@grant.command()
@click.argument("agreement_id", metavar="AGREEMENT_ID")
@click.option("--file-number", required=True, help="RP Kassel's file number (Aktenzeichen).")
@click.option("--date", "submitted_on", type=DATE, required=True, help="Date of the application.")
@click.option("--amount", type=AMOUNT, required=True, help="Amount requested.")
@click.option("--plan", type=PLAN_LINE, multiple=True, metavar="ITEM=AMOUNT", help="Financing plan line; repeat.")
@envelope_options
@receipt_option
def application(agreement_id: str, file_number: str, submitted_on: date, amount: Decimal,
                plan: tuple[tuple[str, Decimal], ...], **env: Any) -> None:
    """Record the party's application (Antrag) with its financing plan; due by 31 March.

    \b
    Example:
      aqb --actor a.schneider@HMSI agreement create --year 2025 --party 06532 --amount 1.185.000 \\
          --reason "ZV 2025"
      aqb --actor j.weber@06532 grant application AQB-2025-06532 --file-number RPKS-57-AQB-2025-011 \\
          --date 2025-03-20 --amount 1.185.000 --plan AV=210000 --plan QUAL=700000 --reason "Antrag 2025"
    """
    receipt = session().ledger().apply_for_grant(meta_of(**env), agreement_id, file_number, submitted_on, amount, plan)
    report_recorded("application", receipt)


@grant.command("early-start")
@FILE
@click.option("--date", "approved_on", type=DATE, required=True)
@click.option("--from", "start_from", type=DATE, required=True, help="Projects may start from this date.")
@envelope_options
@receipt_option
def early_start(file_number: str, approved_on: date, start_from: date, **env: Any) -> None:
    """Record the approval of an early start (vorzeitiger Maßnahmebeginn).

    \b
    Example:
      aqb --actor k.becker@RPKS grant early-start RPKS-57-AQB-2024-017 --date 2024-03-28 --from 2024-01-01
    """
    receipt = session().ledger().approve_early_start(meta_of(**env), file_number, approved_on, start_from)
    report_recorded("early start", receipt)


@grant.command()
@FILE
@click.option("--date", "notice_date", type=DATE, required=True)
@click.option("--amount", type=AMOUNT, required=True, help="Amount granted.")
@click.option("--period-start", type=DATE, required=True)
@click.option("--period-end", type=DATE, required=True)
@click.option("--cash-year", "cash", type=CASH_YEAR, multiple=True, metavar="YEAR=AMOUNT")
@click.option("--condition", "conditions", multiple=True, help="A condition (Nebenbestimmung); repeat.")
@click.option("--interim-due", type=DATE, help="Due date of the interim proof of use.")
@click.option("--final-due", type=DATE, help="Due date of the final proof of use.")
@envelope_options
@receipt_option
def notice(file_number: str, notice_date: date, amount: Decimal, period_start: date, period_end: date,
           cash: tuple[tuple[int, Decimal], ...], conditions: tuple[str, ...], interim_due: date | None,
           final_due: date | None, **env: Any) -> None:
    """Record the grant notice (Zuwendungsbescheid) of RP Kassel.

    \b
    Example:
      aqb --actor a.schneider@HMSI agreement create --year 2025 --party 06532 --amount 1.185.000 \\
          --reason "ZV 2025"
      aqb --actor j.weber@06532 grant application AQB-2025-06532 --file-number RPKS-57-AQB-2025-011 \\
          --date 2025-03-20 --amount 1.185.000 --reason "Antrag 2025"
      aqb --actor k.becker@RPKS grant notice RPKS-57-AQB-2025-011 --date 2025-05-12 --amount 1.185.000 \\
          --period-start 2025-01-01 --period-end 2026-12-31 --cash-year 2025=985000 \\
          --cash-year 2026=200000 --final-due 2027-06-30 --reason "Bescheid"
    """
    receipt = session().ledger().issue_notice(meta_of(**env), file_number, notice_date, amount, period_start,
                                              period_end, cash, conditions, interim_due, final_due)
    report_recorded("grant notice", receipt)


@grant.command()
@FILE
@click.option("--date", "amended_on", type=DATE, required=True)
@click.option("--amount", type=AMOUNT, required=True, help="The granted amount after the amendment.")
@click.option("--cash-year", "cash", type=CASH_YEAR, multiple=True, metavar="YEAR=AMOUNT")
@envelope_options
@receipt_option
def amendment(file_number: str, amended_on: date, amount: Decimal, cash: tuple[tuple[int, Decimal], ...],
              **env: Any) -> None:
    """Record an amendment of the notice (Änderungsbescheid).

    \b
    Example:
      aqb --actor k.becker@RPKS grant amendment RPKS-57-AQB-2024-017 --date 2024-12-10 \\
          --amount 1.185.000 --cash-year 2024=900000 --cash-year 2025=285000 --reason "Kassenjahre"
    """
    report_recorded("amendment", session().ledger().amend_notice(meta_of(**env), file_number, amended_on, amount, cash))


@grant.command()
@FILE
@click.option("--date", "value_date", type=DATE, required=True, help="Value date of the payment.")
@click.option("--amount", type=AMOUNT, required=True)
@click.option("--cash-year", type=whole(2000, 2100),
              help="Cash year: the value date's year (the default; another is refused).")
@envelope_options
@receipt_option
def payment(file_number: str, value_date: date, amount: Decimal, cash_year: int | None, **env: Any) -> None:
    """Record a payment (never beyond the granted amount without an amendment).

    \b
    Example:
      aqb --actor k.becker@RPKS grant payment RPKS-57-AQB-2024-017 --date 2025-02-03 \\
          --amount 150000 --reason "Mittelabruf 1/2025"
    """
    report_recorded("payment", session().ledger().disburse(meta_of(**env), file_number, value_date, amount, cash_year))


@grant.command()
@FILE
@click.option("--kind", type=choices(ProofKind), required=True)
@click.option("--date", "submitted_on", type=DATE, required=True)
@click.option("--income", type=AMOUNT, required=True)
@click.option("--expenses", type=AMOUNT, required=True)
@click.option("--line", "lines", type=PLAN_LINE, multiple=True, metavar="ITEM=AMOUNT", help="Expenses by plan line.")
@envelope_options
@receipt_option
def proof(file_number: str, kind: str, submitted_on: date, income: Decimal, expenses: Decimal,
          lines: tuple[tuple[str, Decimal], ...], **env: Any) -> None:
    """Record a submitted proof of use (Zwischen- or Verwendungsnachweis).

    \b
    Example:
      aqb --actor j.weber@06532 grant proof RPKS-57-AQB-2024-017 --kind interim --date 2025-06-20 \\
          --income 900.000,00 --expenses 880000
    """
    receipt = session().ledger().submit_proof(meta_of(**env), file_number, kind, submitted_on, income, expenses, lines)
    report_recorded(f"{kind} proof of use", receipt)


@grant.command()
@FILE
@click.option("--kind", type=choices(ProofKind), required=True)
@click.option("--result", type=choices(ReviewResult), required=True)
@click.option("--purpose-achieved/--purpose-missed", default=True, show_default=True)
@click.option("--findings")
@click.option("--refund-due", type=AMOUNT, default="0", show_default=True)
@envelope_options
@receipt_option
def review(file_number: str, kind: str, result: str, purpose_achieved: bool, findings: str | None,
           refund_due: Decimal, **env: Any) -> None:
    """Record RP Kassel's review of a proof of use.

    \b
    Example:
      aqb --actor j.weber@06532 grant proof RPKS-57-AQB-2024-017 --kind interim --date 2025-06-20 \\
          --income 900.000,00 --expenses 880000
      aqb --actor k.becker@RPKS grant review RPKS-57-AQB-2024-017 --kind interim --result accepted \\
          --reason "Prüfvermerk"
    """
    receipt = session().ledger().review_proof(meta_of(**env), file_number, kind, result,
                                              purpose_achieved=purpose_achieved, findings=findings,
                                              refund_due=refund_due)
    report_recorded(f"review of the {kind} proof", receipt)


@grant.command()
@FILE
@click.option("--amount", type=AMOUNT, required=True)
@click.option("--received", is_flag=True, help="The refund was received (default: claimed).")
@click.option("--date", "on", type=DATE, help="Due date of a claim; value date of a receipt.")
@envelope_options
@receipt_option
def refund(file_number: str, amount: Decimal, received: bool, on: date | None, **env: Any) -> None:
    """Record a refund claim, or with --received the refund's receipt.

    \b
    Example:
      aqb --actor k.becker@RPKS grant refund RPKS-57-AQB-2024-017 --amount 12500 \\
          --reason "Minderausgaben laut Verwendungsnachweis"
    """
    ledger, meta = session().ledger(), meta_of(**env)
    if received:
        if on is None:
            raise click.UsageError("a received refund needs its value date: --date")
        report_recorded("refund received", ledger.receive_refund(meta, file_number, amount, on))
    else:
        report_recorded("refund claim", ledger.claim_refund(meta, file_number, amount, on))


@grant.command()
@FILE
@click.option("--entry", "version", type=whole(1), required=True)
@click.option("--set", "changes", type=(str, str, str), multiple=True, required=True, metavar="FIELD OLD NEW")
@click.option("--approver")
@envelope_options
@receipt_option
def correction(file_number: str, version: int, changes: tuple[tuple[str, str, str], ...],
               approver: str | None, **env: Any) -> None:
    """Correct an entry of a grant by a new, visible event that points at it.

    \b
    Example:
      aqb --actor k.becker@RPKS grant correction RPKS-57-AQB-2024-017 --entry 5 \\
          --set value_date 2024-06-03 2024-06-04 --reason "Valuta laut Kontoauszug"
    """
    receipt = session().ledger().correct_grant(meta_of(**env), file_number, version, changes, approver)
    report_recorded(f"correction of entry {version}", receipt)


@grant.command()
@FILE
@format_option
def show(file_number: str) -> None:
    """Show a grant's money stages: requested, granted (as amended; the notice's own amount and the
    amendment beside it), paid, proven, reclaimed, refunded, and the cash years scheduled against paid.

    \b
    Example:
      aqb grant show RPKS-57-AQB-2024-017
      aqb grant show RPKS-57-AQB-2024-017 --format csv-de --output grant-017.csv
    """
    s = session()
    g = s.ledger().grant(file_number)
    obj = {"file_number": g.id, "agreement": g.agreement_id, "submitted_on": g.submitted_on,
           "requested": g.requested, "granted": g.granted if g.notice_amount is not None else None,
           "granted_by_notice": g.notice_amount, "amended": g.amended, "disbursed": g.disbursed,
           "proven": g.proven, "reclaimed": g.reclaimed, "refunded": g.refunded, "notice_date": g.notice_date,
           "cash_years": cash_years(g)}
    emit_object(obj, s.fmt, lambda o: _render_grant(o, g.id, s.locale), title=f"Grant {g.id}", locale=s.locale,
                output=s.output)


def _render_grant(obj: dict[str, Any], file_number: str, locale: str) -> None:
    emit_table([{"field": k, "value": v} for k, v in obj.items() if k != "cash_years"], ["field", "value"],
               "table", title=f"Grant {file_number}", locale=locale)
    emit_table(obj["cash_years"], ["year", "scheduled", "paid", "within"], "table",
               title="Cash years: scheduled (notice as amended) against paid", numeric=["scheduled", "paid"],
               locale=locale)


def cash_years(g: Grant) -> list[dict[str, Any]]:
    """Scheduled against paid, per cash year (the grant's own figures, corrections applied)."""
    return [{"year": y.year, "scheduled": y.scheduled, "paid": y.paid, "within": y.within} for y in g.cash_years()]


COMMANDS = [grant]
