"""Every table of a store as files a coach can open: CSV or an Excel workbook.

Units are in the column names (``distance_km``, ``duration_min``, ``load_kg``, ``nrs_0_10``,
``rpe_0_10``); a strength test's unit varies by test, so it stays in its own ``unit`` column.
Private notes are replaced by :data:`REDACTED` unless ``include_private`` is asked for. Every row
keeps its record's global id (``uid``) and the time it last changed (``updated_at``).

Formats:

- ``csv``: one UTF-8 file per table (``runs.csv``, ``pain.csv``, ...) in the folder ``out``, or in
  one zip archive when ``out`` ends in ``.zip`` (handy to e-mail). The files start with a byte-order
  mark so spreadsheet programs read accents correctly; pandas reads them as they are.
- ``xlsx``: one workbook with one sheet per table (written with openpyxl).

Exports are inert: names and notes are text however they begin. Spreadsheet programs run a cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula
(:data:`FORMULA_LEADS`). In the workbook every text cell is a string cell (never a formula or an
error code; such cells also carry Excel's quote prefix), so it reads back exactly. In CSV, OWASP's
neutralisation: every text cell is in double quotes, and one ``'`` (:data:`CSV_GUARD`) is put before
a text cell that starts with one of those characters or with ``'`` itself. To get the exact text
back, drop one leading ``'`` from every text cell that has one
(``frame[col].str.removeprefix("'")``); numbers and dates are never touched.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ..errors import OutputFileError, ValidationError
from ..store import Store
from .output_files import output_file, output_folder

if TYPE_CHECKING:  # openpyxl is imported only when a workbook is written
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "COLUMN_RENAMES",
    "CSV_GUARD",
    "FORMATS",
    "FORMULA_LEADS",
    "REDACTED",
    "TABLE_NAMES",
    "export_frames",
    "export_tables",
]

FORMATS: tuple[str, ...] = ("csv", "xlsx")

#: Store kind -> the table's name in the export (file or sheet name).
TABLE_NAMES: dict[str, str] = {
    "athlete": "athletes",
    "exercise": "exercises",
    "set": "sets",
    "test": "tests",
    "run": "runs",
    "pain": "pain",
    "outcome": "outcomes",
    "prescription": "programmes",
}

#: Store column -> exported column, per kind, so every unit is in the name.
COLUMN_RENAMES: dict[str, dict[str, str]] = {
    "exercise": {"dose_seconds": "dose_s"},
    "set": {"rpe": "rpe_0_10"},
    "run": {"rpe": "rpe_0_10", "avg_hr": "avg_hr_bpm"},
    "pain": {"nrs": "nrs_0_10"},
    "outcome": {"score": "score_0_100"},
}

#: What a private note reads as when private notes are left out.
REDACTED = "[private note withheld]"

#: A text cell starting with one of these is a formula to a spreadsheet program (OWASP's list).
FORMULA_LEADS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: Put before such a CSV cell, and before one starting with it already, so that dropping one
#: leading ``'`` from every text cell gives the exact text back.
CSV_GUARD = "'"
# Text openpyxl would store as an error code rather than as text (it takes "=..." for a formula).
_XLSX_ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def export_frames(store: Store, *, include_private: bool = False) -> dict[str, pd.DataFrame]:
    """Every table of ``store`` as exported: renamed columns, private notes redacted unless asked.

    Keys are the export's table names (:data:`TABLE_NAMES`); soft-deleted rows are left out.
    """
    frames: dict[str, pd.DataFrame] = {}
    for kind, name in TABLE_NAMES.items():
        frame = store.read(kind)
        if "note" in frame.columns and not include_private:
            frame["note"] = frame["note"].where(~frame["note_private"], REDACTED)
        frames[name] = frame.rename(columns=COLUMN_RENAMES.get(kind, {}))
    return frames


def export_tables(
    store: Store,
    fmt: Literal["csv", "xlsx"],
    out: str | Path,
    *,
    include_private: bool = False,
) -> Path:
    """Write every table of ``store`` to ``out`` as ``csv`` (folder, or zip if ``out`` ends in
    ``.zip``) or ``xlsx`` (one sheet per table); returns the path written."""
    if fmt not in FORMATS:
        raise ValidationError("format", fmt, "one of " + ", ".join(FORMATS))
    out = Path(out).expanduser()
    if fmt == "xlsx" and out.suffix.lower() != ".xlsx":
        raise ValidationError("out", str(out), "a file name ending in .xlsx")
    frames = export_frames(store, include_private=include_private)
    if fmt == "xlsx":
        with output_file(out, "the export") as partial:
            _write_xlsx(frames, partial, out)
    elif out.suffix.lower() == ".zip":
        with output_file(out, "the export") as partial:
            _write_csv_zip(frames, partial)
    else:
        with output_folder(out, "the export") as staging:
            _write_csv_folder(frames, staging)
    return out


def _text_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that hold text (names, notes, choices), never numbers, dates or flags."""
    return [c for c in frame.columns
            if frame[c].dtype == object or isinstance(frame[c].dtype, (pd.CategoricalDtype, pd.StringDtype))]


def _starts_with(values: pd.Series, leads: tuple[str, ...]) -> np.ndarray:
    """Which cells are text starting with one of ``leads`` (missing values and numbers never are)."""
    text = values.astype(object)
    return np.fromiter((isinstance(v, str) and v.startswith(leads) for v in text), dtype=bool, count=len(text))


def _guard(text: object) -> object:
    return CSV_GUARD + text if isinstance(text, str) and text.startswith(FORMULA_LEADS + (CSV_GUARD,)) else text


def _csv_guarded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with OWASP's ``'`` before every text cell a spreadsheet would run as a formula."""
    out = frame.copy()
    for col in _text_columns(frame):
        values = frame[col]
        if isinstance(values.dtype, pd.CategoricalDtype):  # the rule is one to one: categories stay distinct
            out[col] = values.cat.rename_categories([_guard(c) for c in values.cat.categories])
        else:
            out[col] = values.astype(object).map(_guard)
    return out


def _csv_text(frame: pd.DataFrame) -> str:
    # Every text cell in double quotes: a program that splits cells on ';' cannot start a new cell
    # (and a formula) inside a note.
    return _csv_guarded(frame).to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S", quoting=csv.QUOTE_NONNUMERIC)


def _write_csv_folder(frames: dict[str, pd.DataFrame], out: Path) -> None:
    for name, frame in frames.items():
        (out / f"{name}.csv").write_text(_csv_text(frame), encoding="utf-8-sig", newline="")


def _write_csv_zip(frames: dict[str, pd.DataFrame], out: Path) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in frames.items():
            archive.writestr(f"{name}.csv", _csv_text(frame).encode("utf-8-sig"))


def _write_xlsx(frames: dict[str, pd.DataFrame], out: Path, target: Path) -> None:
    for name, frame in frames.items():
        _check_workbook_text(name, frame, target)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in frames.items():
            sheet = frame.copy()
            # Excel has no categorical or nullable-int types: write plain values.
            for col in sheet.columns:
                if isinstance(sheet[col].dtype, pd.CategoricalDtype):
                    sheet[col] = sheet[col].astype(object)
            sheet.to_excel(writer, sheet_name=name, index=False)
            worksheet = writer.sheets[name]
            worksheet.freeze_panes = "A2"
            _as_text_cells(worksheet, sheet)


def _as_text_cells(worksheet: Worksheet, sheet: pd.DataFrame) -> None:
    """Make every text cell that openpyxl took for a formula or an error code a string cell again,
    with Excel's quote prefix on those a spreadsheet would run, so that editing keeps them text."""
    for j, col in enumerate(sheet.columns):
        if col not in _text_columns(sheet):
            continue
        risky = _starts_with(sheet[col], FORMULA_LEADS) | sheet[col].astype(object).isin(_XLSX_ERROR_CODES).to_numpy()
        for i in np.flatnonzero(risky):
            cell = worksheet.cell(row=int(i) + 2, column=j + 1)
            cell.data_type = "s"
            cell.quotePrefix = True


def _check_workbook_text(name: str, frame: pd.DataFrame, target: Path) -> None:
    """Refuse, naming the cell, text a workbook cannot hold (control characters saved before they
    were refused at validation); openpyxl would fail half-way through the file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for col in _text_columns(frame):
        for row, value in enumerate(frame[col].astype(object)):
            found = ILLEGAL_CHARACTERS_RE.search(value) if isinstance(value, str) else None
            if found is not None:
                ident = f" (id {frame['id'].iloc[row]})" if "id" in frame else ""
                raise OutputFileError(target, f"the {name} table's {col} in row {row + 1}{ident} holds "
                                              f"U+{ord(found.group()):04X}, a control character a workbook cannot "
                                              f"hold; correct it in the log, or export as csv")
