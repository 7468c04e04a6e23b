"""`aqb projections run|rebuild|status`: the read models behind `aqb status` and `aqb overview`."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable

import click

from cli.formats import NONE
from cli.progress import progress_bar
from cli.render import console, emit_table
from cli.session import format_option, session
from ledger.application import Ledger
from ledger.domain.errors import IntegrityBreakError, NotAuthorisedError
from ledger.persistence.config import database_from_url
from projections.check import check_views
from projections.engine import VIEWS
from projections.rebuild import rebuild
from projections.runner import follow, require_postgres
from projections.store import BUILD, ViewStore

VIEW = click.Choice(sorted(VIEWS))


@click.group()
def projections() -> None:
    """The read models (budget status, lifecycle, audit index): follow, rebuild, inspect."""


@projections.command("run")
@click.argument("names", nargs=-1, type=VIEW, metavar="[NAME]...")
@format_option(formats=NONE)
def run_command(names: tuple[str, ...]) -> None:
    """Follow new events live into the views (PostgreSQL: LISTEN/NOTIFY), one runner per view.
    Resumes from each view's position; stop with Ctrl-C (or SIGTERM, as a service manager stops it).

    \b
    Example:
      aqb --database postgresql://postgres@127.0.0.1:5432/aqb projections run
    """
    database = database_from_url(session().url)
    require_postgres(database)
    ledger = session().ledger()
    check_may_write(ledger, ViewStore(ledger.recorder))
    stop, errors = threading.Event(), list[BaseException]()
    threads = [threading.Thread(target=_guarded(follow, errors), args=(database, n, None, stop), daemon=True)
               for n in names or sorted(VIEWS)]
    signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl-C: each runner ends its batch
    try:  # Ctrl-C stops, also right after the start
        for thread in threads:
            thread.start()
        click.echo(f"Following {', '.join(names or sorted(VIEWS))} on {database.describe()}; Ctrl-C stops.",
                   err=True)
        while any(t.is_alive() for t in threads) and not errors:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    stop.set()
    for thread in threads:
        if thread.is_alive():
            thread.join(timeout=5)
    if errors:
        raise errors[0]


def _interrupt(signum: int, frame: object) -> None:  # noqa: ARG001 (a signal handler's signature)
    raise KeyboardInterrupt


def check_may_write(ledger: Ledger, store: ViewStore) -> None:
    if not store.writable():
        raise NotAuthorisedError(f"login {ledger.login} may not write the read models",
                                 "a member of the ledger's projector role rebuilds and follows them "
                                 "(aqb db add-login LOGIN --as projector)")


def _guarded(func: Callable[..., None], errors: list[BaseException]) -> Callable[..., None]:
    def run(*args: object) -> None:
        try:
            func(*args)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
    return run


@projections.command("rebuild")
@click.argument("names", nargs=-1, type=VIEW, metavar="[NAME]...")
@click.option("--fresh", is_flag=True, help="Start from zero even when an interrupted rebuild could resume.")
@format_option(formats=NONE)
def rebuild_command(names: tuple[str, ...], fresh: bool) -> None:
    """Replay every event from position zero into a new table set, then switch readers to it.
    Readers keep working meanwhile; an interrupted rebuild resumes where it stopped.

    \b
    Example:
      aqb projections rebuild
      aqb projections rebuild budget
    """
    ledger = session().ledger()
    chosen = list(names or sorted(VIEWS))
    store = ViewStore(ledger.recorder)
    check_may_write(ledger, store)
    starts = [store.position(n + BUILD) for n in chosen]
    todo = ledger.reads.head() - (min(starts) if not fresh else 0)
    with progress_bar(f"rebuilding {', '.join(chosen)}", todo) as advance:
        done = rebuild(ledger, chosen, advance, fresh=fresh)
    for name, position in done.items():
        click.echo(f"Rebuilt {name}: at position {position:,}.", err=True)


@projections.command("check")
@click.argument("names", nargs=-1, type=VIEW, metavar="[NAME]...")
@format_option
def check_command(names: tuple[str, ...]) -> None:
    """Check each view table, row by row, against a replay of the events up to the position the
    view stands at: anyone who changed a view table past the projector is found. Exits 10 when a
    view differs.

    \b
    Example:
      aqb projections check
      aqb projections check budget --format json
    """
    s = session()
    results = check_views(s.ledger(), list(names) or None)
    rows = [{"view": r.view, "position": r.position, "rows": r.rows, "ok": r.ok,
             "differences": "; ".join(r.differences) or None} for r in results]
    emit_table(rows, ["view", "position", "rows", "ok", "differences"], s.fmt, title="Views against a replay",
               numeric=["position", "rows"], caption="every row recomputed from the events", locale=s.locale,
               output=s.output)
    bad = [r.view for r in results if not r.ok]
    if bad:
        raise IntegrityBreakError(f"the view tables of {', '.join(bad)} differ from a replay of the events",
                                  "rebuild them with 'aqb projections rebuild' and find out who changed them")


@projections.command("status")
@format_option
def status_command() -> None:
    """Each view's position, the slot readers use, and its lag behind the ledger head.

    \b
    Example:
      aqb projections status --format json
    """
    s = session()
    ledger = s.ledger()
    store, head = ViewStore(ledger.recorder), ledger.reads.head()
    rows = []
    for name in sorted(VIEWS):
        live, build = store.tracking(name), store.tracking(name + BUILD)
        position = live.position if live else 0
        rows.append({"view": name, "position": position, "lag": head - position,
                     "slot": live.slot if live else None,
                     "rebuild": f"at {build.position:,}" if build else None})
    emit_table(rows, ["view", "position", "lag", "slot", "rebuild"], s.fmt, title="Projections",
               caption=f"ledger head at position {head:,}", numeric=["position", "lag"], locale=s.locale,
               output=s.output)
    if s.fmt == "table" and any(r["lag"] for r in rows):
        console().print("Views behind the head catch up after the next write, or with 'aqb projections run'.")


COMMANDS = [projections]
