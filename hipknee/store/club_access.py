"""The rules of a club on PostgreSQL, laid by the database: privileges, row-level security and the
coaches' views over the store's tables (see :mod:`.club` for the roles and who may do what).
Laid by ``hipknee club init`` and again after every upgrade, in the upgrade's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from .schema import TABLES, meta

__all__ = ["COACH_VIEWS", "COACH_WRITES", "COACHING", "MEMBERS", "RUNNER_KEEPS_ATHLETE", "Roles", "apply_access",
           "drop_views"]

#: The schema holding the coaches' views.
COACH_VIEWS = "coach_views"
MEMBERS = "club_members"
COACHING = "club_coaching"
#: Columns of her own athlete row that a runner may not change: deleting or re-dating herself is the owner's.
RUNNER_KEEPS_ATHLETE = ("id", "created_at", "deleted_at")
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
    def of(cls, database: str) -> Roles:
        return cls(f"{database}_runners", f"{database}_coaches", f"{database}_coach_views")


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _scalar(conn: Connection, sql: str, *params: Any) -> Any:
    return conn.exec_driver_sql(sql, params if params else None).scalar()


def _data_schema(conn: Connection) -> str:
    """The schema holding the store's tables (where ``hipknee_meta`` is)."""
    return _scalar(conn, "SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                         "ON n.oid = c.relnamespace WHERE c.oid = %s::regclass", meta.name)


def _roles(conn: Connection) -> Roles:
    return Roles.of(_scalar(conn, "SELECT current_database()"))


def _runner_tables() -> list[str]:
    """Every table that holds a runner's rows (it names her athlete)."""
    return [t.name for t in TABLES.values() if "athlete_id" in t.c]


def _kind_of(table_name: str) -> str:
    return next(kind for kind, t in TABLES.items() if t.name == table_name)


def drop_views(conn: Connection) -> None:
    """Drop the coaches' views (a migration does, before changing the tables they read)."""
    names = conn.exec_driver_sql("SELECT viewname FROM pg_catalog.pg_views WHERE schemaname = %s", (COACH_VIEWS,))
    for (name,) in names.fetchall():
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {COACH_VIEWS}.{_q(conn, name)}")


def apply_access(conn: Connection) -> None:
    """(Re)lay privileges, row-level security and the coaches' views over the store's tables."""
    rules = _Rules(conn)
    rules.shared_tables()
    rules.runner_rows()
    rules.coach_programmes()
    rules.coach_views()


class _Rules:
    """The statements that lay a club's rules, with the names they share (quoted)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.schema = _data_schema(conn)
        roles = _roles(conn)
        self.run, self.coach, self.views = (_q(conn, r) for r in (roles.runners, roles.coaches, roles.views))
        schema = _q(conn, self.schema)
        self.me = f"(SELECT m.athlete_id FROM {schema}.{MEMBERS} m WHERE m.role_name = current_user)"
        self.coached = f"(SELECT c.athlete_id FROM {schema}.{COACHING} c WHERE c.coach_role = current_user)"
        # The runner tables this database has: today's, except while laying the rules on a club made
        # by an older hipknee (before its upgrade adds the newer tables and lays the rules again).
        present = {row[0] for row in conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (self.schema,))}
        self.runner_tables = [name for name in _runner_tables() if name in present]

    def sql(self, statement: str) -> None:
        self.conn.exec_driver_sql(statement)

    def table(self, name: str) -> str:
        return f"{_q(self.conn, self.schema)}.{_q(self.conn, name)}"

    def columns(self, name: str) -> list[str]:
        """The columns the table has in this database: today's schema's, except on a club made by an
        older hipknee before its upgrade (which lays the rules again)."""
        present = {row[0] for row in self.conn.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
            (self.schema, name))}
        return [c.name for c in TABLES[_kind_of(name)].c if c.name in present]

    def reset(self, name: str) -> None:
        self.sql(f"REVOKE ALL ON {self.table(name)} FROM {self.run}, {self.coach}, {self.views}")
        self.sql(f"ALTER TABLE {self.table(name)} ENABLE ROW LEVEL SECURITY")
        for policy in _POLICIES:
            self.sql(f"DROP POLICY IF EXISTS {policy} ON {self.table(name)}")

    def sequence_of(self, name: str, *roles: str) -> None:
        seq = _scalar(self.conn, "SELECT pg_get_serial_sequence(%s, 'id')", f"{self.schema}.{name}")
        if seq:
            self.sql(f"GRANT USAGE ON SEQUENCE {seq} TO {', '.join(roles)}")

    def shared_tables(self) -> None:
        """The schema version, the club's members and coaching, and the catalogue."""
        run, coach, views = self.run, self.coach, self.views
        everyone = f"{run}, {coach}, {views}"
        self.sql(f"REVOKE ALL ON {self.table(meta.name)} FROM {everyone}")
        self.sql(f"GRANT SELECT ON {self.table(meta.name)} TO {everyone}")
        self.reset(MEMBERS)
        self.sql(f"GRANT SELECT ON {self.table(MEMBERS)} TO {everyone}")
        self.sql(f"CREATE POLICY hipknee_member_self ON {self.table(MEMBERS)} FOR SELECT "
                 f"TO {everyone} USING (role_name = current_user)")
        self.reset(COACHING)
        self.sql(f"GRANT SELECT ON {self.table(COACHING)} TO {coach}, {views}")
        self.sql(f"CREATE POLICY hipknee_coach_reads ON {self.table(COACHING)} FOR SELECT "
                 f"TO {coach}, {views} USING (coach_role = current_user)")
        # The catalogue is the club's: everyone reads it, runners add their own exercises to it.
        exercises = self.table("exercises")
        self.reset("exercises")
        self.sql(f"GRANT SELECT ON {exercises} TO {everyone}")
        self.sql(f"GRANT INSERT ON {exercises} TO {run}")
        self.sequence_of("exercises", run)
        self.sql(f"CREATE POLICY hipknee_everyone_reads ON {exercises} FOR SELECT TO {everyone} USING (true)")
        self.sql(f"CREATE POLICY hipknee_runner_adds ON {exercises} FOR INSERT TO {run} WITH CHECK (NOT builtin)")

    def runner_rows(self) -> None:
        """A runner reads and writes her own athlete row (not its id or dates) and her own entries;
        the coaches' views read those of the runners the coach asking follows."""
        run, views, me, coached = self.run, self.views, self.me, self.coached
        athletes = self.table("athletes")
        self.reset("athletes")
        changes = ", ".join(_q(self.conn, c) for c in self.columns("athletes") if c not in RUNNER_KEEPS_ATHLETE)
        self.sql(f"GRANT SELECT, UPDATE ({changes}) ON {athletes} TO {run}")
        self.sql(f"GRANT SELECT ON {athletes} TO {views}")
        self.sql(f"CREATE POLICY hipknee_runner_own ON {athletes} TO {run} USING (id = {me}) WITH CHECK (id = {me})")
        self.sql(f"CREATE POLICY hipknee_coach_reads ON {athletes} FOR SELECT TO {views} USING (id IN {coached})")
        for name in self.runner_tables:
            self.reset(name)
            self.sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {self.table(name)} TO {run}")
            self.sql(f"GRANT SELECT ON {self.table(name)} TO {views}")
            self.sequence_of(name, run)
            self.sql(f"CREATE POLICY hipknee_runner_own ON {self.table(name)} "
                     f"TO {run} USING (athlete_id = {me}) WITH CHECK (athlete_id = {me})")
            self.sql(f"CREATE POLICY hipknee_coach_reads ON {self.table(name)} FOR SELECT "
                     f"TO {views} USING (athlete_id IN {coached})")

    def coach_programmes(self) -> None:
        """Programmes are the one thing a coach writes, and only her own runners': through her view,
        whose owner may write the table where the policy lets the coach asking (current_user)."""
        if COACH_WRITES not in self.runner_tables:
            return
        prescriptions = self.table(COACH_WRITES)
        self.sql(f"GRANT INSERT, UPDATE, DELETE ON {prescriptions} TO {self.views}")
        self.sequence_of(COACH_WRITES, self.views, self.coach)  # the new row's id is drawn as the coach asking
        self.sql(f"CREATE POLICY hipknee_coach_prescribes ON {prescriptions} TO {self.views} "
                 f"USING (athlete_id IN {self.coached}) WITH CHECK (athlete_id IN {self.coached})")

    def coach_views(self) -> None:
        """The coaches' views, made as (and so owned by) the role whose policies filter them; private
        notes blanked, except a programme's note (the physio's, shown as written: its view stays one
        a coach can write through)."""
        drop_views(self.conn)
        self.sql(f"SET LOCAL ROLE {self.views}")
        for name in ["athletes", *self.runner_tables]:
            shown = ", ".join(
                "CASE WHEN note_private THEN ''::text ELSE note END AS note" if c == "note" and name != COACH_WRITES
                else _q(self.conn, c)
                for c in self.columns(name)
            )
            # security_barrier: a coach's own functions in a WHERE clause never see filtered rows.
            self.sql(f"CREATE VIEW {COACH_VIEWS}.{_q(self.conn, name)} WITH (security_barrier) "
                     f"AS SELECT {shown} FROM {self.table(name)}")
        self.sql(f"REVOKE ALL ON SCHEMA {COACH_VIEWS} FROM PUBLIC")
        self.sql(f"GRANT USAGE ON SCHEMA {COACH_VIEWS} TO {self.coach}")
        self.sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA {COACH_VIEWS} TO {self.coach}")
        if COACH_WRITES in self.runner_tables:
            self.sql(f"GRANT INSERT, UPDATE, DELETE ON {COACH_VIEWS}.{_q(self.conn, COACH_WRITES)} TO {self.coach}")
        self.sql("RESET ROLE")
