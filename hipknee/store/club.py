"""A club on PostgreSQL: every runner logs into one database and reaches only her own rows; every
coach reads the rows of her own runners, private notes blanked, and writes only their programmes. The database
enforces it (roles, privileges, row-level security, views), not hipknee: a runner or coach who
connects with any other client gets the same answers.

What :func:`install` lays over a hipknee store on PostgreSQL (role names are shared by the whole
server, so the three group roles carry the database's name, e.g. ``club_runners`` for ``club``):

- ``club_members`` (role_name, kind, name, athlete_id): who each login is; a runner's login maps to
  her athlete row. ``club_coaching`` (coach_role, athlete_id): which runners each coach follows.
- ``DB_runners`` (no login): every runner's login is a member. Row-level security on the athletes
  table and on every table with an ``athlete_id`` lets a runner read, add, change and delete the
  rows of her own athlete only (and, of her athlete row, not its id, creation or deletion); she reads
  the exercise catalogue and may add to it, but not change it.
- ``DB_coaches`` (no login): every coach's login is a member. Coaches have no privilege on the
  tables at all. They read the schema ``coach_views``: one view per runner table, with the table's
  name and columns, ``note`` blanked where ``note_private``; a coach's ``search_path`` puts it
  first, so the tracker's own queries read the views. The programmes' view (``prescriptions``) is
  the one a coach also writes through (:meth:`hipknee.Store.set_programme`), for her own runners
  only; a programme's note shows as written.
- ``DB_coach_views`` (no login) owns those views; its row-level security policies let a view show
  only the rows of the runners whom the coach who is asking (``current_user``) follows.
- The owner: the login that ran ``hipknee club init`` (it needs CREATEROLE). It owns the tables,
  sees everything, adds members and runs migrations (:func:`drop_views` and :func:`apply_access`
  run inside a migration's transaction).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from ..errors import StoreError, ValidationError
from .engine import is_server, read_connection, write_connection
from .schema import TABLES, meta

__all__ = [
    "COACH_VIEWS",
    "Member",
    "Roles",
    "add_coach",
    "add_runner",
    "apply_access",
    "check_role",
    "drop_views",
    "install",
    "installed",
    "members",
    "new_password",
    "role_for",
]

#: The schema holding the coaches' views.
COACH_VIEWS = "coach_views"
MEMBERS = "club_members"
COACHING = "club_coaching"
#: Columns of her own athlete row that a runner may not change: deleting or re-dating herself is the owner's.
RUNNER_KEEPS_ATHLETE = ("id", "created_at", "deleted_at")
_MAX_NAME = 63  # bytes in a PostgreSQL name
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_POLICIES = ("hipknee_runner_own", "hipknee_coach_reads", "hipknee_everyone_reads", "hipknee_runner_adds",
             "hipknee_member_self", "hipknee_coach_prescribes")
#: The one table a coach writes: her runners' programmes (through her view of it).
COACH_WRITES = "prescriptions"


@dataclass(frozen=True)
class Roles:
    """The club's group roles (no login), named after its database."""

    runners: str
    coaches: str
    views: str

    @classmethod
    def of(cls, database: str) -> "Roles":
        return cls(f"{database}_runners", f"{database}_coaches", f"{database}_coach_views")


@dataclass(frozen=True)
class Member:
    """One login of the club: a runner (with her athlete's name) or a coach."""

    role: str
    kind: str
    name: str
    follows: tuple[str, ...]  # a runner's coaches' roles; a coach's runners' names


def role_for(name: str) -> str:
    """A login name made from a person's name: ``Zoë Smith`` -> ``zoe_smith``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    role = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")
    if role[:1].isdigit():
        role = "r_" + role
    return role[:63]


def check_role(role: str, field: str = "--role") -> str:
    """``role`` if it is a plain PostgreSQL login name hipknee can create; else :class:`ValidationError`."""
    if not isinstance(role, str) or not _ROLE.fullmatch(role) or role.startswith("pg_"):
        raise ValidationError(field, role, "a login name of lower-case letters, digits and _ (not starting with a "
                                           "digit or pg_), up to 63 characters")
    return role


def new_password() -> str:
    """A random password for a new login (about 144 bits; no character that ~/.pgpass must escape)."""
    return secrets.token_urlsafe(18)


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _scalar(conn: Connection, sql: str, *params: Any) -> Any:
    return conn.exec_driver_sql(sql, params if params else None).scalar()


def _data_schema(conn: Connection) -> str:
    """The schema holding the store's tables (where ``hipknee_meta`` is)."""
    return _scalar(conn, "SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                         "ON n.oid = c.relnamespace WHERE c.oid = %s::regclass", meta.name)


def _roles(conn: Connection) -> Roles:
    return Roles.of(_scalar(conn, "SELECT current_database()"))


def installed(conn: Connection) -> bool:
    """True when the database behind ``conn`` is a club (:func:`install` has run)."""
    return _scalar(conn, "SELECT to_regclass(%s) IS NOT NULL", MEMBERS) is True


def _runner_tables() -> list[str]:
    """Every table that holds a runner's rows (it names her athlete)."""
    return [t.name for t in TABLES.values() if "athlete_id" in t.c]


def _check_owner(conn: Connection, where: str) -> None:
    may = _scalar(conn, "SELECT rolsuper OR rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user")
    if not may:
        raise StoreError(where, "this login may not manage the club's roles (it needs CREATEROLE)",
                         advice="run the club commands as the club's owner, e.g. a login made with "
                                "`createuser --createrole OWNER`")


def _install(conn: Connection, where: str) -> Roles:
    """Make the store behind ``conn`` (its tables already made) a club: group roles, the member
    tables, row-level security, privileges and the coaches' views. Safe to run again."""
    _check_owner(conn, where)
    roles = _roles(conn)
    longest = max(len(r.encode()) for r in (roles.runners, roles.coaches, roles.views))
    if longest > _MAX_NAME:  # PostgreSQL would cut the role names short
        database = _scalar(conn, "SELECT current_database()")
        raise ValidationError("database", database, f"a database name of at most "
                                                    f"{_MAX_NAME - longest + len(database.encode())} bytes for a club")
    schema = _q(conn, _data_schema(conn))
    for role in (roles.runners, roles.coaches, roles.views):
        if not _scalar(conn, "SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = %s", role):
            conn.exec_driver_sql(f"CREATE ROLE {_q(conn, role)} NOLOGIN")
    superuser = _scalar(conn, "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")
    if not superuser:
        # The owner builds the views as their owning role.
        conn.exec_driver_sql(f"GRANT {_q(conn, roles.views)} TO CURRENT_USER")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {schema}.{MEMBERS} ("
        " role_name TEXT PRIMARY KEY,"
        " kind TEXT NOT NULL CHECK (kind IN ('runner', 'coach')),"
        " name TEXT NOT NULL,"
        f" athlete_id INTEGER UNIQUE REFERENCES {schema}.athletes (id),"
        " CHECK ((kind = 'runner') = (athlete_id IS NOT NULL)))"
    )
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {schema}.{COACHING} ("
        f" coach_role TEXT NOT NULL REFERENCES {schema}.{MEMBERS} (role_name) ON DELETE CASCADE,"
        f" athlete_id INTEGER NOT NULL REFERENCES {schema}.athletes (id),"
        " PRIMARY KEY (coach_role, athlete_id))"
    )
    conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {COACH_VIEWS} AUTHORIZATION {_q(conn, roles.views)}")
    database = _q(conn, _scalar(conn, "SELECT current_database()"))
    may_connect = _scalar(conn, "SELECT pg_catalog.pg_has_role(datdba, 'USAGE') FROM pg_catalog.pg_database "
                                "WHERE datname = current_database()")
    if may_connect:
        # Only the club's members (and the owner) connect.
        conn.exec_driver_sql(f"REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {_q(conn, roles.runners)}, {_q(conn, roles.coaches)}")
    apply_access(conn)
    return roles


def drop_views(conn: Connection) -> None:
    """Drop the coaches' views (a migration does, before changing the tables they read)."""
    names = conn.exec_driver_sql("SELECT viewname FROM pg_catalog.pg_views WHERE schemaname = %s", (COACH_VIEWS,))
    for (name,) in names.fetchall():
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {COACH_VIEWS}.{_q(conn, name)}")


def apply_access(conn: Connection) -> None:
    """(Re)lay privileges, row-level security and the coaches' views over today's tables."""
    roles = _roles(conn)
    schema = _q(conn, _data_schema(conn))
    run, coach, views = (_q(conn, r) for r in (roles.runners, roles.coaches, roles.views))
    me = f"(SELECT m.athlete_id FROM {schema}.{MEMBERS} m WHERE m.role_name = current_user)"
    coached = f"(SELECT c.athlete_id FROM {schema}.{COACHING} c WHERE c.coach_role = current_user)"

    def table(name: str) -> str:
        return f"{schema}.{_q(conn, name)}"

    def reset(name: str) -> None:
        conn.exec_driver_sql(f"REVOKE ALL ON {table(name)} FROM {run}, {coach}, {views}")
        conn.exec_driver_sql(f"ALTER TABLE {table(name)} ENABLE ROW LEVEL SECURITY")
        for policy in _POLICIES:
            conn.exec_driver_sql(f"DROP POLICY IF EXISTS {policy} ON {table(name)}")

    def sequence_of(name: str) -> None:
        seq = _scalar(conn, "SELECT pg_get_serial_sequence(%s, 'id')", f"{_data_schema(conn)}.{name}")
        if seq:
            conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {seq} TO {run}")

    conn.exec_driver_sql(f"REVOKE ALL ON {table(meta.name)} FROM {run}, {coach}, {views}")
    conn.exec_driver_sql(f"GRANT SELECT ON {table(meta.name)} TO {run}, {coach}, {views}")

    reset(MEMBERS)
    conn.exec_driver_sql(f"GRANT SELECT ON {table(MEMBERS)} TO {run}, {coach}, {views}")
    conn.exec_driver_sql(f"CREATE POLICY hipknee_member_self ON {table(MEMBERS)} FOR SELECT "
                         f"TO {run}, {coach}, {views} USING (role_name = current_user)")
    reset(COACHING)
    conn.exec_driver_sql(f"GRANT SELECT ON {table(COACHING)} TO {coach}, {views}")
    conn.exec_driver_sql(f"CREATE POLICY hipknee_coach_reads ON {table(COACHING)} FOR SELECT "
                         f"TO {coach}, {views} USING (coach_role = current_user)")

    # The catalogue is the club's: everyone reads it, runners add their own exercises to it.
    reset("exercises")
    conn.exec_driver_sql(f"GRANT SELECT ON {table('exercises')} TO {run}, {coach}, {views}")
    conn.exec_driver_sql(f"GRANT INSERT ON {table('exercises')} TO {run}")
    sequence_of("exercises")
    conn.exec_driver_sql(f"CREATE POLICY hipknee_everyone_reads ON {table('exercises')} FOR SELECT "
                         f"TO {run}, {coach}, {views} USING (true)")
    conn.exec_driver_sql(f"CREATE POLICY hipknee_runner_adds ON {table('exercises')} FOR INSERT "
                         f"TO {run} WITH CHECK (NOT builtin)")

    reset("athletes")
    changes = ", ".join(_q(conn, c.name) for c in TABLES["athlete"].c if c.name not in RUNNER_KEEPS_ATHLETE)
    conn.exec_driver_sql(f"GRANT SELECT, UPDATE ({changes}) ON {table('athletes')} TO {run}")
    conn.exec_driver_sql(f"GRANT SELECT ON {table('athletes')} TO {views}")
    conn.exec_driver_sql(f"CREATE POLICY hipknee_runner_own ON {table('athletes')} "
                         f"TO {run} USING (id = {me}) WITH CHECK (id = {me})")
    conn.exec_driver_sql(f"CREATE POLICY hipknee_coach_reads ON {table('athletes')} FOR SELECT "
                         f"TO {views} USING (id IN {coached})")

    for name in _runner_tables():
        reset(name)
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table(name)} TO {run}")
        conn.exec_driver_sql(f"GRANT SELECT ON {table(name)} TO {views}")
        sequence_of(name)
        conn.exec_driver_sql(f"CREATE POLICY hipknee_runner_own ON {table(name)} "
                             f"TO {run} USING (athlete_id = {me}) WITH CHECK (athlete_id = {me})")
        conn.exec_driver_sql(f"CREATE POLICY hipknee_coach_reads ON {table(name)} FOR SELECT "
                             f"TO {views} USING (athlete_id IN {coached})")

    # Programmes are the one thing a coach writes, and only her own runners': through her view,
    # whose owner may write the table where the policy lets the coach asking (current_user).
    if COACH_WRITES in _runner_tables():
        conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {table(COACH_WRITES)} TO {views}")
        seq = _scalar(conn, "SELECT pg_get_serial_sequence(%s, 'id')", f"{_data_schema(conn)}.{COACH_WRITES}")
        if seq:  # the new row's id is drawn as the coach asking
            conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {seq} TO {views}, {coach}")
        conn.exec_driver_sql(f"CREATE POLICY hipknee_coach_prescribes ON {table(COACH_WRITES)} TO {views} "
                             f"USING (athlete_id IN {coached}) WITH CHECK (athlete_id IN {coached})")

    # The coaches' views, made as (and so owned by) the role whose policies filter them.
    drop_views(conn)
    conn.exec_driver_sql(f"SET LOCAL ROLE {views}")
    for name in ["athletes", *_runner_tables()]:
        columns = [c.name for c in TABLES[_kind_of(name)].c]
        # A programme's note is the physio's, shown as written: its view stays one a coach can write through.
        shown = ", ".join(
            "CASE WHEN note_private THEN ''::text ELSE note END AS note" if c == "note" and name != COACH_WRITES
            else _q(conn, c)
            for c in columns
        )
        # security_barrier: a coach's own functions in a WHERE clause never see filtered rows.
        conn.exec_driver_sql(f"CREATE VIEW {COACH_VIEWS}.{_q(conn, name)} WITH (security_barrier) "
                             f"AS SELECT {shown} FROM {table(name)}")
    conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {COACH_VIEWS} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {COACH_VIEWS} TO {coach}")
    conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA {COACH_VIEWS} TO {coach}")
    if COACH_WRITES in _runner_tables():
        conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {COACH_VIEWS}.{_q(conn, COACH_WRITES)} TO {coach}")
    conn.exec_driver_sql("RESET ROLE")


def _kind_of(table_name: str) -> str:
    return next(kind for kind, t in TABLES.items() if t.name == table_name)


def _role_exists(conn: Connection, role: str) -> bool:
    return bool(_scalar(conn, "SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = %s", role))


def _create_login(conn: Connection, role: str, password: str, group: str) -> None:
    if _role_exists(conn, role):
        raise ValidationError("--role", role, "a login name not yet taken on this server (choose one with --role)")
    # The server is sent a SCRAM verifier made here, never the password itself: nothing that
    # logs statements (the server's log, an error message) can show it.
    pgconn = conn.connection.driver_connection.pgconn  # type: ignore[union-attr]
    verifier = pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
    conn.exec_driver_sql(f"CREATE ROLE {_q(conn, role)} LOGIN PASSWORD {_literal(verifier)} IN ROLE {_q(conn, group)}")


def _require_club(conn: Connection, where: str) -> None:
    if not installed(conn):
        raise StoreError(where, "this database is not a club yet", advice="run `hipknee club init` first")


def _coach_roles(conn: Connection, coaches: list[str]) -> list[str]:
    """The roles of the coaches named (by role or by name); :class:`ValidationError` for one unknown."""
    rows = conn.exec_driver_sql(f"SELECT role_name, name FROM {MEMBERS} WHERE kind = 'coach' ORDER BY role_name").fetchall()
    found = []
    for coach in coaches:
        match = [r for r, n in rows if coach in (r, n)]
        if not match:
            known = ", ".join(f"{n} ({r})" for r, n in rows) or "none yet: add one with `hipknee club add-coach NAME`"
            raise ValidationError("--coach", coach, "a coach of the club: " + known)
        found.append(match[0])
    return found


def _add_runner(conn: Connection, where: str, athlete: Any, *, role: str, password: str, coaches: list[str]) -> int:
    """Add a runner's login ``role`` mapped to the athlete row of ``athlete`` (an :class:`Athlete`
    record: made when the store has none of that name, otherwise that runner's rows become hers)
    and followed by ``coaches``. Returns the athlete's id."""
    _check_owner(conn, where)
    _require_club(conn, where)
    check_role(role)
    follow = _coach_roles(conn, coaches)
    athletes = TABLES["athlete"]
    found = conn.execute(athletes.select().where(athletes.c.name == athlete.name)).mappings().first()
    if found is None:
        athlete_id = conn.execute(athletes.insert().values(
            name=athlete.name, body_mass_kg=athlete.body_mass_kg, involved_side=athlete.involved_side,
            created_at=datetime.now(),
        )).inserted_primary_key[0]
    else:
        athlete_id = found["id"]
        taken = _scalar(conn, f"SELECT role_name FROM {MEMBERS} WHERE athlete_id = %s", athlete_id)
        if taken:
            raise ValidationError("name", athlete.name, f"a runner without a login yet ({athlete.name} logs in as {taken})")
    _create_login(conn, role, password, _roles(conn).runners)
    conn.exec_driver_sql(f"INSERT INTO {MEMBERS} (role_name, kind, name, athlete_id) VALUES (%s, 'runner', %s, %s)",
                         (role, athlete.name, athlete_id))
    for coach in follow:
        conn.exec_driver_sql(f"INSERT INTO {COACHING} (coach_role, athlete_id) VALUES (%s, %s)", (coach, athlete_id))
    return int(athlete_id)


def _add_coach(conn: Connection, where: str, name: str, *, role: str, password: str) -> None:
    """Add a coach's login ``role``: she reads the runners who name her, through the views only."""
    _check_owner(conn, where)
    _require_club(conn, where)
    check_role(role)
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 80:
        raise ValidationError("name", name, "the coach's name, 1 to 80 characters")
    roles = _roles(conn)
    _create_login(conn, role, password, roles.coaches)
    database = _scalar(conn, "SELECT current_database()")
    conn.exec_driver_sql(
        f"ALTER ROLE {_q(conn, role)} IN DATABASE {_q(conn, database)} "
        f"SET search_path = {COACH_VIEWS}, {_q(conn, _data_schema(conn))}"
    )
    conn.exec_driver_sql(f"INSERT INTO {MEMBERS} (role_name, kind, name) VALUES (%s, 'coach', %s)", (role, name.strip()))


def _members(conn: Connection, where: str) -> list[Member]:
    """Every login of the club, coaches first, then runners, each by name."""
    _require_club(conn, where)
    rows = conn.exec_driver_sql(
        f"SELECT m.role_name, m.kind, m.name, "
        f" CASE WHEN m.kind = 'runner' "
        f"  THEN ARRAY(SELECT c.coach_role FROM {COACHING} c WHERE c.athlete_id = m.athlete_id ORDER BY 1) "
        f"  ELSE ARRAY(SELECT a.name FROM {COACHING} c JOIN athletes a ON a.id = c.athlete_id "
        f"   WHERE c.coach_role = m.role_name ORDER BY 1) END "
        f"FROM {MEMBERS} m ORDER BY m.kind, m.name"
    ).fetchall()
    return [Member(role, kind, name, tuple(follows or ())) for role, kind, name, follows in rows]


# -- what the ``hipknee club`` commands call: one transaction each ---------------------------------
def _server(engine: Engine, where: str) -> None:
    if not is_server(engine):
        raise ValidationError("url", where, "a PostgreSQL URL: a club lives on a database server, "
                                            "e.g. postgresql+psycopg://owner@club.example.org:5432/club")


def install(engine: Engine, where: str) -> Roles:
    """Make the store behind ``engine`` a club (see the module's docstring); safe to run again."""
    _server(engine, where)
    with write_connection(engine, where) as conn:
        return _install(conn, where)


def add_runner(engine: Engine, where: str, athlete: Any, *, role: str, password: str, coaches: list[str]) -> int:
    """Add a runner's login ``role`` (password ``password``) for the athlete ``athlete`` (an
    :class:`Athlete` record; an athlete of that name already in the store becomes hers), followed by
    the coaches ``coaches`` (roles or names). Returns the athlete's id."""
    _server(engine, where)
    with write_connection(engine, where) as conn:
        return _add_runner(conn, where, athlete, role=role, password=password, coaches=coaches)


def add_coach(engine: Engine, where: str, name: str, *, role: str, password: str) -> None:
    """Add a coach's login ``role`` (password ``password``) under the name ``name``."""
    _server(engine, where)
    with write_connection(engine, where) as conn:
        _add_coach(conn, where, name, role=role, password=password)


def members(engine: Engine, where: str) -> list[Member]:
    """Every login of the club: coaches, then runners, each by name."""
    _server(engine, where)
    with read_connection(engine, where) as conn:
        return _members(conn, where)
