"""One activity as read from a file, before it becomes a :class:`hipknee.Run`, and the one rule
that decides, for every format alike, whether it is a run.

Times: ``start`` is an instant (timezone-aware) when the file gives one, or a naive wall time
when all the file says is the local date and time (a file's name); the import places it in the
runner's zone. Distance in km (None when the file records none), durations in min.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from . import reasons

__all__ = [
    "MIN_RUN_KM",
    "RUNNING_LIMIT_KMH",
    "WALKING_LIMIT_KMH",
    "Activity",
    "is_running",
    "not_a_run",
    "other_sport",
    "sport_label",
    "surface_of",
]

#: Faster than this on average is not a run (the marathon world record is about 21 km/h) ...
RUNNING_LIMIT_KMH = 25.0
#: ... and slower than this (10 min/km on moving time) is walking or hiking pace. Both are only
#: used when a file does not name its sport.
WALKING_LIMIT_KMH = 6.0
#: A recording shorter than this (km) is a watch started by mistake, whatever its sport.
MIN_RUN_KM = 0.2

# What files and apps call an activity whose sport they do not know: no sport named.
_UNNAMED = {"generic", "other", "unknown", "all", "none"}


@dataclass(frozen=True)
class Activity:
    """A recorded activity: start (an instant, or a local wall time), distance km (None when
    unknown), elapsed and moving min, average HR bpm."""

    start: datetime
    distance_km: float | None
    elapsed_min: float
    moving_min: float | None = None
    avg_hr: float | None = None
    sport: str = ""  # as the file or app names it, lower case; "" when the file does not say
    title: str = ""

    def with_sport(self, sport: str | None, title: str = "") -> Activity:
        """The same activity with the sport (and title) an app's list gives for it; a list that
        names no sport ('Other') leaves the file's own."""
        return replace(self, sport=sport_label(sport) or self.sport, title=title or self.title)

    @property
    def km(self) -> float | None:
        """The distance when one was recorded (a distance of 0 means none was)."""
        return self.distance_km if self.distance_km and self.distance_km > 0 else None

    @property
    def speed_kmh(self) -> float | None:
        """Average speed on moving time (elapsed when unknown), or None without distance or time."""
        minutes = self.moving_min or self.elapsed_min
        return self.km / minutes * 60 if self.km and minutes and minutes > 0 else None


def sport_label(*parts: object) -> str:
    """'trail', 'running' -> 'trail running'; 'Trail Run' -> 'trail run'; empties and words that
    name no sport ('generic', 'other') dropped."""
    words: list[str] = []
    for part in parts:
        if part is None:
            continue
        text = str(part).strip().lower().replace("_", " ")
        if text and text not in _UNNAMED and text not in words and not any(text in w for w in words):
            words = [w for w in words if w not in text]
            words.append(text)
    return " ".join(words)


def is_running(sport: str) -> bool:
    """Whether a sport label is running: run, running, trail run, treadmill, jogging..."""
    return any(word in sport for word in ("run", "jog", "treadmill"))


def other_sport(sport: str) -> str | None:
    """Why a named sport is not a run ('cycling is not running'), or None ('' names no sport)."""
    return f"{sport} is not running" if sport and not is_running(sport) else None


def not_a_run(activity: Activity) -> str | None:
    """Why ``activity`` is not imported as a run, or None when it is one; the same rule for every
    format, from what is known: the sport and sub-sport, then the distance and speed.

    - nothing recorded (no time between the first and last point): empty;
    - a sport that is named and is not running: not running;
    - a distance under :data:`MIN_RUN_KM`: too short;
    - no sport named: a run only at running speed, from :data:`WALKING_LIMIT_KMH` to
      :data:`RUNNING_LIMIT_KMH` (without a distance, that cannot be told: not a run);
    - a named run without a distance (a treadmill without foot pod) is a run, distance unknown.
    """
    if activity.elapsed_min <= 0:
        return reasons.EMPTY_TRACK
    sport = activity.sport
    if (other := other_sport(sport)) is not None:
        return other
    km = activity.km
    if km is not None and km < MIN_RUN_KM:
        return f"too short for a run ({km * 1000:.0f} m)"
    if sport:
        return None
    speed = activity.speed_kmh
    if speed is None:
        return "the file names no sport and records no distance, so it cannot be told from a walk"
    if speed > RUNNING_LIMIT_KMH:
        return f"the file names no sport, and {speed:.0f} km/h on average is faster than running"
    if speed < WALKING_LIMIT_KMH:
        return f"the file names no sport, and {speed:.1f} km/h on average is walking pace, not running"
    return None


def surface_of(sport: str) -> str | None:
    """The run's surface when its sport label says it (trail, treadmill, track), else None."""
    if "trail" in sport:
        return "trail"
    if any(word in sport for word in ("treadmill", "indoor", "virtual")):
        return "treadmill"
    if "track" in sport:
        return "track"
    return None
