"""`aqb principal …`: who may record what — the registry of the ledger's principals and their
mandates, itself recorded as events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from cli.output.neutral import markup_safe
from cli.params import AMOUNT, DATE, document_ref, envelope_options, meta_of
from cli.render import console, emit_object, emit_receipt, emit_table
from cli.session import format_option, receipt_option, session
from ledger.app.principals import MandateSpec
from ledger.application import Ledger, Meta, Receipt
from ledger.domain.errors import InvalidInputError
from ledger.domain.principal import MandateState, Principal
from ledger.domain.values import Act, PrincipalKind

ACTS = click.Choice([a.value for a in Act])


def mandate_options(func: Any) -> Any:
    """--act (repeat), --party, --ceiling, --valid-from, --valid-until, --delegable."""
    for option in reversed((
        click.option("--act", "acts", type=ACTS, multiple=True, help="What the mandate allows; repeat."),
        click.option("--party", metavar="AGS", help="Only for this party's agreements and grants."),
        click.option("--ceiling", type=AMOUNT, help="Only acts of at most this amount (EUR)."),
        click.option("--valid-from", type=DATE, help="First recording day it is valid."),
        click.option("--valid-until", type=DATE, help="Last recording day it is valid."),
        click.option("--delegable", is_flag=True, help="Its holder may delegate a part of it."),
    )):
        func = option(func)
    return func


def _spec(acts: tuple[str, ...], party: str | None, ceiling: Decimal | None, valid_from: date | None,
          valid_until: date | None, delegable: bool) -> MandateSpec:
    return MandateSpec(acts, party.strip() if party else None, ceiling, valid_from, valid_until, delegable)



def _done(message: str, receipt: Receipt) -> None:
    emit_receipt(session().fmt, f"{message} at position {receipt.position}.", stream=receipt.stream_id,
                 position=receipt.position, id=receipt.item_id)


@click.group()
def principal() -> None:
    """The principals of the ledger (people and service logins) and their mandates."""


@principal.command("bootstrap")
@click.argument("login")
@click.option("--name", "display_name", required=True, help="The administrator's display name.")
@click.option("--organisation", required=True, metavar="ORG", help="HMSI, RPKS or a party's AGS.")
@mandate_options
@envelope_options
@receipt_option
def bootstrap_command(login: str, display_name: str, organisation: str, **options: Any) -> None:
    """Register the ledger's first principal, an administrator (it may also be given further
    acts with --act). Once per ledger, while no principal exists. On PostgreSQL a member of the
    ledger's owner role runs it (the database checks that too); the event names that login as
    the one who recorded it. On SQLite it creates the ledger file if there is none.

    \b
    Example:
      aqb --database postgresql://postgres@db:5432/aqb principal bootstrap it.admin \\
          --name "IT-Administration HMSI" --organisation HMSI
    """
    s = session()
    env = {k: options.pop(k) for k in ("reason", "effective", "document", "document_file")}
    extra = [_spec(**options)] if options["acts"] else []
    meta = Meta(None, env["effective"], env["reason"], document_ref(env["document"], env["document_file"]),
                s.correlation_id)
    s.wrote = True
    receipt = s.ledger(create=True).bootstrap(meta, login.strip(), display_name, organisation, extra)
    _done(f"Bootstrapped the registry: {login} is its first administrator", receipt)


@principal.command("register")
@click.argument("login")
@click.option("--name", "display_name", required=True, help="Display name, e.g. 'Anna Schneider'.")
@click.option("--organisation", required=True, metavar="ORG", help="HMSI, RPKS or a party's AGS.")
@click.option("--kind", type=click.Choice([k.value for k in PrincipalKind]), default="person", show_default=True,
              help="A person, or a service login that records on behalf of people (--act on-behalf).")
@mandate_options
@envelope_options
@receipt_option
def register_command(login: str, display_name: str, organisation: str, kind: str, **options: Any) -> None:
    """Register a principal (its login is its PostgreSQL login) with a first mandate (--act …).

    \b
    Example:
      aqb --actor it.admin principal register l.fischer --name "Lena Fischer" --organisation 06532 \\
          --act record --party 06532 --reason "Sachbearbeitung AQB Lahn-Dill-Kreis"
    """
    env = {k: options.pop(k) for k in ("reason", "effective", "document", "document_file")}
    mandates = [_spec(**options)] if options["acts"] else []
    receipt = session().ledger().register_principal(meta_of(**env), login.strip(), display_name, organisation,
                                                    kind, mandates)
    _done(f"Registered {login}", receipt)


@principal.command("grant")
@click.argument("login")
@mandate_options
@envelope_options
@receipt_option
def grant_command(login: str, **options: Any) -> None:
    """Give a principal a further mandate (by an administrator, never to itself).

    \b
    Example:
      aqb --actor it.admin principal grant k.becker --act grant --ceiling 500000 --valid-until 2025-12-31 \\
          --reason "Zeichnungsbefugnis Dezernat 57"
    """
    env = {k: options.pop(k) for k in ("reason", "effective", "document", "document_file")}
    receipt = session().ledger().grant_mandate(meta_of(**env), login.strip(), _spec(**options))
    _done(f"Granted {login} mandate {receipt_item(receipt)}", receipt)


@principal.command("delegate")
@click.argument("login")
@click.option("--mandate", "parent_id", required=True, metavar="M", help="Your own delegable mandate, e.g. M2.")
@mandate_options
@envelope_options
@receipt_option
def delegate_command(login: str, parent_id: str, **options: Any) -> None:
    """Delegate a part of one of your own delegable mandates to another principal (at most its
    acts, party, ceiling and validity); it lapses when yours is revoked.

    \b
    Example:
      aqb --actor it.admin principal grant r.klein --act sign-off --delegable --reason "Referatsleitung"
      aqb --actor r.klein@HMSI principal delegate a.schneider --mandate M2 --act sign-off \\
          --valid-until 2025-03-31 --reason "Vertretung während des Urlaubs"
    """
    env = {k: options.pop(k) for k in ("reason", "effective", "document", "document_file")}
    receipt = session().ledger().delegate_mandate(meta_of(**env), login.strip(), parent_id.strip(), _spec(**options))
    _done(f"Delegated to {login}", receipt)


@principal.command("revoke")
@click.argument("login")
@click.argument("mandate_id", metavar="MANDATE")
@envelope_options
@receipt_option
def revoke_command(login: str, mandate_id: str, **env: Any) -> None:
    """Revoke a mandate: it stops working from this event on; what was recorded under it stays.

    \b
    Example:
      aqb --actor it.admin principal revoke k.becker M1 --reason "Wechsel in ein anderes Dezernat"
    """
    receipt = session().ledger().revoke_mandate(meta_of(**env), login.strip(), mandate_id.strip())
    _done(f"Revoked {login}/{mandate_id}", receipt)


@principal.command("deactivate")
@click.argument("login")
@envelope_options
@receipt_option
def deactivate_command(login: str, **env: Any) -> None:
    """Deactivate a principal: it records nothing from this event on.

    \b
    Example:
      aqb --actor it.admin principal deactivate j.weber --reason "ausgeschieden zum 30.06.2025"
    """
    receipt = session().ledger().deactivate_principal(meta_of(**env), login.strip())
    _done(f"Deactivated {login}", receipt)


@principal.command("list")
@format_option
def list_command() -> None:
    """Every principal with its organisation, kind, state and usable mandates.

    \b
    Example:
      aqb principal list --format csv
    """
    s = session()
    show_principals(s.ledger(), s.fmt, locale=s.locale, output=s.output)


def show_principals(ledger: Ledger, fmt: str = "table", *, locale: str | None = None,
                    output: Path | None = None) -> None:
    rows = [_principal_row(p) for p in ledger.principals()]
    emit_table(rows, ["login", "name", "organisation", "kind", "active", "mandates"], fmt,
               title="Principals", caption=_caption(ledger.authenticated), locale=locale, output=output)


@principal.command("show")
@click.argument("login", required=False)
@format_option
def show_command(login: str | None) -> None:
    """One principal and every mandate it was ever given (default: yourself — your login on
    PostgreSQL, --actor on SQLite).

    \b
    Example:
      aqb principal show j.weber
    """
    s = session()
    ledger = s.ledger()
    who = login or ledger.login or (s.actor or "").partition("@")[0]
    if not who.strip():
        raise InvalidInputError("whose mandates? no login was given", "give a LOGIN, or --actor on SQLite")
    found = ledger.principal(who.strip().lower())
    data = {**_principal_row(found), "mandates": [_mandate_row(found, m) for m in found.mandates.values()]}
    emit_object(data, s.fmt, lambda d: _show(d, ledger.authenticated, s.locale), title=f"Principal {found.login}",
                locale=s.locale, output=s.output)


def _show(data: dict[str, Any], authenticated: bool, locale: str) -> None:
    console().print(markup_safe(f"{data['login']} — {data['name']} ({data['organisation']}, {data['kind']}"
                                f"{'' if data['active'] else ', deactivated'})"))
    emit_table(data["mandates"], ["mandate", "acts", "party", "ceiling", "valid_from", "valid_until", "delegated_from",
                                  "delegable", "state"], "table", title="Mandates", caption=_caption(authenticated),
               numeric=["ceiling"], locale=locale)


def _principal_row(p: Principal) -> dict[str, Any]:
    usable = [f"{s.mandate.mandate_id}: {', '.join(a.value for a in s.mandate.acts)}" for s in p.mandates.values()
              if not s.revoked]
    return {"login": p.login, "name": p.display_name, "organisation": p.organisation, "kind": p.kind.value,
            "active": p.active, "mandates": "; ".join(usable) or "(none)"}


def _mandate_row(p: Principal, state: MandateState) -> dict[str, Any]:
    m = state.mandate
    return {"mandate": f"{p.login}/{m.mandate_id}", "acts": ", ".join(a.value for a in m.acts), "party": m.party,
            "ceiling": m.ceiling, "valid_from": m.valid_from, "valid_until": m.valid_until,
            "delegated_from": m.delegated_from, "delegable": m.delegable,
            "state": f"revoked (entry {state.revoked_version})" if state.revoked else "granted"}


def _caption(authenticated: bool) -> str:
    return ("logins are authenticated by PostgreSQL" if authenticated else
            "embedded SQLite ledger: single user, actors are declared, not authenticated")


def receipt_item(receipt: Receipt) -> str:
    return receipt.item_id or ""


COMMANDS = [principal]
