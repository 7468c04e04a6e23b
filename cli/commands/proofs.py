"""`aqb proof` and `aqb export bundle`: what an auditor takes away, and the offline check of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from cli.output.files import check_new, write_new
from cli.output.neutral import markup_safe
from cli.params import INPUT_FILE, whole
from cli.render import console, emit_object, emit_receipt, emit_text
from cli.session import format_option, receipt_option, session
from ledger import inputs
from ledger.domain.errors import IntegrityBreakError, InvalidInputError, NotInLedgerError
from ledger.domain.principal import principal_id
from ledger.integrity import anchors, bundle, proof

ANCHOR_FILE = INPUT_FILE
FORCE = click.option("--force", is_flag=True, help="Replace FILE if it exists (never written through a symlink).")
PROOF_FORMATS = ("json", "csv", "csv-de", "xlsx")  # the first is its default
KEY = click.option("--key", "key_path", envvar="AQB_ANCHOR_KEY", required=True, metavar="PATH",
                   type=click.Path(dir_okay=False, path_type=Path),
                   help="The Ed25519 anchor key that signs the manifest [env AQB_ANCHOR_KEY].")


@click.command("proof")
@click.argument("position", type=whole(1), metavar="EVENT_POSITION")
@click.option("--anchor", "held_path", type=ANCHOR_FILE, metavar="FILE",
              help="An older anchor you hold: add the proof that it is a prefix of the latest.")
@format_option(formats=PROOF_FORMATS)
def proof_command(position: int, held_path: Path | None) -> None:
    """One event with its link and a Merkle inclusion proof into the latest anchor (about log2(n)
    hashes), as JSON that can be checked without the database. --format csv, csv-de or xlsx give
    the same proof one field per row (the audit path one hash per row), for reading, not checking.

    \b
    Example:
      aqb proof 30 --anchor anchors/2024-06-30.json --output proof-30.json
      aqb proof 30 --format csv
    """
    s = session()  # --output was checked before: it is new, or --force replaces it
    held = anchors.read_file(held_path) if held_path else None
    made = proof.build(s.ledger().db, position, held)
    if s.fmt != "json":
        emit_object(proof_fields(made), s.fmt, None, title=f"Proof of position {position}", locale=s.locale,
                    output=s.output)
        return
    emit_text(json.dumps(made, indent=1, ensure_ascii=False) + "\n", s.output)
    if s.output is not None:
        click.echo(f"Proof of position {position:,} against the anchor at {made['anchor']['position']:,} in "
                   f"{s.output}.", err=True)


def proof_fields(made: dict[str, Any]) -> dict[str, Any]:
    """The proof with every list of hashes numbered, so that a row holds one value."""
    def numbered(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: numbered(v) for k, v in value.items()}
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return {str(n): v for n, v in enumerate(value, 1)}
        return value
    return {k: numbered(v) for k, v in made.items()}


@click.group()
def export() -> None:
    """Files for auditors."""


@export.command("bundle")
@click.argument("items", nargs=-1, required=True, metavar="[AGREEMENT_ID] FILE")
@click.option("--year", type=whole(2000, 2100), help="Every agreement of this year.")
@KEY
@FORCE
@receipt_option
def bundle_command(items: tuple[str, ...], year: int | None, key_path: Path, force: bool) -> None:
    """Write one audit file: the events of an agreement (with its grants and source documents) or
    of a year, and the ledger's registry of principals, in order with their links and inclusion
    proofs; every anchor; and a manifest (subject, every stream with its version range and count)
    signed with the anchor key. Check it anywhere, offline, with 'aqb verify --bundle FILE'.

    \b
    Example:
      aqb export bundle AQB-2024-06532 AQB-2024-06532.bundle.json --key ~/.config/aqb/anchor.key
      aqb export bundle --year 2024 aqb-2024.bundle.json --key ~/.config/aqb/anchor.key
    """
    if len(items) != (1 if year else 2):
        raise InvalidInputError("give AGREEMENT_ID FILE, or --year YEAR FILE", "see 'aqb export bundle --help'")
    path = Path(items[-1])
    check_new(path, force=force)  # before anything is read or signed
    ledger = session().ledger()
    key = anchors.load_private(key_path)
    subjects = [a.id for a in ledger.agreements() if a.year == year] if year else [items[0]]
    if not subjects:
        raise NotInLedgerError(f"no agreement of {year} in this ledger", "see them with 'aqb agreement list'")
    streams = list(dict.fromkeys(i for s in subjects for i in ledger.trail_ids(s)))
    registry = [principal_id(login) for login in ledger.principal_logins()]
    made = bundle.export(ledger.db, f"year {year}" if year else items[0].strip(), streams, registry, key,
                         ledger.login or "(declared, embedded SQLite ledger)")
    write_new(path, bundle.to_json(made).encode(), force=force)
    count = made["manifest"]["events"]
    emit_receipt(session().fmt, f"Wrote {count} events of {len(streams)} streams and the registry, anchored up "
                 f"to position {made['anchor']['position']:,}, to {path}.", file=str(path), events=count,
                 streams=streams, anchored_up_to=made["anchor"]["position"])


def show_bundle_check(path: Path, public_path: Path | None, fmt: str, *, locale: str | None = None,
                      output: Path | None = None) -> None:
    """`aqb verify --bundle FILE`: the offline check, what it proves and what it cannot."""
    try:
        data = inputs.json_value(inputs.read_bytes(path, "bundle"))
    except ValueError as exc:
        raise InvalidInputError(f"{path} is not an aqb audit bundle: {exc}", "give a file of 'aqb export bundle'"
                                ) from None
    pinned = anchors.load_public(public_path) if public_path else None
    try:
        result = bundle.check(data, pinned)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path} is {exc.message}", exc.hint) from None
    shown: dict[str, Any] = {"ok": result.ok, "subject": data["manifest"]["subject"],
                             "events": len(data["events"]), "anchored": result.anchored,
                             "not_anchored": result.not_anchored, "proves": result.proves,
                             "cannot_prove": result.cannot, "problems": result.problems}
    emit_object(shown, fmt, lambda d: console().print(markup_safe("\n".join(_lines(d)), keep_newlines=True)),
                title=f"Bundle check of {path.name}", locale=locale, output=output)
    if not result.ok:
        raise IntegrityBreakError(f"the bundle {path} does not hold: {result.problems[0]}",
                                  "the file was altered after export, or the ledger was")


def _lines(d: dict[str, Any]) -> list[str]:
    head = f"Bundle of {d['subject']}: {d['events']} events — " + ("holds." if d["ok"] else "DOES NOT HOLD.")
    return [head, *(f"  problem: {p}" for p in d["problems"]), "It proves:",
            *(f"  - {p}" for p in d["proves"]), "It cannot prove:", *(f"  - {c}" for c in d["cannot_prove"])]


COMMANDS = [proof_command, export]
