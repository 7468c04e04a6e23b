"""`aqb verify`, `aqb anchor …`, `aqb proof`, `aqb export bundle`: the ledger's integrity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from cli.commands.proofs import show_bundle_check
from cli.output.files import check_new, write_new
from cli.params import INPUT_FILE, whole
from cli.progress import progress_bar
from cli.render import console, emit_object, emit_receipt, emit_table
from cli.session import format_option, receipt_option, session
from ledger.domain.errors import IntegrityBreakError
from ledger.integrity import anchoring, anchors, guard_check
from ledger.integrity.rows import NO_START, open_reader
from ledger.integrity.verify import MAX_LISTED, Report, as_dict, verify

KEY = click.option("--key", "key_path", envvar="AQB_ANCHOR_KEY", required=True, metavar="PATH",
                   type=click.Path(dir_okay=False, path_type=Path),
                   help="The Ed25519 signing key, kept outside the database [env AQB_ANCHOR_KEY].")
PUBLIC_KEY = click.option("--public-key", "public_path", envvar="AQB_ANCHOR_PUBLIC_KEY", metavar="PATH",
                          type=click.Path(dir_okay=False, path_type=Path),
                          help="Pin the anchor key: its .pub file [env AQB_ANCHOR_PUBLIC_KEY].")


@click.command("verify")
@click.option("--from", "start", type=whole(1), metavar="POSITION",
              help="Recompute from this position, trusting the stored link before it [default: every row].")
@click.option("--bundle", type=INPUT_FILE,
              help="Check an audit bundle offline instead of the database.")
@PUBLIC_KEY
@format_option
def verify_command(start: int | None, bundle: Path | None, public_path: Path | None) -> None:
    """Recompute the hash chain over every row, name the first broken position and the kind of
    break (changed-row, missing-row, foreign-insert, reordered), check that every stream's
    versions are gapless, read every event (undecodable), check its values as a new event's are
    checked (invalid-value) and the rules its agreement's or grant's state must keep (rule-broken:
    both would mean an insert past the application), and re-check who recorded each one:
    the stamped login, a registered principal, the mandate it names held at that position
    (unauthorised); then check every anchor stored in the ledger against the recomputed chain (a
    rewrite that re-linked every row after a change is caught here). Exits 10 on any of these.

    \b
    Example:
      aqb verify
      aqb verify --from 20 --format json
      aqb export bundle AQB-2024-06532 AQB-2024-06532.bundle.json --key ~/.config/aqb/anchor.key
      aqb verify --bundle AQB-2024-06532.bundle.json --public-key ~/.config/aqb/anchor.key.pub
    """
    s = session()
    if bundle is not None:
        show_bundle_check(bundle, public_path, s.fmt, locale=s.locale, output=s.output)
        return
    ledger = s.ledger()
    links: list[tuple[int, bytes]] = []
    pinned = anchors.load_public(public_path) if public_path is not None else None
    with open_reader(ledger.db) as reader, progress_bar("verify", reader.head()) as advance:
        report = verify(reader, start if start is not None else NO_START, advance,
                        links=links if start is None else None)
        kept, unreadable = anchoring.stored_checked(reader) if start is None else ([], [])
        guard = guard_check.check(ledger.db, reader.conn) if reader.pg else None
    held = StoredAnchors(len(kept), pinned is not None, start is None,
                         [c for c in anchoring.check_links(kept, links, pinned) if not c.ok], unreadable)
    show_report(report, s.fmt, locale=s.locale, output=s.output, held=held, guard=guard)
    if not report.ok:
        where = report.problems()[0]
        raise IntegrityBreakError(f"integrity break at position {where.position}: {where.kind}",
                                  "the ledger was altered outside the application; keep it as it is "
                                  "and compare with your anchors ('aqb anchor verify')")
    if held.failed:
        first = held.failed[0]
        why = first.detail if not first.on_chain else "its signature does not verify"
        raise IntegrityBreakError(f"the chain verifies, but {len(held.failed)} anchor(s) stored in the ledger do not "
                                  f"hold: the one at position {first.anchor.position}: {why}",
                                  "the rows were rewritten and re-linked, or the anchor was stored by hand; compare "
                                  "with the anchor files you kept ('aqb anchor verify FILE')")
    if guard:
        raise IntegrityBreakError(f"the database's guard was changed: {guard[0]}",
                                  "a superuser or the table's owner changed it; rows written since are stamped and "
                                  "checked by the changed guard: run 'aqb db migrate' to restore it, compare with "
                                  "your anchor files, and find who changed it (the server's log)")
    if held.unreadable:
        raise IntegrityBreakError(f"the chain verifies, but {held.unreadable[0]}",
                                  "a row of the anchors table was written past 'aqb anchor create'; keep it as it is")


@dataclass(frozen=True)
class StoredAnchors:
    """The anchors stored in the ledger, as a full verify checked them."""

    count: int
    pinned: bool
    checked: bool  # False: verify --from checks no anchor
    failed: list[anchoring.AnchorCheck]
    unreadable: list[str]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unreadable

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "stored": self.count, "key_pinned": self.pinned,
                "failed": [{"position": c.anchor.position, "on_chain": c.on_chain, "signature_ok": c.signature_ok,
                            "detail": c.detail} for c in self.failed],
                "unreadable": self.unreadable}

    def sentence(self) -> str:
        if not self.checked:
            return "Anchors not checked (verify from the first row checks them)."
        if not self.count and not self.unreadable:
            return ("No anchor is stored: a rewrite that re-linked every row after a change would not show here; "
                    "sign the head with 'aqb anchor create' and keep the file outside the database.")
        if self.ok:
            key = ("against the pinned key" if self.pinned
                   else "with the key each names (give --public-key to check whose key it is)")
            return f"Anchors: {self.count} stored, each on the chain, signatures valid {key}."
        found = [f"the anchor at position {c.anchor.position}: "
                 f"{c.detail if not c.on_chain else 'its signature does not verify'}" for c in self.failed]
        return "Anchors DO NOT HOLD: " + "; ".join([*found, *self.unreadable]) + "."


NOT_VERIFIED = StoredAnchors(0, False, False, [], [])


def show_report(report: Report, fmt: str, *, locale: str | None = None, output: Path | None = None,
                held: StoredAnchors = NOT_VERIFIED, guard: list[str] | None = None) -> None:
    """`guard`: how the database's guard differs from the migrations' (None: SQLite, no such guard)."""
    data = as_dict(report) | {"ok": report.ok and held.ok and not guard, "anchors": held.as_dict(), "guard": guard}
    said = [_sentence(report), held.sentence()]
    if guard is not None:
        said.append("Database guard CHANGED: " + "; ".join(guard) + "." if guard else
                    "Database guard: the trigger functions and triggers are the migrations' own.")
    emit_object(data, fmt, lambda _: console().print(escape("\n".join(said))),
                title="Verification of the chain", locale=locale, output=output)


def _sentence(report: Report) -> str:
    first = "the first row" if report.start == NO_START else f"position {report.start:,}"
    span = f"{report.checked:,} events checked from {first} to position {report.head_position:,}"
    a = report.authorship
    who = (f"authorship: {a.checked:,} events checked against the registry"
           + (f", {a.declared:,} with declared actors" if a.declared else "")
           + (f", {a.before_registry:,} before the registry began" if a.before_registry else ""))
    if report.ok:
        return f"Chain intact: {span}; no version gaps; every event readable and valid; {who}, no violation. " \
               f"Head link {report.head_hash.hex()}."
    lines = [f"BROKEN: {span}; {who}."]
    if report.first_break:
        b = report.first_break
        lines.append(f"First break at position {b.position:,} ({b.kind}): {b.detail}.")
    if report.later_breaks:
        lines.append("Further breaks at positions " + ", ".join(f"{p:,}" for p in report.later_breaks) + ".")
    lines += [f"Version gap at position {g.position:,}: {g.detail}." for g in report.gaps]
    lines += [f"Undecodable at position {u.position:,}: {u.detail}." for u in report.undecodable]
    lines += [f"{'Invalid value' if i.kind == 'invalid-value' else 'Rule broken'} at position {i.position:,}: "
              f"{i.detail}." for i in report.invalid]
    lines += [f"Unauthorised at position {v.position:,}: {v.detail}." for v in report.violations[:MAX_LISTED]]
    return "\n".join(lines)


@click.group()
def anchor() -> None:
    """Signed anchors of the chain head, kept outside the database."""


@anchor.command("keygen")
@KEY
@receipt_option
def keygen_command(key_path: Path) -> None:
    """Create an Ed25519 key pair: PATH (private, mode 0600) and PATH.pub (give it to auditors).

    \b
    Example:
      aqb anchor keygen --key ~/.config/aqb/anchor-2025.key
    """
    public_path, key_id = anchors.keygen(key_path)
    _say(f"Created signing key {key_path} and public key {public_path} (key id {key_id}).",
         key=str(key_path), public_key=str(public_path), key_id=key_id)


@anchor.command("create")
@KEY
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where to write the anchor file [default: aqb-anchor-POSITION.json here].")
@click.option("--force", is_flag=True, help="Replace FILE if it exists (never written through a symlink).")
@receipt_option
def create_command(key_path: Path, out: Path | None, force: bool) -> None:
    """Verify the chain, sign its head (position, link, Merkle root, time), store the anchor in the
    ledger and write it to a file an auditor can keep or mail.

    \b
    Example:
      aqb anchor create --key ~/.config/aqb/anchor.key --out anchors/2024-12-31.json
    """
    s = session()
    ledger = s.ledger()
    key = anchors.load_private(key_path)
    if out is not None:
        check_new(out, force=force)  # before anything is signed and stored
    with progress_bar("anchor", ledger.reads.head()) as advance:
        made = anchoring.create(ledger.db, key, advance)
    path = out or Path(f"aqb-anchor-{made.position}.json")
    write_new(path, made.to_json().encode(), force=force)
    _say(f"Anchored position {made.position:,} (link {made.head_hash[:16]}…, key {made.key_id}) in {path}.",
         file=str(path), position=made.position, head_hash=made.head_hash, merkle_root=made.merkle_root,
         key_id=made.key_id)


@anchor.command("verify")
@click.argument("files", nargs=-1, required=True, type=INPUT_FILE)
@PUBLIC_KEY
@format_option
def anchor_verify_command(files: tuple[Path, ...], public_path: Path | None) -> None:
    """Prove that each anchored head is still on the chain: the signature is valid and the chain
    recomputed from today's rows reaches the anchored link and Merkle root. Exits 10 otherwise.

    \b
    Example:
      aqb anchor verify anchors/*.json --public-key ~/.config/aqb/anchor.key.pub
    """
    s = session()
    ledger = s.ledger()
    kept = [anchors.read_file(f) for f in files]
    pinned = anchors.load_public(public_path) if public_path else None
    with progress_bar("anchor verify", max(a.position for a in kept)) as advance:
        checks = anchoring.check(ledger.db, kept, pinned, advance)
    rows = [{"file": str(f), "position": c.anchor.position, "anchored_at": c.anchor.anchored_at,
             "key_id": c.anchor.key_id, "signature": _signature(c), "on_chain": c.on_chain,
             "detail": c.detail} for f, c in zip(files, checks, strict=True)]
    emit_table(rows, list(rows[0]), s.fmt, title="Anchors", numeric=["position"],
               caption="" if pinned else "signature 'valid (key not pinned)' proves nothing about who signed: "
                                         "pin --public-key",
               locale=s.locale, output=s.output)
    failed = [str(f) for f, c in zip(files, checks, strict=True) if not c.ok]
    if failed:
        raise IntegrityBreakError(f"{len(failed)} of {len(rows)} anchors do not hold: {', '.join(failed)}",
                                  "the ledger differs from what was anchored; keep it as it is and investigate")


def _signature(c: anchoring.AnchorCheck) -> str:
    if not c.signature_ok:
        return "INVALID"
    return "valid" if c.key_pinned else "valid (key not pinned)"


def _say(message: str, **data: Any) -> None:
    emit_receipt(session().fmt, message, **data)


COMMANDS = [verify_command, anchor]
