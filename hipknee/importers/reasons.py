"""Why a file is refused, worded once so every format says it the same way."""

from __future__ import annotations

__all__ = [
    "CORRUPT",
    "EMPTY",
    "EMPTY_TRACK",
    "NO_ACTIVITY",
    "NO_ACTIVITY_FILES",
    "TRUNCATED",
    "UNDATED",
    "UNKNOWN_FORMAT",
    "NotAnActivity",
    "Unreadable",
]

EMPTY = "empty (the file holds no data)"
NO_ACTIVITY = "empty (the file holds no recorded activity)"
NO_ACTIVITY_FILES = "empty (the zip holds no .fit, .gpx or .tcx file)"
TRUNCATED = "truncated (the file ends early; copy it again from the watch or app)"
CORRUPT = "corrupt"
UNKNOWN_FORMAT = "unknown format (hipknee reads .fit, .gpx and .tcx files, .gz files of them and zips)"
EMPTY_TRACK = "empty (nothing recorded: no time passes between its first and last point)"
UNDATED = ("undated (its times count from when the watch was switched on, and neither the file's creation "
           "time nor its name gives the date; name the file after the run's start, e.g. "
           "2012-03-04-07-30-00.fit, and import it again)")


class Unreadable(Exception):
    """A file cannot be imported; ``reason`` says why in words a runner understands."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NotAnActivity(Unreadable):
    """A sound file that records no activity (a watch's settings, a planned workout or route, a
    day's monitoring): listed as such, not as a failure."""


def corrupt(detail: str) -> str:
    return f"{CORRUPT} ({detail})"
