"""Records by global id: one runner's rows in a portable form, and merging such rows into a store.

The portable form is what share bundles carry (:mod:`hipknee.bundles`): per record kind a list of
rows, each a mapping of :data:`COLUMNS` ``[kind]``. Every row starts with its identity (``uid``,
``updated_at``, ``created_at``, ``deleted_at``), then the record's fields as the store keeps them,
except that ``when`` is the entry's moment and a runner and an exercise are named by their uids
(``athlete_uid``, ``exercise_uid``), since local row ids mean nothing in another store.

Merging (:func:`merge_rows`, inside one write transaction) goes record by record, by uid:

- a uid the store lacks is added (a deleted record too, so that an older copy arriving later
  cannot bring it back);
- a row whose ``updated_at`` is newer than the store's copy replaces it, deletes and undeletes
  included; an older or equally old one changes nothing, so merging the same rows twice, or
  older rows after newer ones, changes nothing;
- a runner or exercise whose name another one already has in this store (another sender's
  "Maria") keeps its own identity and gets the name with a suffix, ``Maria (2)``;
- one exception to "equally old changes nothing": a private note that was withheld (an empty
  private note) is filled in when the same version of the record arrives with its note.

Everything is checked (:func:`check_rows`) before anything is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, Integer, Table, select
from sqlalchemy.engine import Connection

from ..errors import StoreError, ValidationError
from ..records.model import RECORD_KINDS, check_set_against_exercise, validate_record
from .engine import inserted_id
from .identity import is_uid
from .schema import TABLES

__all__ = ["COLUMNS", "IDENTITY", "LOG_KINDS", "OUTCOMES", "TYPES", "MergeCounts", "check_rows", "merge_rows",
           "portable_rows"]

#: Every portable row starts with these.
IDENTITY: tuple[str, ...] = ("uid", "updated_at", "created_at", "deleted_at")
#: The kinds that belong to a runner (the others, athletes and exercises, are named by them).
LOG_KINDS: tuple[str, ...] = ("set", "test", "run", "pain", "outcome", "prescription")
# The kinds that name an exercise (by ``exercise_uid``).
_OF_EXERCISE = ("set", "prescription")
# Store column -> portable column, where they differ.
_PORTABLE_NAME = {"at": "when", "athlete_id": "athlete_uid", "exercise_id": "exercise_uid"}
_LOCAL_NAME = {v: k for k, v in _PORTABLE_NAME.items()}
_REFS = ("athlete_uid", "exercise_uid")
# Columns the store keeps beside a record's fields (a run's start as a UTC instant): carried as
# they are, checked to be a date-time without a time zone, or empty.
_KEPT = ("start_utc",)
_NAME_MAX = 80


def _columns(table: Table) -> tuple[str, ...]:
    own = [_PORTABLE_NAME.get(c.name, c.name) for c in table.c if c.name != "id" and c.name not in IDENTITY]
    return IDENTITY + tuple(own)


def _type(table: Table, name: str) -> str:
    column = table.c[_LOCAL_NAME.get(name, name)]
    if name in _REFS:
        return "text"
    for sql_type, word in ((DateTime, "datetime"), (Boolean, "bool"), (Integer, "int"), (Float, "float")):
        if isinstance(column.type, sql_type):
            return word
    return "text"


#: Record kind -> the columns of its portable rows, in order.
COLUMNS: dict[str, tuple[str, ...]] = {kind: _columns(table) for kind, table in TABLES.items()}
#: Record kind -> column -> its type: 'datetime', 'bool', 'int', 'float' or 'text'.
TYPES: dict[str, dict[str, str]] = {
    kind: {name: _type(TABLES[kind], name) for name in cols} for kind, cols in COLUMNS.items()
}
#: Column -> whether it may be missing (empty), per kind.
NULLABLE: dict[str, dict[str, bool]] = {
    kind: {name: bool(TABLES[kind].c[_LOCAL_NAME.get(name, name)].nullable) and name not in ("uid", "updated_at")
           for name in cols}
    for kind, cols in COLUMNS.items()
}

#: What can happen to one incoming row (the keys of :class:`MergeCounts`).
OUTCOMES: tuple[str, ...] = ("added", "changed", "deleted", "restored", "unchanged")


@dataclass
class MergeCounts:
    """What a merge did, per record kind and outcome (see :data:`OUTCOMES`), and the runners or
    exercises that took a suffixed name (kind, name sent, name in this store)."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: {kind: Counter() for kind in TABLES})
    renamed: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, outcome: str, kind: str | None = None) -> int:
        """How many rows (of ``kind``, or of every kind) had ``outcome``."""
        kinds = [kind] if kind is not None else list(self.counts)
        return sum(self.counts[k][outcome] for k in kinds)

    @property
    def changes(self) -> int:
        """Rows added, changed, deleted or restored: 0 when the store already had everything."""
        return sum(self.count(o) for o in OUTCOMES if o != "unchanged")

    def _note(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1


# -- reading one runner's rows ------------------------------------------------------------------
def portable_rows(
    conn: Connection,
    athlete: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    where: Any = None,
) -> dict[str, list[dict[str, Any]]]:
    """``athlete``'s records in portable form (deleted ones too), ``when`` within ``start``..``end``
    (inclusive, either may be ``None``), with the exercises her sets and programmes use."""
    athletes = TABLES["athlete"]
    me = conn.execute(
        select(athletes).where(athletes.c.name == athlete, athletes.c.deleted_at.is_(None))
    ).mappings().first()
    if me is None:
        names = conn.execute(select(athletes.c.name).where(athletes.c.deleted_at.is_(None)).order_by(athletes.c.id))
        known = ", ".join(n for (n,) in names) or "none yet"
        raise ValidationError("athlete", athlete, "a runner in the store: " + known)
    uids = {"athlete": {me["id"]: me["uid"]}}
    rows: dict[str, list[dict[str, Any]]] = {"athlete": [dict(me)], "exercise": []}
    for kind in LOG_KINDS:
        table = TABLES[kind]
        stmt = select(table).where(table.c.athlete_id == me["id"])
        if start is not None:
            stmt = stmt.where(table.c.at >= start)
        if end is not None:
            stmt = stmt.where(table.c.at <= end)
        rows[kind] = [dict(r) for r in conn.execute(stmt.order_by(table.c.at, table.c.id)).mappings()]
    used = sorted({r["exercise_id"] for kind in _OF_EXERCISE for r in rows[kind]})
    exercises = TABLES["exercise"]
    for first in range(0, len(used), _CHUNK):
        found = conn.execute(select(exercises).where(exercises.c.id.in_(used[first:first + _CHUNK])))
        rows["exercise"] += [dict(r) for r in found.mappings()]
    rows["exercise"].sort(key=lambda r: r["id"])
    uids["exercise"] = {r["id"]: r["uid"] for r in rows["exercise"]}
    out = {kind: [_portable(kind, row, uids) for row in found] for kind, found in rows.items()}
    missing = [kind for kind, found in out.items() if any(r["uid"] is None for r in found)]
    if missing:
        raise StoreError(where, f"records without a global id ({', '.join(missing)}); open the store with hipknee to upgrade it")
    return {kind: out[kind] for kind in TABLES}


def _portable(kind: str, row: Mapping[str, Any], uids: Mapping[str, Mapping[int, str]]) -> dict[str, Any]:
    out = {name: row[local] for name, local in _SOURCES[kind]}
    if "athlete_uid" in out:
        out["athlete_uid"] = uids["athlete"][out["athlete_uid"]]
    if "exercise_uid" in out:
        out["exercise_uid"] = uids["exercise"][out["exercise_uid"]]
    return out


# Per kind: (portable column, the store column it comes from).
_SOURCES = {kind: [(name, _LOCAL_NAME.get(name, name)) for name in cols] for kind, cols in COLUMNS.items()}


# -- checking rows before a merge ----------------------------------------------------------------
def check_rows(rows: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Rows in portable form, checked as the store checks what it saves: known kinds and columns,
    well-formed uids (unique per kind), times, every field as its record allows, every runner and
    exercise they name among the rows. Returns them complete (defaults filled in, values as
    validated); raises :class:`ValidationError` on the first problem."""
    if not isinstance(rows, Mapping):
        raise ValidationError("rows", rows, "a mapping of record kind -> rows")
    unknown = [k for k in rows if k not in TABLES]
    if unknown:
        raise ValidationError("kind", unknown[0], "one of " + ", ".join(TABLES))
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in TABLES}
    for kind in ("athlete", "exercise", *LOG_KINDS):
        given = rows.get(kind, [])
        if isinstance(given, (str, bytes, Mapping)) or not isinstance(given, Iterable):
            raise ValidationError(kind, given, f"a list of {kind} rows", record=kind)
        seen: set[str] = set()
        for row in given:
            checked = _checked_row(kind, row, out)
            if checked["uid"] in seen:
                raise ValidationError("uid", checked["uid"], f"a uid no other {kind} in the rows has", record=kind)
            seen.add(checked["uid"])
            out[kind].append(checked)
    return out


def _checked_row(kind: str, row: Any, done: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
    if not isinstance(row, Mapping):
        raise ValidationError("row", row, f"a mapping of {kind} columns", record=kind)
    extra = [name for name in row if name not in COLUMNS[kind]]
    if extra:
        raise ValidationError(str(extra[0]), row[extra[0]], "one of the columns " + ", ".join(COLUMNS[kind]), record=kind)
    defaults = _DEFAULTS[kind]
    values = {name: row[name] if name in row else defaults[name] for name in COLUMNS[kind]}
    if not is_uid(values["uid"]):
        raise ValidationError("uid", values["uid"], "a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e", record=kind)
    for name in ("updated_at", "created_at", "deleted_at"):
        value = values[name]
        if not (isinstance(value, datetime) and value.tzinfo is None) and not (name == "deleted_at" and value is None):
            allowed = "a date-time without a time zone" + (", or empty" if name == "deleted_at" else "")
            raise ValidationError(name, value, allowed, record=kind)
    for name in _KEPT:
        value = values.get(name)
        if name in values and value is not None and not (isinstance(value, datetime) and value.tzinfo is None):
            raise ValidationError(name, value, "a date-time without a time zone, or empty", record=kind)
    data = {name: values[name] for name in COLUMNS[kind] if name not in (*IDENTITY, *_REFS, *_KEPT)}
    exercise = None
    if kind in LOG_KINDS:
        data["athlete"] = _named(done, "athlete", values["athlete_uid"], kind)["name"]
        if kind in _OF_EXERCISE:
            exercise = _named(done, "exercise", values["exercise_uid"], kind)
            data["exercise"] = exercise["name"]
    record = validate_record(RECORD_KINDS[kind], data)
    if exercise is not None:
        check_set_against_exercise(record, exercise)
    fields = record.model_dump(exclude={"athlete", "exercise"} if kind in LOG_KINDS else set())
    return {name: fields[name] if name in fields else values[name] for name in COLUMNS[kind]}


def _default(table: Table, name: str) -> Any:
    """What a column missing from a row (one of an older bundle) stands for: the table's default."""
    value = getattr(table.c[_LOCAL_NAME.get(name, name)].default, "arg", None)  # a ColumnDefault's value
    return None if callable(value) else value


_DEFAULTS: dict[str, dict[str, Any]] = {
    kind: {name: _default(TABLES[kind], name) for name in cols} for kind, cols in COLUMNS.items()
}


def _named(done: Mapping[str, list[dict[str, Any]]], kind: str, uid: Any, by: str) -> dict[str, Any]:
    for row in done[kind]:
        if row["uid"] == uid:
            return row
    raise ValidationError(f"{kind}_uid", uid, f"the uid of one of the {kind} rows", record=by)


# -- merging ----------------------------------------------------------------------------------------
# Rows looked up per statement (well under every database's limit on bound parameters).
_CHUNK = 500


def merge_rows(conn: Connection, rows: Mapping[str, list[dict[str, Any]]]) -> MergeCounts:
    """Merge rows checked by :func:`check_rows` into the store behind ``conn`` (one transaction,
    the caller's); see the module's docstring for the rules."""
    result = MergeCounts()
    local_ids: dict[str, dict[str, int]] = {"athlete": {}, "exercise": {}}
    for kind in ("athlete", "exercise"):
        _merge_named(conn, kind, rows.get(kind, []), local_ids[kind], result)
    for kind in LOG_KINDS:
        _merge_log(conn, kind, rows.get(kind, []), local_ids, result)
    return result


def _existing(conn: Connection, table: Table, uids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for first in range(0, len(uids), _CHUNK):
        chunk = uids[first:first + _CHUNK]
        found.update({r["uid"]: dict(r) for r in conn.execute(select(table).where(table.c.uid.in_(chunk))).mappings()})
    return found


def _merge_named(conn: Connection, kind: str, rows: list[dict[str, Any]], ids: dict[str, int], result: MergeCounts) -> None:
    table = TABLES[kind]
    names = {name: id for name, id in conn.execute(select(table.c.name, table.c.id))}  # deleted ones too (UNIQUE)
    existing = _existing(conn, table, [r["uid"] for r in rows])
    for row in rows:
        local = existing.get(row["uid"])
        wanted = row["name"]
        if local is None:
            name = _free_name(wanted, names)
            values = {**_local_values(kind, row, {}), "name": name}
            id = inserted_id(conn.execute(table.insert(), values))
            result._note(kind, "added" if row["deleted_at"] is None else "unchanged")
        else:
            id = local["id"]
            name = local["name"] if _same_name(local["name"], wanted) else _free_name(wanted, names, own=id)
            _apply(conn, table, kind, local, {**_local_values(kind, row, {}), "name": name}, result)
            names = {n: i for n, i in names.items() if i != id}
        names[name] = id
        ids[row["uid"]] = id
        if name != wanted:
            result.renamed.append((kind, wanted, name))


def _merge_log(
    conn: Connection, kind: str, rows: list[dict[str, Any]], ids: Mapping[str, dict[str, int]], result: MergeCounts
) -> None:
    table = TABLES[kind]
    existing = _existing(conn, table, [r["uid"] for r in rows])
    new = []
    for row in rows:
        values = _local_values(kind, row, ids)
        local = existing.get(row["uid"])
        if local is None:
            new.append(values)
            result._note(kind, "added" if row["deleted_at"] is None else "unchanged")
        else:
            _apply(conn, table, kind, local, values, result)
    if new:
        conn.execute(table.insert(), new)


def _local_values(kind: str, row: Mapping[str, Any], ids: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """A portable row as the store's columns: the moment in ``at``, runner and exercise by local id."""
    out = {}
    for name in COLUMNS[kind]:
        if name == "athlete_uid":
            out["athlete_id"] = ids["athlete"][row[name]]
        elif name == "exercise_uid":
            out["exercise_id"] = ids["exercise"][row[name]]
        else:
            out[_LOCAL_NAME.get(name, name)] = row[name]
    return out


def _apply(
    conn: Connection, table: Table, kind: str, local: Mapping[str, Any], values: dict[str, Any], result: MergeCounts
) -> None:
    """Replace the store's copy ``local`` by ``values`` when they are newer; note what happened."""
    mine, theirs = local["updated_at"], values["updated_at"]
    same = all(local[name] == value for name, value in values.items() if name != "updated_at")
    if mine is None or theirs > mine:
        conn.execute(table.update().where(table.c.id == local["id"]).values(**values))
        result._note(kind, "unchanged" if same else _change(local["deleted_at"] is None, values["deleted_at"] is None))
    elif theirs == mine and _withheld(local) and values.get("note") and not same:
        # The same version of the record, now with the private note it was first sent without.
        conn.execute(table.update().where(table.c.id == local["id"]).values(note=values["note"]))
        result._note(kind, "changed")
    else:
        result._note(kind, "unchanged")


def _change(was_live: bool, is_live: bool) -> str:
    """The outcome of replacing a record that was (or was not) live by one that is (or is not)."""
    if was_live and not is_live:
        return "deleted"
    if is_live and not was_live:
        return "restored"
    return "changed" if is_live else "unchanged"  # a deleted record's hidden edits change nothing shown


def _withheld(row: Mapping[str, Any]) -> bool:
    return bool(row.get("note_private")) and row.get("note") == ""


_SUFFIXED = re.compile(r"^(.*) \((\d+)\)$", re.DOTALL)


def _same_name(local: str, wanted: str) -> bool:
    """Whether the store's name ``local`` is ``wanted`` or ``wanted`` with a suffix this module gave."""
    if local == wanted:
        return True
    match = _SUFFIXED.match(local)
    return match is not None and wanted.startswith(match.group(1)) and len(match.group(1)) > 0


def _free_name(wanted: str, taken: Mapping[str, int], own: int | None = None) -> str:
    """``wanted``, or ``wanted (2)``, ``wanted (3)``... (shortened to fit 80 characters): the first
    name no other record in ``taken`` has."""
    if taken.get(wanted, own) == own:
        return wanted
    n = 2
    while True:
        suffix = f" ({n})"
        name = wanted[: _NAME_MAX - len(suffix)].rstrip() + suffix
        if taken.get(name, own) == own:
            return name
        n += 1
