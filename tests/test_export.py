"""Exports read back with pandas equal to the store, units in the names, private notes withheld."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from backends import cli_location
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import hipknee
from hipknee.cli import main
from hipknee.records.kujala import KUJALA_FIELDS
from hipknee.views.export import REDACTED, export_tables

pytestmark = pytest.mark.both_backends

PRIVATE = "divorce papers"  # from the demo season's private note
PUBLIC = "Stairs at work hurt the knee again"

# The documented renames, written out by hand so a change in the module shows here. Every table
# ends with the records' global ids and updated-at times, so exported rows keep their identity.
EXPECTED_COLUMNS = {
    "athletes": ["id", "name", "body_mass_kg", "involved_side", "timezone", "uid", "updated_at"],
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
        "uid",
        "updated_at",
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
        "uid",
        "updated_at",
    ],
    "tests": ["id", "when", "athlete", "test", "side", "value", "unit", "note", "note_private", "uid", "updated_at"],
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
        "start_utc",
        "note",
        "note_private",
        "uid",
        "updated_at",
    ],
    "pain": ["id", "when", "athlete", "knee", "nrs_0_10", "context", "note", "note_private", "uid", "updated_at"],
    "outcomes": ["id", "when", "athlete", "instrument", "score_0_100", *KUJALA_FIELDS, "note", "note_private", "uid",
                 "updated_at"],
    "programmes": ["id", "when", "athlete", "exercise", "measure", "per_side", "sets", "reps", "duration_s", "hold_s",
                   "load_kg", "band", "sessions_per_week", "programme", "note", "note_private", "uid", "updated_at"],
}
KIND_OF = {
    "athletes": "athlete",
    "exercises": "exercise",
    "sets": "set",
    "tests": "test",
    "runs": "run",
    "pain": "pain",
    "outcomes": "outcome",
    "programmes": "prescription",
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
        if col in ("when", "start_utc", "updated_at"):
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


# -- formula injection: text is written as text ------------------------------------------------
#: Names and notes a spreadsheet would run as a formula, show as an error or split into cells.
FORMULA_NAMES = ["=1+2", "+SUM(A1:A2)", "-3+4", "@cmd", '=HYPERLINK("http://x.example","click")', "#N/A",
                 "'=quoted", "=cmd|' /C calc'!A0"]
FORMULA_NOTES = [*FORMULA_NAMES, "\t=1+2", "a;=1+2", "-", "=", "#DIV/0!"]


def _undo_csv_guard(value: str) -> str:
    """The export's documented inverse: a text cell starting with ' loses that one quote."""
    return value[1:] if value.startswith("'") else value


def _formula_store(store: hipknee.Store, names: list[str], notes: list[str]) -> None:
    store.add_many([hipknee.Athlete(name=name) for name in names]
                   + [hipknee.Run(when=f"2026-03-{day:02d}T07:00", athlete=names[day % len(names)],
                                  distance_km=5.0, duration_min=30.0, note=note)
                      for day, note in enumerate(notes, start=1)])


def _read_csv_text(source: Any) -> pd.DataFrame:
    return pd.read_csv(source, dtype=str, keep_default_na=False)


def _no_formula_cells(path: Path) -> None:
    """Every cell of the workbook is a value: no formula, no error code (openpyxl reads the types)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    kinds = {cell.data_type for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert kinds <= {"s", "n", "d", "b"}, kinds


def test_formula_like_names_and_notes_are_exported_as_text(store: hipknee.Store, tmp_path: Path) -> None:
    _formula_store(store, FORMULA_NAMES, FORMULA_NOTES)
    book = export_tables(store, "xlsx", tmp_path / "season.xlsx", include_private=True)
    _no_formula_cells(book)
    sheets = pd.read_excel(book, sheet_name=None, dtype=str, keep_default_na=False)
    assert sheets["athletes"]["name"].tolist() == ["Ana", *FORMULA_NAMES]
    assert sheets["runs"]["note"].tolist() == FORMULA_NOTES
    # CSV: OWASP's neutralisation, a ' before such a cell, every text cell in double quotes.
    folder = export_tables(store, "csv", tmp_path / "season", include_private=True)
    raw = (folder / "athletes.csv").read_text(encoding="utf-8-sig")
    assert "\"'=1+2\"" in raw and "\"'@cmd\"" in raw and "\"''=quoted\"" in raw and '"Ana"' in raw
    assert not any(line.split(",", 1)[1].startswith(("=", "+", "-", "@")) for line in raw.splitlines()[1:])
    athletes = _read_csv_text(folder / "athletes.csv")
    assert athletes["name"].map(_undo_csv_guard).tolist() == ["Ana", *FORMULA_NAMES]
    assert _read_csv_text(folder / "runs.csv")["note"].map(_undo_csv_guard).tolist() == FORMULA_NOTES


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff")
                | st.sampled_from("\t\n"), max_size=30)
_LEADS = st.sampled_from(["", "=", "+", "-", "@", "'", "\t", " ", "#N/A", "=1+2", "''", ";=", ",@", '"', "_x0041_"])
_FUZZ_NOTE = st.builds(str.__add__, _LEADS, _TEXT).filter(lambda s: len(s) <= 2000)


def _valid_name(text: str) -> bool:
    try:
        return hipknee.Athlete(name=text).name == text
    except hipknee.ValidationError:
        return False


_FUZZ_NAME = st.builds(str.__add__, _LEADS, st.text(min_size=1, max_size=12)).filter(_valid_name)


@pytest.fixture(scope="module")
def export_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One store the generated names and notes go into (a store per example would be mostly I/O)."""
    with hipknee.Store.open(tmp_path_factory.mktemp("fuzz-export")) as st_:
        yield st_


@settings(max_examples=max(10, settings().max_examples // 4), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(names=st.lists(_FUZZ_NAME, min_size=1, max_size=4, unique=True),
       notes=st.lists(_FUZZ_NOTE, min_size=1, max_size=4))
def test_exported_names_and_notes_read_back_exactly(export_store: hipknee.Store, tmp_path: Path,
                                                    names: list[str], notes: list[str]) -> None:
    names = [n for n in names if n not in export_store.athlete_names()]  # earlier examples' runners
    assume(names)
    owners = [names[i % len(names)] for i in range(len(notes))]
    ids = export_store.add_many(
        [hipknee.Athlete(name=n) for n in names]
        + [hipknee.Run(when=f"2026-03-{i + 1:02d}T07:00", athlete=who, distance_km=5.0, duration_min=30.0, note=note)
           for i, (who, note) in enumerate(zip(owners, notes))])
    athlete_ids, run_ids = ids[: len(names)], ids[len(names):]
    book = export_tables(export_store, "xlsx", tmp_path / "out.xlsx", include_private=True)
    archive = export_tables(export_store, "csv", tmp_path / "out.zip", include_private=True)
    _no_formula_cells(book)
    sheets = pd.read_excel(book, sheet_name=None, dtype=str, keep_default_na=False)
    with zipfile.ZipFile(archive) as zipped:
        tables = {t: _read_csv_text(zipped.open(f"{t}.csv")) for t in ("athletes", "runs")}
    for text in (sheets, {t: frame.map(_undo_csv_guard) for t, frame in tables.items()}):
        athletes = text["athletes"].set_index(text["athletes"]["id"].astype(int))
        runs = text["runs"].set_index(text["runs"]["id"].astype(int))
        assert athletes.loc[athlete_ids, "name"].tolist() == names
        assert runs.loc[run_ids, "note"].tolist() == notes
        assert runs.loc[run_ids, "athlete"].tolist() == owners
