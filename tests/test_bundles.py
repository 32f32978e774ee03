"""Share bundles as files: what `hipknee share` writes (documented layout, checksums, private notes
withheld), and the bundles `hipknee merge` refuses whole, one line naming the file, leaving the
coach's store byte for byte as it was."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import hipknee
from hipknee.bundles import read_bundle
from hipknee.bundles.format import FORMAT_VERSION, MANIFEST, TABLE_FILES
from hipknee.cli import main
from hipknee.store.schema import SCHEMA_VERSION
from hipknee.store.sync import COLUMNS

PRIVATE = "divorce papers"  # the demo season's private note


@pytest.fixture(scope="session")
def runner_master(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A runner's data folder (the demo season of Maria), copied once: share from it, never write."""
    folder = tmp_path_factory.mktemp("runner") / "data"
    shutil.copytree(demo_master, folder)
    return folder


@pytest.fixture(scope="session")
def bundle(runner_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Maria's whole log as a bundle, private notes withheld (read only)."""
    out = tmp_path_factory.mktemp("bundle") / "maria.hipknee"
    assert main(["share", "--data", str(runner_master), "--out", str(out)]) == 0
    return out


@pytest.fixture
def coach(tmp_path: Path) -> Path:
    """A coach's data folder whose store holds another runner."""
    folder = tmp_path / "coach"
    with hipknee.Store.open(folder) as st:
        st.add(hipknee.Athlete(name="Bo"))
        st.add(hipknee.Run(when="2026-03-03T07:00", athlete="Bo", distance_km=6.0, duration_min=35.0))
    return folder


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- what share writes ----------------------------------------------------------------------------
def test_the_bundle_is_a_zip_with_a_manifest_and_one_table_per_kind(bundle: Path, runner_master: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read(MANIFEST))
        tables = {name: archive.read(name) for name in TABLE_FILES.values()}
    assert sorted(names) == sorted([MANIFEST, *TABLE_FILES.values()])
    assert manifest["format"] == "hipknee-bundle" and manifest["format_version"] == FORMAT_VERSION
    assert manifest["schema_version"] == SCHEMA_VERSION and manifest["private_notes"] == "withheld"
    assert manifest["period"] == {"from": None, "to": None}
    with hipknee.Store.open(runner_master) as st:
        me = st.athletes().iloc[0]
        assert manifest["sender"]["athlete"] == me["name"] == "Maria"
        assert manifest["sender"]["athlete_uid"] == me["uid"]
        for kind, name in TABLE_FILES.items():
            entry = manifest["tables"][name]
            assert entry["sha256"] == hashlib.sha256(tables[name]).hexdigest()
            rows = list(csv.DictReader(io.StringIO(tables[name].decode("utf-8"))))
            assert list(rows[0]) == list(COLUMNS[kind]) and entry["rows"] == len(rows)
            if kind not in ("athlete", "exercise"):
                # Every record of hers, deleted ones too, by global id.
                assert {r["uid"] for r in rows} == set(st.read(kind, include_deleted=True)["uid"]), kind
        used = set(st.sets()["exercise"].astype(str))
    exercises = {r["name"] for r in csv.DictReader(io.StringIO(tables["exercises.csv"].decode()))}
    assert exercises == used


def test_private_notes_are_withheld_unless_asked(bundle: Path, runner_master: Path, tmp_path: Path) -> None:
    assert PRIVATE.encode() not in b"".join(zipfile.ZipFile(bundle).read(n) for n in TABLE_FILES.values())
    withheld = [r for r in read_bundle(bundle).rows["pain"] if r["note_private"]]
    assert withheld and all(r["note"] == "" for r in withheld)
    out = tmp_path / "all.hipknee"
    assert main(["share", "--data", str(runner_master), "--include-private", "--out", str(out)]) == 0
    full = read_bundle(out)
    assert full.manifest["private_notes"] == "included"
    assert any(PRIVATE in r["note"] for r in full.rows["pain"] if r["note_private"])


def test_a_bundle_reads_back_as_the_store_holds_it(bundle: Path, runner_master: Path) -> None:
    with hipknee.Store.open(runner_master) as st:
        rows = st.portable_rows("Maria")
    read = read_bundle(bundle).rows
    for kind, found in rows.items():
        expected = [{**r, "note": ""} if r.get("note_private") else r for r in found]
        assert read[kind] == expected, kind


def test_share_a_period(runner_master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "april.hipknee"
    code = main(["share", "--data", str(runner_master), "--athlete", "Maria", "--from", "2026-04-01",
                 "--to", "2026-04-30", "--out", str(out)])
    assert code == 0 and str(out) in capsys.readouterr().out
    got = read_bundle(out)
    assert got.manifest["period"] == {"from": "2026-04-01", "to": "2026-04-30"}
    whens = [r["when"] for kind in ("set", "run", "pain") for r in got.rows[kind]]
    assert whens and min(whens).isoformat() >= "2026-04-01" and max(whens).isoformat() < "2026-05-01"


@pytest.mark.parametrize(("args", "field"), [
    (["--athlete", "Nobody"], "--athlete"),
    (["--from", "someday"], "--from"),
    (["--from", "2026-05-01", "--to", "2026-04-01"], "--to"),
])
def test_share_refuses_bad_input_in_one_line(runner_master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             args: list[str], field: str) -> None:
    out = tmp_path / "x.hipknee"
    assert main(["share", "--data", str(runner_master), *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"hipknee: error: {field}") and not out.exists()


def test_share_needs_a_name_when_the_store_holds_several(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "--data", str(tmp_path / "squad"), "--runners", "2"])
    capsys.readouterr()
    assert main(["share", "--data", str(tmp_path / "squad"), "--out", str(tmp_path / "b.hipknee")]) == 2
    assert "Maria, Anna" in capsys.readouterr().err


# -- bundles merge refuses ---------------------------------------------------------------------------
def rewritten(bundle: Path, out: Path, *, manifest: Callable[[dict], None] | None = None,
              tables: dict[str, Callable[[bytes], bytes]] | None = None, checksums: bool = False) -> Path:
    """A copy of ``bundle`` with its manifest or tables changed; ``checksums`` recomputes them (so
    only the change itself can be what is refused)."""
    with zipfile.ZipFile(bundle) as archive:
        data = {name: archive.read(name) for name in archive.namelist()}
    meta = json.loads(data.pop(MANIFEST))
    for name, change in (tables or {}).items():
        data[name] = change(data[name])
        if checksums:
            meta["tables"][name]["sha256"] = hashlib.sha256(data[name]).hexdigest()
    if manifest is not None:
        manifest(meta)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(meta))
        for name, content in data.items():
            archive.writestr(name, content)
    return out


def _first_pain_nrs(value: str) -> Callable[[bytes], bytes]:
    def change(table: bytes) -> bytes:
        rows = list(csv.reader(io.StringIO(table.decode())))
        rows[1][rows[0].index("nrs")] = value
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        return text.getvalue().encode()
    return change


def _bad_bundle(case: str, bundle: Path, folder: Path) -> Path:
    out = folder / f"{case}.hipknee"
    raw = bundle.read_bytes()
    if case == "newer schema":
        return rewritten(bundle, out, manifest=lambda m: m.update(schema_version=SCHEMA_VERSION + 1))
    if case == "newer format":
        return rewritten(bundle, out, manifest=lambda m: m.update(format_version=FORMAT_VERSION + 1))
    if case == "tampered":  # a pain score changed by hand, the checksum left as it was
        return rewritten(bundle, out, tables={"pain.csv": _first_pain_nrs("0")})
    if case == "checksums rewritten, record out of range":
        return rewritten(bundle, out, tables={"pain.csv": _first_pain_nrs("50")}, checksums=True)
    if case == "truncated":
        out.write_bytes(raw[: len(raw) // 2])
    elif case == "truncated end":
        out.write_bytes(raw[:-12])
    elif case == "empty":
        out.write_bytes(b"")
    elif case == "not a bundle (a report)":
        out.write_text("<!doctype html><title>report</title>", encoding="utf-8")
    elif case == "not a bundle (an export zip)":
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("runs.csv", "id,when\n")
    elif case == "not a bundle (a store)":
        shutil.copy(folder / "coach" / "hipknee.db", out)
    return out


REFUSED = {
    "newer schema": "made by a newer hipknee (schema",
    "newer format": "made by a newer hipknee (format",
    "tampered": "pain.csv does not match its checksum",
    "checksums rewritten, record out of range": "pain.nrs: got 50",
    "truncated": "truncated or damaged",
    "truncated end": "truncated or damaged",
    "empty": "it is empty",
    "not a bundle (a report)": "not a hipknee bundle (not a zip archive)",
    "not a bundle (an export zip)": "not a hipknee bundle (a zip archive without manifest.json)",
    "not a bundle (a store)": "not a hipknee bundle (not a zip archive)",
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_bad_bundle_is_refused_whole_and_the_store_is_untouched(
    case: str, bundle: Path, coach: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _bad_bundle(case, bundle, tmp_path)
    db = coach / "hipknee.db"
    before = sha256(db)
    assert main(["merge", str(bad), "--data", str(coach)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"hipknee: error: {bad}: ") and REFUSED[case] in err, err
    assert "Traceback" not in err and "nothing was merged" in err
    assert sha256(db) == before
    assert not (coach / "hipknee.db-wal").exists()
    with hipknee.Store.open(coach) as st:
        assert st.athlete_names() == ["Bo"]


def test_refused_bundles_alone_never_create_a_store(bundle: Path, tmp_path: Path) -> None:
    bad = _bad_bundle("truncated", bundle, tmp_path)
    assert main(["merge", str(bad), "--data", str(tmp_path / "new")]) == 1
    assert not (tmp_path / "new").exists()


def test_good_bundles_merge_beside_a_refused_one(
    bundle: Path, coach: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _bad_bundle("tampered", bundle, tmp_path)
    assert main(["merge", str(bad), str(bundle), "--data", str(coach)]) == 1
    out, err = capsys.readouterr()
    assert "maria.hipknee: Maria's log" in out and "1 bundle merged" in out and "1 refused" in out
    assert str(bad) in err and len(err.strip().splitlines()) == 1
    with hipknee.Store.open(coach) as st:
        assert st.athlete_names() == ["Bo", "Maria"]


def test_merge_from_python_and_a_merge_line(bundle: Path, tmp_path: Path) -> None:
    with hipknee.Store.open(tmp_path / "coach") as st:
        summary = hipknee.merge_bundles(st, [bundle])
        assert summary.ok and st.athlete_names() == ["Maria"]
    line = summary.lines()[0]
    assert line.startswith("maria.hipknee: Maria's log (") and "private notes withheld" in line
    merged = summary.merged[0].counts
    assert line.endswith(f"{merged.count('added')} added, 0 changed, 0 deleted, 0 restored, "
                         f"{merged.count('unchanged')} unchanged")
