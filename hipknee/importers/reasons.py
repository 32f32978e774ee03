"""Why a file is refused, worded once so every format says it the same way."""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException

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
    "xml_reason",
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


# Expat's codes for "no element found" and "unclosed token": the text stops mid-document.
_EXPAT_ENDS_EARLY = {3, 5}


def corrupt(detail: str) -> str:
    return f"{CORRUPT} ({detail})"


def xml_reason(exc: BaseException, what: str) -> str:
    """The reason for an XML parse failure of a ``what`` (GPX, TCX) file."""
    if isinstance(exc, DefusedXmlException):
        return corrupt(f"unsafe XML refused: {exc.__class__.__name__}")
    if isinstance(exc, ParseError) and exc.code in _EXPAT_ENDS_EARLY:
        return TRUNCATED
    return corrupt(f"not well-formed {what}: {exc}")
