"""A Strava bulk export (Settings > My Account > Download your data): a zip holding
``activities.csv`` and the recorded files under ``activities/`` (``.fit.gz``, ``.gpx``, ``.tcx.gz``).

The list's ``Activity Type`` is what the runner last chose on Strava, so it decides the sport.
Activities entered by hand on Strava have no file: they are imported from the list's own columns
(``Activity Date`` in UTC, ``Elapsed Time`` and ``Moving Time`` in s, the first ``Distance`` in km).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import reasons
from .activity import Activity
from .limits import MAX_LIST_ACTIVITIES, MAX_LIST_BYTES, read_bounded, too_large
from .reasons import Unreadable
from .source import ACTIVITY_SUFFIXES, Source, member_reader

__all__ = ["LIST_NAME", "export_sources", "find_list"]

LIST_NAME = "activities.csv"
_DATE_FORMAT = "%b %d, %Y, %I:%M:%S %p"  # "Mar 2, 2026, 6:00:00 PM"


def find_list(archive: zipfile.ZipFile) -> str | None:
    """The member name of the export's ``activities.csv`` (at the top or one folder down), if any."""
    found = [n for n in archive.namelist() if posixpath.basename(n) == LIST_NAME and n.count("/") <= 1]
    return min(found, key=len) if found else None


def export_sources(archive: zipfile.ZipFile, list_name: str, label: str, path: Path) -> list[Source]:
    """One source per activity of the export, plus any activity file the list does not name.

    The list is read within :data:`~.limits.MAX_LIST_BYTES` (as it inflates) and
    :data:`~.limits.MAX_LIST_ACTIVITIES` rows; a longer one is refused by name.
    """
    try:
        with archive.open(list_name) as stream:
            text = read_bounded(stream, MAX_LIST_BYTES)
        table = pd.read_csv(io.BytesIO(text), dtype=str, keep_default_na=False, nrows=MAX_LIST_ACTIVITIES + 1)
    except Unreadable as exc:
        return [Source(f"{label}:{list_name}", path, problem=exc.reason)]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, pd.errors.ParserError) as exc:
        return [Source(f"{label}:{list_name}", path, problem=reasons.corrupt(f"{LIST_NAME} cannot be read: {exc}"))]
    if len(table) > MAX_LIST_ACTIVITIES:
        return [Source(f"{label}:{list_name}", path, problem=too_large(f"{MAX_LIST_ACTIVITIES:,} activities"))]
    if "Activity Type" not in table.columns:
        return [Source(f"{label}:{list_name}", path, problem=reasons.corrupt(f"{LIST_NAME} has no Activity Type column"))]
    root = posixpath.dirname(list_name)
    members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    sources: list[Source] = []
    named: set[str] = set()
    for row in table.to_dict("records"):
        ident = row.get("Activity ID", "").strip()
        common = {"path": path, "origin": "strava", "sport": row["Activity Type"].strip(),
                  "title": row.get("Activity Name", "").strip()}
        filename = row.get("Filename", "").strip()
        member = posixpath.join(root, filename) if filename else ""
        if member in members:
            named.add(member)
            sources.append(Source(f"{label}:{member}", read=member_reader(archive, members[member]), **common))
            continue
        where = f"{label}:{LIST_NAME} activity {ident or '?'}"
        listed = _listed(row)
        if listed is None:
            problem = f"{filename} is missing from the zip" if filename else "no file, and no date and time in the list"
            sources.append(Source(where, problem=reasons.corrupt(problem), **common))
        else:
            sources.append(Source(where, listed=listed, key=f"strava activity {ident}", **common))
    for name, info in members.items():
        if name not in named and name.lower().endswith(ACTIVITY_SUFFIXES):
            sources.append(Source(f"{label}:{name}", path, read=member_reader(archive, info), origin="strava"))
    return sources


def _listed(row: dict[str, str]) -> Activity | None:
    """An activity from the list's columns alone, or None when they lack a date or a time (a
    distance may be missing: a treadmill run typed in with its time only)."""
    start = _date(row.get("Activity Date", ""))
    distance = _number(row.get("Distance", ""))
    elapsed = _number(row.get("Elapsed Time", ""))
    if start is None or not elapsed:
        return None
    moving = _number(row.get("Moving Time", ""))
    return Activity(
        start=start,
        distance_km=distance,
        elapsed_min=elapsed / 60,
        moving_min=moving / 60 if moving else None,
        avg_hr=_number(row.get("Average Heart Rate", "")) or None,
    )


def _date(text: str) -> datetime | None:
    text = text.strip()
    for parse in (lambda t: datetime.strptime(t, _DATE_FORMAT), datetime.fromisoformat):
        try:
            moment = parse(text)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        return None
