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
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

import pandas as pd

from ..errors import ValidationError
from ..store import Store
from .output_files import output_file, output_folder

__all__ = ["COLUMN_RENAMES", "FORMATS", "REDACTED", "TABLE_NAMES", "export_frames", "export_tables"]

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
            _write_xlsx(frames, partial)
    elif out.suffix.lower() == ".zip":
        with output_file(out, "the export") as partial:
            _write_csv_zip(frames, partial)
    else:
        with output_folder(out, "the export") as staging:
            _write_csv_folder(frames, staging)
    return out


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S")


def _write_csv_folder(frames: dict[str, pd.DataFrame], out: Path) -> None:
    for name, frame in frames.items():
        (out / f"{name}.csv").write_text(_csv_text(frame), encoding="utf-8-sig", newline="")


def _write_csv_zip(frames: dict[str, pd.DataFrame], out: Path) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in frames.items():
            archive.writestr(f"{name}.csv", _csv_text(frame).encode("utf-8-sig"))


def _write_xlsx(frames: dict[str, pd.DataFrame], out: Path) -> None:
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in frames.items():
            sheet = frame.copy()
            # Excel has no categorical or nullable-int types: write plain values.
            for col in sheet.columns:
                if isinstance(sheet[col].dtype, pd.CategoricalDtype):
                    sheet[col] = sheet[col].astype(object)
            sheet.to_excel(writer, sheet_name=name, index=False)
            writer.sheets[name].freeze_panes = "A2"
