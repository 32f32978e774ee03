"""Exports read back with pandas equal to the store, units in the names, private notes withheld."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import hipknee
from backends import cli_location
from hipknee.cli import main
from hipknee.views.export import REDACTED, export_tables

pytestmark = pytest.mark.both_backends

PRIVATE = "divorce papers"  # from the demo season's private note
PUBLIC = "Stairs at work hurt the knee again"

# The documented renames, written out by hand so a change in the module shows here.
EXPECTED_COLUMNS = {
    "athletes": ["id", "name", "body_mass_kg", "involved_side"],
    "exercises": [
        "id",
        "name",
        "measure",
        "per_side",
        "dose_sets",
        "dose_reps",
        "dose_s",
        "target",
        "how",
        "builtin",
    ],
    "sets": [
        "id",
        "when",
        "athlete",
        "exercise",
        "measure",
        "side",
        "reps",
        "duration_s",
        "hold_s",
        "load_kg",
        "band",
        "rpe_0_10",
        "session",
        "note",
        "note_private",
    ],
    "tests": ["id", "when", "athlete", "test", "side", "value", "unit", "note", "note_private"],
    "runs": [
        "id",
        "when",
        "athlete",
        "distance_km",
        "duration_min",
        "moving_min",
        "rpe_0_10",
        "surface",
        "avg_hr_bpm",
        "sport",
        "source",
        "source_hash",
        "note",
        "note_private",
    ],
    "pain": ["id", "when", "athlete", "knee", "nrs_0_10", "context", "note", "note_private"],
    "outcomes": ["id", "when", "athlete", "instrument", "score_0_100", "note", "note_private"],
}
KIND_OF = {
    "athletes": "athlete",
    "exercises": "exercise",
    "sets": "set",
    "tests": "test",
    "runs": "run",
    "pain": "pain",
    "outcomes": "outcome",
}


@pytest.fixture
def squad(demo_store: hipknee.Store) -> hipknee.Store:
    """The demo season plus a runner with an accented name and a note holding a comma and quotes."""
    demo_store.add(hipknee.Athlete(name="Zoë Ångström", involved_side="left"))
    demo_store.add(
        hipknee.Run(
            when="2026-04-01T07:00",
            athlete="Zoë Ångström",
            distance_km=8.5,
            duration_min=50.0,
            note='hills, "steep" ones',
        )
    )
    return demo_store


def _like(read: pd.DataFrame, store_frame: pd.DataFrame) -> pd.DataFrame:
    """Bring a frame read back from a file to comparable plain types, guided by the store's dtypes."""
    out = {}
    for col in store_frame.columns:
        want, got = store_frame[col], read[col]
        if col == "when":
            out[col] = (
                pd.to_datetime(want).astype("datetime64[s]"),
                pd.to_datetime(got).astype("datetime64[s]"),
            )
        elif pd.api.types.is_bool_dtype(want):
            out[col] = (want.astype(bool), got.astype(bool))
        elif pd.api.types.is_numeric_dtype(want):
            out[col] = (want.astype("float64"), got.astype("float64"))
        else:  # text and categories; an empty cell reads back as missing
            out[col] = (
                want.astype(object).where(want.notna(), "").astype(str),
                got.astype(object).where(got.notna(), "").astype(str),
            )
    return (
        pd.DataFrame({c: w for c, (w, _) in out.items()}),
        pd.DataFrame({c: g for c, (_, g) in out.items()}),
    )


def _check_equal_to_store(
    tables: dict[str, pd.DataFrame], store: hipknee.Store, *, private: bool
) -> None:
    assert list(tables) == list(EXPECTED_COLUMNS)
    for name, columns in EXPECTED_COLUMNS.items():
        kind = KIND_OF[name]
        got = tables[name]
        assert list(got.columns) == columns, name
        expected = store.read(kind)
        if "note" in expected.columns and not private:
            expected["note"] = expected["note"].where(~expected["note_private"], REDACTED)
        renamed = got.copy()
        renamed.columns = list(expected.columns)  # same order, store names
        want, have = _like(renamed, expected)
        assert len(have) == store.count(kind), name
        pd.testing.assert_frame_equal(have, want, check_names=True, obj=name)


def test_xlsx_reads_back_equal_to_the_store(squad: hipknee.Store, tmp_path: Path) -> None:
    out = export_tables(squad, "xlsx", tmp_path / "season.xlsx")
    tables = pd.read_excel(out, sheet_name=None)
    _check_equal_to_store(tables, squad, private=False)
    assert tables["runs"]["when"].dtype.kind == "M"  # real dates in the spreadsheet, not text


def test_csv_folder_reads_back_equal_to_the_store(squad: hipknee.Store, tmp_path: Path) -> None:
    out = export_tables(squad, "csv", tmp_path / "season")
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in EXPECTED_COLUMNS)
    tables = {name: pd.read_csv(out / f"{name}.csv") for name in EXPECTED_COLUMNS}
    _check_equal_to_store(tables, squad, private=False)
    assert "Zoë Ångström" in set(tables["athletes"]["name"])
    # A byte-order mark so spreadsheet programs read the accents as UTF-8.
    assert (out / "athletes.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_csv_zip_holds_one_file_per_table(squad: hipknee.Store, tmp_path: Path) -> None:
    out = export_tables(squad, "csv", tmp_path / "season.zip", include_private=True)
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == [f"{n}.csv" for n in EXPECTED_COLUMNS]
        tables = {name: pd.read_csv(archive.open(f"{name}.csv")) for name in EXPECTED_COLUMNS}
    _check_equal_to_store(tables, squad, private=True)


def test_private_notes_are_withheld_unless_asked(squad: hipknee.Store, tmp_path: Path) -> None:
    hidden = export_tables(squad, "csv", tmp_path / "hidden")
    text = "".join(p.read_text(encoding="utf-8-sig") for p in hidden.iterdir())
    assert PRIVATE not in text
    assert REDACTED in text and PUBLIC in text
    shown = export_tables(squad, "csv", tmp_path / "shown", include_private=True)
    assert PRIVATE in "".join(p.read_text(encoding="utf-8-sig") for p in shown.iterdir())
    # In the workbook too (openpyxl keeps text in shared strings; read the cells instead).
    book = pd.read_excel(export_tables(squad, "xlsx", tmp_path / "s.xlsx"), sheet_name=None)
    assert not any(
        f[c].astype(str).str.contains(PRIVATE).any() for f in book.values() for c in f.columns
    )


def test_cli_export_writes_the_workbook(
    demo_store: hipknee.Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "coach.xlsx"
    assert main(["export", "--format", "xlsx", *cli_location(demo_store), "--out", str(out)]) == 0
    assert "private notes withheld" in capsys.readouterr().out
    assert set(pd.read_excel(out, sheet_name=None)) == set(EXPECTED_COLUMNS)


def test_cli_export_rejects_a_workbook_without_xlsx_suffix(
    demo_store: hipknee.Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "export",
            "--format",
            "xlsx",
            *cli_location(demo_store),
            "--out",
            str(tmp_path / "coach.csv"),
        ]
    )
    assert code == 2
    assert ".xlsx" in capsys.readouterr().err
    assert not (tmp_path / "coach.csv").exists()
