"""A file imported before is known by its hash before it is parsed: a re-import reads and hashes
each file, finds it in the runner's log and moves on (deleted runs included)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from activity_files import START, fit_bytes, gpx_bytes, tcx_bytes

import hipknee
from hipknee.importers import import_paths, source

pytestmark = pytest.mark.both_backends


def test_a_known_file_is_a_duplicate_without_being_parsed(store: hipknee.Store, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"a.gpx": gpx_bytes(), "b.fit": fit_bytes(START + timedelta(days=1)),
             "c.tcx": tcx_bytes(START + timedelta(days=2))}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    first = import_paths(store, [tmp_path], "Ana")
    assert len(first.imported) == 3
    store.delete("run", first.imported[1].id)
    parsed: list[str] = []

    def counting(reader):  # noqa: ANN001, ANN202 - wraps a format's reader
        def read(data: bytes, name: str = "", budget: object = None) -> list:
            parsed.append(name)
            return reader(data, name, budget)
        return read

    for fmt, reader in list(source.FORMATS.items()):
        monkeypatch.setitem(source.FORMATS, fmt, counting(reader))
    (tmp_path / "d.gpx").write_bytes(gpx_bytes(START + timedelta(days=3)))
    again = import_paths(store, [tmp_path], "Ana")
    assert parsed == ["d.gpx"]  # only the new file was parsed
    assert [r.label for r in again.imported] == [str(tmp_path / "d.gpx")]
    reasons = {Path(o.label).name: o.reason for o in again.duplicates}
    assert reasons == {
        "a.gpx": f"already imported (run {first.imported[0].id})",
        "b.fit": f"already imported (run {first.imported[1].id}, deleted; "
                 f"store.undelete('run', {first.imported[1].id}) brings it back)",
        "c.tcx": f"already imported (run {first.imported[2].id})",
    }
    # Another runner has not imported them: hers are parsed and imported.
    parsed.clear()
    other = import_paths(store, [tmp_path / "a.gpx"], "Bea")
    assert parsed == ["a.gpx"] and len(other.imported) == 1
