"""The guard around the triggers: what else on the events and anchors tables could let a row past
them or hide one (PostgreSQL). The owner or a superuser can
- add a rule (`DO INSTEAD` sends an insert elsewhere: the command says "recorded", nothing is);
- enable row-level security with a policy (a reader sees a shorter, clean-looking chain);
- create a child table (`INHERITS`): its rows skip every trigger of the parent but are read with it;
- grant a right the ledger does not give (UPDATE to a writer, with the append-only trigger narrowed),
  or make a ledger role a member of another (every writer an owner);
- drop what keeps the rows apart: the primary key (one event per stream and version), the unique
  index of positions (one event per position), the check that positions are positive, or the
  NOT NULL of a stream, version or position (the triggers assume each of them).

`problems` names each such change (verify and migrate report them); `restore` undoes them for
`aqb db migrate`, which then applies the ledger's own rights again.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from ledger.integrity.roles import Roles
from ledger.persistence.config import EVENTS_TABLE

ANCHORS = "aqb_anchors"
TABLES = (EVENTS_TABLE, ANCHORS)
SEQUENCES = {f"{EVENTS_TABLE}_notification_id_seq": {"writer": {"SELECT"}, "reader": {"SELECT"},
                                                      "projector": {"SELECT"}},
             f"{ANCHORS}_anchor_id_seq": {"writer": {"USAGE"}}}
TABLE_RIGHTS = {"writer": {"SELECT", "INSERT"}, "reader": {"SELECT"}, "projector": {"SELECT"}}


KEYS = {  # what keeps the events apart, as pg_get_constraintdef shows it (a check may be NOT VALID)
    "aqb_events_pkey": ("PRIMARY KEY (originator_id, originator_version)",),
    "aqb_events_position_positive": ("CHECK ((notification_id > 0)) NOT VALID", "CHECK ((notification_id > 0))"),
}
POSITIONS_INDEX = f"{EVENTS_TABLE}_notification_id_idx"
NOT_NULL = ("originator_id", "originator_version", "notification_id")


def problems(conn: Any, schema: str, roles: Roles) -> list[str]:
    found: list[str] = _keys(conn, schema)
    for table in TABLES:
        name = f'"{schema}".{table}'
        found += [f"the table {table} has a rule the ledger did not create: {r}" for (r,) in conn.execute(
            "SELECT rulename FROM pg_rules WHERE schemaname = %s AND tablename = %s", (schema, table)).fetchall()]
        row = conn.execute("SELECT relrowsecurity OR relforcerowsecurity FROM pg_class WHERE oid = %s::regclass",
                           (name,)).fetchone()
        if row and row[0]:
            found.append(f"the table {table} has row-level security enabled (rows can be hidden from readers)")
        found += [f"the table {table} has a policy the ledger did not create: {p}" for (p,) in conn.execute(
            "SELECT policyname FROM pg_policies WHERE schemaname = %s AND tablename = %s", (schema, table)).fetchall()]
        found += [f"the table {table} has a child table, whose rows skip its triggers: {c}" for (c,) in conn.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", (name,)).fetchall()]
        found += _rights(conn, name, table, roles, TABLE_RIGHTS)
    for sequence, expected in SEQUENCES.items():
        found += _rights(conn, f'"{schema}".{sequence}', f"sequence {sequence}", roles, expected)
    found += [f"the ledger's role {member} is a member of its role {group}" for group, member in _memberships(
        conn, roles)]
    return found


def _keys(conn: Any, schema: str) -> list[str]:
    table = f'"{schema}".{EVENTS_TABLE}'
    held = {str(n): str(d) for n, d in conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass", (table,))}
    found = [f"the table {EVENTS_TABLE} lacks its constraint {name} ({shapes[-1]})"
             for name, shapes in KEYS.items() if held.get(name) not in shapes]
    if not conn.execute(
            "SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "WHERE i.indrelid = %s::regclass AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL "
            "AND a.attname = 'notification_id'", (table,)).fetchone():
        found.append(f"the table {EVENTS_TABLE} lacks its unique index of positions ({POSITIONS_INDEX})")
    found += [f"the column {EVENTS_TABLE}.{c} accepts NULL" for (c,) in conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s) AND NOT attnotnull "
        "ORDER BY attnum", (table, list(NOT_NULL))).fetchall()]
    return found


def _restore_keys(conn: Any, schema: str) -> None:
    table = sql.SQL("{0}.{1}").format(sql.Identifier(schema), sql.Identifier(EVENTS_TABLE))
    for column in NOT_NULL:
        conn.execute(sql.SQL("ALTER TABLE {0} ALTER COLUMN {1} SET NOT NULL").format(table, sql.Identifier(column)))
    conn.execute(sql.SQL("CREATE UNIQUE INDEX IF NOT EXISTS {0} ON {1} (notification_id)").format(
        sql.Identifier(POSITIONS_INDEX), table))
    held = {str(n): str(d) for n, d in conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass",
        (f'"{schema}".{EVENTS_TABLE}',))}
    for name, shapes in KEYS.items():
        if held.get(name) in shapes:
            continue
        if name in held:
            conn.execute(sql.SQL("ALTER TABLE {0} DROP CONSTRAINT {1}").format(table, sql.Identifier(name)))
        body = "PRIMARY KEY (originator_id, originator_version)" if name.endswith("pkey") else \
            "CHECK (notification_id > 0) NOT VALID"
        conn.execute(sql.SQL("ALTER TABLE {0} ADD CONSTRAINT {1} " + body).format(table, sql.Identifier(name)))


def restore(conn: Any, schema: str, roles: Roles) -> None:
    """Undo what `problems` finds; `apply_rights` then grants the ledger's own rights again."""
    _restore_keys(conn, schema)
    for table in TABLES:
        name = sql.SQL("{0}.{1}").format(sql.Identifier(schema), sql.Identifier(table))
        for (rule,) in conn.execute("SELECT rulename FROM pg_rules WHERE schemaname = %s AND tablename = %s",
                                    (schema, table)).fetchall():
            conn.execute(sql.SQL("DROP RULE {0} ON {1}").format(sql.Identifier(rule), name))
        for (policy,) in conn.execute("SELECT policyname FROM pg_policies WHERE schemaname = %s AND tablename = %s",
                                      (schema, table)).fetchall():
            conn.execute(sql.SQL("DROP POLICY {0} ON {1}").format(sql.Identifier(policy), name))
        conn.execute(sql.SQL("ALTER TABLE {0} DISABLE ROW LEVEL SECURITY, NO FORCE ROW LEVEL SECURITY").format(name))
        for (child,) in conn.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
                                     (f'"{schema}".{table}',)).fetchall():
            conn.execute(sql.SQL("ALTER TABLE {0} NO INHERIT {1}").format(sql.SQL(child), name))
        for grantee in _grantees(conn, f'"{schema}".{table}', roles.owner):
            conn.execute(sql.SQL("REVOKE ALL ON {0} FROM {1}").format(name, _role(grantee)))
    for sequence in SEQUENCES:
        name = sql.SQL("{0}.{1}").format(sql.Identifier(schema), sql.Identifier(sequence))
        for grantee in _grantees(conn, f'"{schema}".{sequence}', roles.owner):
            conn.execute(sql.SQL("REVOKE ALL ON SEQUENCE {0} FROM {1}").format(name, _role(grantee)))
    for group, member in _memberships(conn, roles):
        conn.execute(sql.SQL("REVOKE {0} FROM {1}").format(sql.Identifier(group), sql.Identifier(member)))


def _rights(conn: Any, name: str, shown: str, roles: Roles, expected: dict[str, set[str]]) -> list[str]:
    by_role = {getattr(roles, kind): rights for kind, rights in expected.items()}
    granted: dict[str, set[str]] = {}
    for grantee, right in _acl(conn, name):
        granted.setdefault(grantee, set()).add(right)
    return [f"the {'table ' if not shown.startswith('sequence') else ''}{shown} grants {', '.join(sorted(extra))} to "
            f"{grantee}, which the ledger does not" for grantee, rights in sorted(granted.items())
            if grantee != roles.owner and (extra := rights - by_role.get(grantee, set()))]


def _acl(conn: Any, name: str) -> list[tuple[str, str]]:
    return [(str(g), str(p)) for g, p in conn.execute(
        "SELECT coalesce(r.rolname, 'PUBLIC'), a.privilege_type FROM pg_class c "
        "CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.oid = %s::regclass", (name,)).fetchall()]


def _grantees(conn: Any, name: str, owner: str) -> list[str]:
    return sorted({g for g, _ in _acl(conn, name)} - {owner})


def _memberships(conn: Any, roles: Roles) -> list[tuple[str, str]]:
    names = list(roles.all())
    return [(str(g), str(m)) for g, m in conn.execute(
        "SELECT g.rolname, m.rolname FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid "
        "JOIN pg_roles m ON m.oid = am.member WHERE g.rolname = ANY(%s) AND m.rolname = ANY(%s) ORDER BY 1, 2",
        (names, names)).fetchall()]


def _role(name: str) -> sql.Composable:
    return sql.SQL("PUBLIC") if name == "PUBLIC" else sql.Identifier(name)
