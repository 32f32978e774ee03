"""The share bundle: one file holding a runner's log, made to be e-mailed to a coach.

A bundle is a zip archive (any file name; ``NAME.hipknee`` by convention) holding exactly:

``manifest.json``
    ``{"format": "hipknee-bundle", "format_version": 1, "schema_version": 5, "created": "...",
    "sender": {"athlete": "Maria", "athlete_uid": "...", "hipknee": "0.1.0"}, "period": {"from":
    null, "to": null}, "private_notes": "withheld", "tables": {"sets.csv": {"kind": "set",
    "rows": 384, "sha256": "..."}, ...}}``. ``format_version`` is this layout's version,
    ``schema_version`` the store schema the rows come from, ``created`` when the bundle was made
    (the sender's local time, ISO 8601), ``period`` the ``--from``/``--to`` dates it was cut to
    (``null``: the whole log), ``private_notes`` ``"withheld"`` or ``"included"``, and ``tables``
    each table's kind, row count and SHA-256 (hex) of its bytes.
``athletes.csv``, ``exercises.csv``, ``sets.csv``, ``tests.csv``, ``runs.csv``, ``pain.csv``, ``outcomes.csv``, ``programmes.csv``
    One table per record kind, in the portable form of :mod:`hipknee.store.sync`: a header row with
    the columns of :data:`hipknee.store.sync.COLUMNS` in order, then one row per record, deleted
    records included (``deleted_at`` set) so that deletes reach the coach. UTF-8, comma-separated,
    quoted where needed. Every record has its global id (``uid``) and ``updated_at``; runs, sets and
    the rest name their runner (``athlete_uid``) and exercise (``exercise_uid``) by uid.

Values: date-times in ISO 8601 to the microsecond (``2026-03-02T18:15:00.000000``, the runner's
local time as logged), ``true``/``false``, numbers as Python writes them (they read back exactly),
text as it is; an empty cell is a missing value, except in the text columns that cannot be
missing (``note``, ``target``, ``how``...), where it is empty text. A note the runner marked
private is sent empty (``note_private`` still ``true``) unless she shares with private notes.

:func:`read_bundle` refuses a file whole, as :class:`hipknee.ImportFileError` naming it, when it
is not a zip archive or has no manifest (not a bundle), is cut short or damaged (truncated), was
made by a newer hipknee (newer format or schema), or a table's bytes do not match the SHA-256 in
the manifest (changed after it was made). The checksums catch damage and edits by hand; they are
not a signature: someone able to rewrite the whole file can rewrite them too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import ImportFileError
from ..store.schema import SCHEMA_VERSION
from ..store.sync import COLUMNS, NULLABLE, TYPES
from ..views.output_files import output_file

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "MAX_TABLE_BYTES",
    "TABLE_FILES",
    "Bundle",
    "read_bundle",
    "write_bundle",
]

FORMAT = "hipknee-bundle"
#: This layout's version: bump it when the layout (not the tables' columns) changes.
FORMAT_VERSION = 1
#: The oldest store schema a bundle can come from (the first with global ids, see store.migrations).
FIRST_SCHEMA = 5
MANIFEST = "manifest.json"
#: Record kind -> its table's file in the bundle.
TABLE_FILES: dict[str, str] = {
    "athlete": "athletes.csv",
    "exercise": "exercises.csv",
    "set": "sets.csv",
    "test": "tests.csv",
    "run": "runs.csv",
    "pain": "pain.csv",
    "outcome": "outcomes.csv",
    "prescription": "programmes.csv",
}
#: Tables a bundle made before they existed lacks (read as empty).
_LATER_TABLES = ("programmes.csv",)
#: A table larger than this (uncompressed) is refused: a runner's five seasons are a few MB.
MAX_TABLE_BYTES = 512 * 1024 * 1024
_MANIFEST_BYTES = 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True)
class Bundle:
    """A bundle read and checked (or just written): its file, manifest and rows per record kind
    (the portable form of :mod:`hipknee.store.sync`)."""

    path: Path
    manifest: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]

    @property
    def athletes(self) -> list[str]:
        """The runners' names as sent."""
        return [row["name"] for row in self.rows.get("athlete", [])]

    def counts(self) -> dict[str, int]:
        """Rows per record kind (deleted records included)."""
        return {kind: len(rows) for kind, rows in self.rows.items()}

    def describe(self) -> str:
        """One line: whose log, how many records of each kind, the period and private notes."""
        shown = {"set": "sets", "run": "runs", "pain": "pain entries", "test": "tests", "outcome": "Kujala scores",
                 "prescription": "programme exercises"}
        parts = ", ".join(f"{sum(r['deleted_at'] is None for r in self.rows.get(k, []))} {w}" for k, w in shown.items())
        period = self.manifest.get("period") or {}
        when = ""
        if period.get("from") or period.get("to"):
            when = f", {period.get('from') or 'start'} to {period.get('to') or 'now'}"
        private = "private notes included" if self.manifest.get("private_notes") == "included" else "private notes withheld"
        return f"{' and '.join(self.athletes) or 'nobody'}'s log ({parts}{when}; {private})"


# -- writing ----------------------------------------------------------------------------------------
def write_bundle(rows: Mapping[str, list[dict[str, Any]]], out: Path, manifest: Mapping[str, Any]) -> Bundle:
    """Write ``rows`` (portable form, every kind) to the bundle ``out``, whole or not at all;
    ``manifest`` adds the sender, period and private-notes entries."""
    tables = {TABLE_FILES[kind]: _csv_bytes(kind, rows[kind]) for kind in TABLE_FILES}
    full = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "created": datetime.now().isoformat(timespec="seconds"),
        **manifest,
        "tables": {
            name: {"kind": kind, "rows": len(rows[kind]), "sha256": hashlib.sha256(tables[name]).hexdigest()}
            for kind, name in TABLE_FILES.items()
        },
    }
    with output_file(out, "the bundle") as partial:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(full, indent=2, ensure_ascii=False))
            for name, data in tables.items():
                archive.writestr(name, data)
    return Bundle(Path(out), full, {kind: list(rows[kind]) for kind in TABLE_FILES})


def _csv_bytes(kind: str, rows: list[dict[str, Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    columns = COLUMNS[kind]
    writer.writerow(columns)
    types = TYPES[kind]
    for row in rows:
        writer.writerow([_cell(row[c], types[c]) for c in columns])
    return text.getvalue().encode("utf-8")


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "datetime":
        return value.isoformat(timespec="microseconds")
    if kind == "bool":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    return str(value)


# -- reading ----------------------------------------------------------------------------------------
def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Open and check the bundle at ``path``; its rows typed, not yet validated as records (the
    store does that when merging). Raises :class:`ImportFileError` naming the file when it cannot
    be used (see the module's docstring)."""
    path = Path(path).expanduser()
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise ImportFileError(path, f"it cannot be read ({exc.strerror or exc})") from None
    if not head:
        raise ImportFileError(path, "it is empty, not a hipknee bundle")
    if not any(magic.startswith(head) or head.startswith(magic) for magic in _ZIP_MAGIC):
        raise ImportFileError(path, "it is not a hipknee bundle (not a zip archive)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ImportFileError(path, "it is truncated or damaged (it starts as a zip archive but its end is "
                                    "missing or broken)") from None
    try:
        with archive:
            manifest = _manifest(path, archive)
            rows = {kind: _table(path, archive, manifest, kind) for kind in TABLE_FILES}
    except zipfile.BadZipFile as exc:
        raise ImportFileError(path, f"it is truncated or damaged ({exc})") from None
    except (OSError, EOFError) as exc:  # zlib and short reads inside a damaged member
        raise ImportFileError(path, f"it is truncated or damaged ({exc})") from None
    return Bundle(path, manifest, rows)


def _manifest(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise ImportFileError(path, f"it is not a hipknee bundle (a zip archive without {MANIFEST})") from None
    if info.file_size > _MANIFEST_BYTES:
        raise ImportFileError(path, f"it is not a hipknee bundle ({MANIFEST} is {info.file_size} bytes)")
    try:
        manifest = json.loads(archive.read(info).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportFileError(path, f"it is not a hipknee bundle ({MANIFEST} is not JSON)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ImportFileError(path, f"it is not a hipknee bundle ({MANIFEST} does not say format {FORMAT!r})")
    for key, newest, oldest in (("format_version", FORMAT_VERSION, 1), ("schema_version", SCHEMA_VERSION, FIRST_SCHEMA)):
        value = manifest.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ImportFileError(path, f"it is not a hipknee bundle ({key} {value!r} is not a whole number)")
        if value > newest:
            what = "format" if key == "format_version" else "schema"
            raise ImportFileError(path, f"it was made by a newer hipknee ({what} {value}, this one reads up to "
                                        f"{newest}); upgrade hipknee to merge it")
        if value < oldest:
            raise ImportFileError(path, f"its {key} ({value}) is not one hipknee ever wrote")
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        raise ImportFileError(path, f"it is not a hipknee bundle ({MANIFEST} lists no tables)")
    return manifest


def _table(path: Path, archive: zipfile.ZipFile, manifest: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    name = TABLE_FILES[kind]
    entry = manifest["tables"].get(name)
    if entry is None and name in _LATER_TABLES:
        return []
    if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
        raise ImportFileError(path, f"it is not a hipknee bundle ({MANIFEST} has no checksum for {name})")
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ImportFileError(path, f"it is incomplete: {name} is missing") from None
    if info.file_size > MAX_TABLE_BYTES:
        raise ImportFileError(path, f"{name} is {info.file_size} bytes, more than the {MAX_TABLE_BYTES} a bundle's table may hold")
    data = archive.read(info)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ImportFileError(path, f"{name} does not match its checksum: the bundle was changed or damaged after it was made")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(path, f"{name} is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    columns = COLUMNS[kind]
    if header is None or not set(header) <= set(columns) or "uid" not in header:
        raise ImportFileError(path, f"{name} has the columns {header}, not those of a {kind} table ({', '.join(columns)})")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise ImportFileError(path, f"{name} line {number} has {len(cells)} cells where the header has {len(header)}")
        rows.append({col: _value(path, name, number, kind, col, cell) for col, cell in zip(header, cells)})
    if isinstance(entry.get("rows"), int) and entry["rows"] != len(rows):
        raise ImportFileError(path, f"{name} holds {len(rows)} rows where the manifest says {entry['rows']}")
    return rows


def _value(path: Path, name: str, line: int, kind: str, column: str, cell: str) -> Any:
    """One cell as its column's type (see the module's docstring)."""
    typ = TYPES[kind][column]
    if cell == "":
        if typ == "text" and not NULLABLE[kind][column]:
            return ""
        return None
    try:
        if typ == "datetime":
            return datetime.fromisoformat(cell)
        if typ == "bool":
            return {"true": True, "false": False}[cell]
        if typ == "int":
            return int(cell)
        if typ == "float":
            return float(cell)
    except (ValueError, KeyError):
        raise ImportFileError(path, f"{name} line {line}, column {column}: {cell[:40]!r} is not a {typ}") from None
    return cell
