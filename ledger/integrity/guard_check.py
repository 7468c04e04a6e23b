"""The database's guard as the migrations made it (PostgreSQL): `aqb verify` compares the functions
behind the events table's triggers, and the triggers themselves, with what the migrations create.

The chain, the stamped login and the author check are only as good as the trigger functions that
compute them and the triggers that call them (when they fire, on what, under which condition),
and only as good as what lies around them (`guard_tables`: rules, row-level security, child
tables, rights and role memberships). A superuser (or the owner) can replace a function — stamp the envelope's login
instead of `session_user`, skip the author check — or disable a trigger, and every row written
after that verifies. What this check finds: a function whose body, SECURITY DEFINER flag or
search path is not the migrations' own, a missing one, a trigger missing, disabled or not
firing in every replication mode (ENABLE ALWAYS), or a trigger on the events table that the
ledger did not create. A guard changed and changed back in between is not seen here: the
anchors cover the rows written meanwhile only if an anchor was signed after them.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from ledger.integrity import guard_tables, pg_guard, pg_guard_v3, pg_guard_v4, pg_schema
from ledger.integrity.roles import roles_of
from ledger.persistence import grant_links
from ledger.persistence.config import EVENTS_TABLE, Database
from ledger.persistence.postgres import CHECK_VERSIONS, SAVE, SAVE_FUNCTION

FUNCTIONS = (
    ("aqb_chain_link", pg_guard_v4.CHAIN_FUNCTION),
    ("aqb_writer_lock", pg_guard.LOCK_FUNCTION),
    ("aqb_check_author", pg_guard_v4.AUTHOR_FUNCTION),
    ("aqb_principal", pg_guard.PRINCIPAL_FUNCTION_V2),
    (CHECK_VERSIONS, pg_guard.VERSIONS_FUNCTION),
    ("aqb_refuse_change", pg_schema.REFUSE_FUNCTION),
    (grant_links.FUNCTION, grant_links.PG_FUNCTION),
    (SAVE, SAVE_FUNCTION),
    (pg_guard_v3.ANCHOR_FUNCTION_NAME, pg_guard_v3.ANCHOR_FUNCTION),
    (pg_guard_v4.HELD_FUNCTION_NAME, pg_guard_v4.HELD_FUNCTION),
)
# What a ledger migrated only up to an earlier number has instead (the newest first): no save
# function before 7 (it is written without it); before 8 the chain and author functions of
# migration 4 and no anchor trigger; before 9 those of migration 8 and no mandate lookup.
BEFORE: dict[int, dict[str, str | None]] = {
    7: {SAVE: None},
    8: {"aqb_chain_link": pg_guard.CHAIN_FUNCTION, "aqb_check_author": pg_guard.AUTHOR_FUNCTION,
        pg_guard_v3.ANCHOR_FUNCTION_NAME: None, "aqb_anchors_checked": None},
    9: {"aqb_chain_link": pg_guard_v3.CHAIN_FUNCTION, "aqb_check_author": pg_guard_v3.AUTHOR_FUNCTION,
        pg_guard_v4.HELD_FUNCTION_NAME: None},
}
TRIGGERS = {EVENTS_TABLE: {"aqb_events_lock": "aqb_writer_lock", "aqb_events_chain": "aqb_chain_link",
                           "aqb_events_append_only": "aqb_refuse_change"},
            "aqb_anchors": {"aqb_anchors_append_only": "aqb_refuse_change", "aqb_anchors_checked": "aqb_anchor_row"}}
# pg_trigger.tgtype: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate
FIRES = {"aqb_events_lock": (2 | 4, "before insert, once a statement"),
         "aqb_events_chain": (1 | 2 | 4, "before insert, for each row"),
         "aqb_events_append_only": (2 | 8 | 16 | 32, "before update, delete or truncate"),
         "aqb_anchors_append_only": (2 | 8 | 16 | 32, "before update, delete or truncate"),
         "aqb_anchors_checked": (1 | 2 | 4, "before insert, for each row")}
SEARCH_PATH = "search_path=pg_catalog, pg_temp"


def check(db: Database, conn: Any) -> list[str]:
    """Each way the guard differs from the migrations', one sentence each (empty: it does not)."""
    roles = roles_of(db, conn)
    names = pg_guard_v4.names(db, roles)
    changed = _older(conn, db.schema)
    problems = [p for function, template in _expected(changed)
                for p in _function(conn, db.schema, function, sql.SQL(template).format(**names).as_string(conn))]
    problems += [p for table, expected in TRIGGERS.items()
                 for p in _triggers(conn, db.schema, table, {k: v for k, v in expected.items() if k not in changed
                                                             or changed[k] is not None})]
    return problems + guard_tables.problems(conn, db.schema, roles)


def restore(db: Database, conn: Any) -> None:
    """The guard as the migrations make it: every function created again, every trigger of the
    events and anchors tables dropped and created again (for `aqb db migrate`, as the owner)."""
    roles = roles_of(db, conn)
    names = pg_guard_v4.names(db, roles)
    for _function, template in FUNCTIONS:
        conn.execute(sql.SQL(template).format(**names))
    for table in TRIGGERS:
        for (name,) in conn.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                                    (f'"{db.schema}".{table}',)).fetchall():
            conn.execute(sql.SQL("DROP TRIGGER {0} ON {1}.{2}").format(
                sql.Identifier(name), sql.Identifier(db.schema), sql.Identifier(table)))
    conn.execute(sql.SQL(pg_guard.TRIGGERS + pg_schema.APPEND_ONLY_TRIGGERS + pg_guard_v3.ANCHOR_TRIGGER).format(
        **names))
    guard_tables.restore(conn, db.schema, roles)


def _older(conn: Any, schema: str) -> dict[str, str | None]:
    """How the guard of this ledger differs from the newest, by the migrations it has (a function's
    template of before, or None: not there)."""
    table = sql.SQL("{0}.aqb_migrations").format(sql.Identifier(schema))
    applied = {r[0] for r in conn.execute(sql.SQL("SELECT number FROM {0}").format(table)).fetchall()}
    changed: dict[str, str | None] = {}
    for number in sorted(BEFORE):
        if number not in applied:
            changed = {**BEFORE[number], **changed}
    return changed


def _expected(changed: dict[str, str | None]) -> list[tuple[str, str]]:
    found = [(f, changed.get(f, t)) for f, t in FUNCTIONS]
    return [(f, t) for f, t in found if t is not None]


def _function(conn: Any, schema: str, function: str, created: str) -> list[str]:
    rows = conn.execute(
        "SELECT p.prosrc, p.prosecdef, p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s AND p.proname = %s", (schema, function)).fetchall()
    if len(rows) != 1:
        return [f"the function {function} is {'missing' if not rows else 'defined more than once'}"]
    body, definer, config = rows[0]
    expected_config = [SEARCH_PATH] if "SET search_path = pg_catalog, pg_temp" in created else None
    changed = []
    if _words(body) != _words(created.split("$f$")[1]):
        changed.append("its body")
    if bool(definer) != ("SECURITY DEFINER" in created):
        changed.append("its SECURITY DEFINER flag")
    if (list(config) if config else None) != expected_config:
        changed.append("its settings (search path)")
    if changed:
        return [f"the function {function} is not the one the migrations create ({' and '.join(changed)} changed)"]
    return []


def _triggers(conn: Any, schema: str, table: str, expected: dict[str, str]) -> list[str]:
    rows = conn.execute(
        "SELECT t.tgname, t.tgenabled, p.proname, n.nspname, t.tgtype, t.tgqual IS NOT NULL, t.tgattr::text <> '', "
        "t.tgnargs FROM pg_trigger t "
        "JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE t.tgrelid = %s::regclass AND NOT t.tgisinternal",
        (f'"{schema}".{table}',)).fetchall()
    found = {name: (enabled, function, where) for name, enabled, function, where, *_ in rows}
    shapes = {name: rest for name, _, _, _, *rest in rows}
    problems = []
    for name, function in expected.items():
        if name not in found:
            problems.append(f"the trigger {name} is missing")
            continue
        enabled, runs, where = found[name]
        if (runs, where) != (function, schema):
            problems.append(f"the trigger {name} runs {where}.{runs}, not {schema}.{function}")
        if enabled != "A":
            state = "disabled" if enabled == "D" else "not enabled in every replication mode"
            problems.append(f"the trigger {name} is {state}")
        kind, when, columns, arguments = shapes[name]
        fires, said = FIRES[name]
        if kind != fires:
            problems.append(f"the trigger {name} no longer fires {said}")
        if when or columns or arguments:
            problems.append(f"the trigger {name} has a condition, columns or arguments the ledger did not give it")
    problems += [f"the table {table} has a trigger the ledger did not create: {name}"
                 for name in sorted(set(found) - set(expected))]
    return problems


def _words(text: str) -> list[str]:
    return text.split()
