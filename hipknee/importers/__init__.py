"""Import runs from watches and apps: FIT, GPX and TCX files, ``.gz`` files and zips of them, and
Strava bulk exports. :func:`import_paths` is the entry point; see :mod:`.batch` for the rules."""

from __future__ import annotations

from .activity import Activity
from .batch import (
    Imported,
    ImportSummary,
    Outcome,
    choose_athlete,
    import_paths,
    import_sources,
    import_uploads,
)
from .fit import read_fit
from .gpx import read_gpx
from .reasons import Unreadable
from .tcx import read_tcx

__all__ = [
    "Activity",
    "ImportSummary",
    "Imported",
    "Outcome",
    "Unreadable",
    "choose_athlete",
    "import_paths",
    "import_sources",
    "import_uploads",
    "read_fit",
    "read_gpx",
    "read_tcx",
]
