"""The upload form driven as a runner would: choose files (the FileUpload value ipywidgets 8
sets: a tuple of dicts with name, type, size, content and last_modified), pick the runner,
press Import, read the message."""

from __future__ import annotations

from datetime import UTC, datetime

from activity_files import START, fit_bytes, gpx_bytes, gz, strava_export, strava_row, zipped

import hipknee


def uploaded(files: dict[str, bytes]) -> tuple[dict, ...]:
    return tuple(
        {"name": name, "type": "application/octet-stream", "size": len(data), "content": memoryview(data),
         "last_modified": datetime(2026, 3, 3, tzinfo=UTC)}
        for name, data in files.items()
    )


def test_upload_and_import(store: hipknee.Store) -> None:
    store.add(hipknee.Athlete(name="Ben"))
    form = hipknee.ImportForm(store)
    assert form.athlete.options == ("Ana", "Ben")
    form.athlete.value = "Ben"
    export = strava_export([strava_row(7, START.replace(day=5), "Run", "Tempo", "activities/7.gpx", 8.0, 2400, 2400)],
                           {"activities/7.gpx": gpx_bytes(START.replace(day=5), km=8.0, minutes=40.0)})
    form.upload.value = uploaded({
        "morning.gpx": gpx_bytes(),
        "long.fit.gz": gz(fit_bytes(START.replace(day=3), km=18.0, minutes=100.0)),
        "week.zip": zipped({"a.fit": fit_bytes(START.replace(day=4), km=5.0, minutes=28.0)}),
        "export.zip": export,
        "broken.fit": fit_bytes()[:60],
    })
    form.import_button.click()
    runs = store.runs(athlete="Ben")
    assert runs["source"].tolist() == ["gpx", "fit", "fit", "strava"]
    assert runs["distance_km"].tolist() == [6.0, 18.0, 5.0, 8.0]
    assert store.runs(athlete="Ana").empty
    assert "4 runs imported, 0 duplicates, 0 skipped, 1 failed" in form.message.value
    assert "broken.fit: truncated" in form.message.value
    assert "#b00020" in form.message.value  # a failure shows in red
    assert form.upload.value == ()
    assert (form.progress.value, form.progress.max) == (5, 5)

    # Choosing the same file again only reports it as a duplicate.
    form.upload.value = uploaded({"morning-again.gpx": gpx_bytes()})
    form.import_button.click()
    assert "0 runs imported, 1 duplicate, 0 skipped, 0 failed" in form.message.value
    assert "#1b5e20" in form.message.value
    assert store.count("run") == 4


def test_import_without_files_says_so(store: hipknee.Store) -> None:
    form = hipknee.ImportForm(store)
    form.import_button.click()
    assert "Choose one or more files first" in form.message.value
    assert store.count("run") == 0
