"""`aqb assess` and `aqb explain`: the §6 judgement of target achievement, recorded and explained."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from cli import dossiers
from cli.commands.record import report_recorded
from cli.explain_render import render_dossier
from cli.formats import RECEIPT, REPORT_DOSSIER
from cli.output.files import DOCUMENTS
from cli.params import DATE, document_options, meta_of, whole
from cli.session import format_option, session
from ledger.domain.errors import InvalidInputError
from ledger.domain.values import Treatment, Verdict

VERDICTS = [v.value for v in Verdict]


class DefaultGroup(click.Group):
    """A group whose first word may be an argument of its default command: `aqb assess ID …`."""

    default_command = "new"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def _treatments(values: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        deviation, sep, treatment = value.partition("=")
        if not sep or treatment not in [t.value for t in Treatment]:
            raise InvalidInputError(
                f"invalid --deviation '{value}'",
                "write DEVIATION=TREATMENT, TREATMENT one of " + ", ".join(t.value for t in Treatment),
            )
        name = deviation.strip()
        if name in found:
            raise InvalidInputError(f"--deviation {name} is given twice ({found[name]}, {treatment})",
                                    "give each deviation one treatment")
        found[name] = treatment
    return found


HEADLINE = 200  # characters of a paragraph that become the envelope's one-line reason


def headline(paragraph: str | None) -> str | None:
    """The envelope's reason for a paragraph (a rationale, a note, kept whole in the event): its
    first non-empty line, cut to HEADLINE characters."""
    line = next((x.strip() for x in (paragraph or "").splitlines() if x.strip()), None)
    if line is None:
        return paragraph
    return line if len(line) <= HEADLINE else line[:HEADLINE - 1].rstrip() + "…"


@click.group(cls=DefaultGroup)
def assess() -> None:
    """Record the §6 judgement of target achievement (`aqb assess ID …`) or sign one off."""


@assess.command("new")
@click.argument("agreement_id", metavar="AGREEMENT_ID")
@click.option("--verdict", type=click.Choice(VERDICTS), required=True, help="The human verdict.")
@click.option("--rationale", required=True, help="Why: the reasoning of the judgement.")
@click.option("--deviation", "deviations", multiple=True, metavar="ID=TREATMENT",
              help="How a deviation was taken into account: considered-accepted, considered-with-conditions "
                   "or not-accepted; every known deviation needs one.")
@click.option("--evidence", type=whole(1), help="The ledger position the assessor saw (default: the head).")
@click.option("--revises", metavar="ASSESSMENT", help="The assessment this one supersedes (e.g. A1).")
@click.option("--effective", type=DATE, help="The day the judgement was made (default: today); judged against "
              "the deadline of 31 March of the year after the programme year.")
@document_options
@format_option(formats=(*RECEIPT, "markdown"))
def new(agreement_id: str, verdict: str, rationale: str, deviations: tuple[str, ...], evidence: int | None,
        revises: str | None, effective: date | None, document: str | None, document_file: Any) -> None:
    """Record a judgement: verdict, rationale, the treatment of every deviation, and the indicators
    computed from the ledger at the evidence position (with its chain hash).

    \b
    Example:
      aqb --actor a.schneider@HMSI assess AQB-2024-06532 --verdict "weitgehend erreicht" \\
          --rationale "Ziele überwiegend erreicht; Jump in verzögert" --revises A1 --effective 2025-03-14 \\
          --deviation D1=considered-accepted --deviation D2=considered-with-conditions
    """
    meta = meta_of(headline(rationale), effective, document, document_file)
    receipt = session().ledger().assess(meta, agreement_id, verdict, rationale, _treatments(deviations), evidence,
                                        revises)
    report_recorded("assessment", receipt)


@assess.command("sign-off")
@click.argument("agreement_id", metavar="AGREEMENT_ID")
@click.argument("assessment_id", metavar="ASSESSMENT")
@click.option("--note", help="A remark of the second reader.")
@click.option("--effective", type=DATE, help="The day of the sign-off (default: today); not before the "
              "assessment's own day.")
@format_option(formats=(*RECEIPT, "markdown"))
def sign_off(agreement_id: str, assessment_id: str, note: str | None, effective: date | None) -> None:
    """Sign off an assessment as the second, different person (four eyes).

    \b
    Example:
      aqb --actor a.schneider@HMSI assess AQB-2024-06532 --verdict erreicht --rationale "neu bewertet" \\
          --revises A1 --deviation D1=considered-accepted --deviation D2=considered-accepted
      aqb --actor r.klein@HMSI assess sign-off AQB-2024-06532 A2 --note "geprüft"
    """
    receipt = session().ledger().sign_off_assessment(meta_of(headline(note), effective, None, None), agreement_id,
                                                     assessment_id, note)
    report_recorded(f"sign-off of {assessment_id}", receipt)


@click.command()
@click.argument("assessment", metavar="AGREEMENT_ID[/ASSESSMENT]")
@format_option(formats=REPORT_DOSSIER)
def explain(assessment: str) -> None:
    """The dossier of a judgement: the ledger replayed as of its evidence position (§4 budget, money
    stages, §5 projects, each deviation with its decision and treatment, the autumn meeting, the
    verdict), then what arrived afterwards, then checks of the indicators and of the chain.

    \b
    Example:
      aqb explain AQB-2024-06532/A1
      aqb explain AQB-2024-06532 --format markdown > dossier.md
      aqb explain AQB-2024-06532/A1 --format pdf --output judgement-06532.pdf
    """
    agreement_id, _, assessment_id = assessment.partition("/")
    s = session()
    ledger = s.ledger()
    dossier = ledger.explain(agreement_id, assessment_id or None)
    head = None
    if s.fmt in DOCUMENTS:
        what = f"The judgement {dossier.assessment.assessment_id} on {dossier.agreement_id}, explained"
        head = dossiers.header(ledger, what, ledger.reads.head(), s.actor)
    render_dossier(dossier, s.fmt, locale=s.locale, output=s.output, head=head)


COMMANDS = [assess, explain]
