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

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from ..errors import StoreError, ValidationError
from .club_access import (
    COACH_VIEWS,
    COACHING,
    MEMBERS,
    Roles,
    _data_schema,
    _q,
    _roles,
    _scalar,
    apply_access,
    drop_views,
)
from .engine import inserted_id, is_server, read_connection, write_connection
from .schema import TABLES

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

_MAX_NAME = 63  # bytes in a PostgreSQL name
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


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


def check_role(role: str, field: str = "role") -> str:
    """``role`` if it is a plain PostgreSQL login name hipknee can create; else :class:`ValidationError`."""
    if not isinstance(role, str) or not _ROLE.fullmatch(role) or role.startswith("pg_"):
        raise ValidationError(field, role, "a login name of lower-case letters, digits and _ (not starting with a "
                                           "digit or pg_), up to 63 characters")
    return role


def new_password() -> str:
    """A random password for a new login (about 144 bits; no character that ~/.pgpass must escape)."""
    return secrets.token_urlsafe(18)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def installed(conn: Connection) -> bool:
    """True when the database behind ``conn`` is a club (:func:`install` has run)."""
    return _scalar(conn, "SELECT to_regclass(%s) IS NOT NULL", MEMBERS) is True


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


def _role_exists(conn: Connection, role: str) -> bool:
    return bool(_scalar(conn, "SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = %s", role))


def _create_login(conn: Connection, role: str, password: str, group: str) -> None:
    if _role_exists(conn, role):
        raise ValidationError("role", role, "a login name not yet taken on this server (choose another)")
    # The server is sent a SCRAM verifier made here, never the password itself: nothing that
    # logs statements (the server's log, an error message) can show it.
    pgconn = conn.connection.driver_connection.pgconn  # type: ignore[union-attr]  # a live psycopg connection here
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
            raise ValidationError("coach", coach, "a coach of the club: " + known)
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
    found = conn.execute(select(athletes.c.id).where(athletes.c.name == athlete.name)).mappings().first()
    if found is None:
        athlete_id = inserted_id(conn.execute(athletes.insert().values(
            name=athlete.name, body_mass_kg=athlete.body_mass_kg, involved_side=athlete.involved_side,
            created_at=datetime.now(),
        )))
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
