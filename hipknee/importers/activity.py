"""One activity as read from a file, before it becomes a :class:`hipknee.Run`.

Times are naive local date-times (as the store keeps them), distance in km, durations in min.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

__all__ = ["RUNNING_LIMIT_KMH", "Activity", "is_running", "local_time", "sport_label", "surface_of"]

#: Faster than this on average is not a run (the marathon world record is about 21 km/h);
#: only used when a file does not say its sport.
RUNNING_LIMIT_KMH = 25.0


@dataclass(frozen=True)
class Activity:
    """A recorded activity: start (local), distance km, elapsed and moving min, average HR bpm."""

    start: datetime
    distance_km: float
    elapsed_min: float
    moving_min: float | None = None
    avg_hr: float | None = None
    sport: str = ""  # as the file or app names it, lower case; "" when the file does not say
    title: str = ""

    def with_sport(self, sport: str | None, title: str = "") -> Activity:
        """The same activity with the sport (and title) an app's list gives for it."""
        return replace(self, sport=sport_label(sport) if sport else self.sport, title=title or self.title)

    @property
    def speed_kmh(self) -> float:
        minutes = self.moving_min or self.elapsed_min
        return self.distance_km / minutes * 60 if minutes else 0.0


def local_time(moment: datetime) -> datetime:
    """A file's time (UTC or with an offset) as the naive local time the store keeps."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def sport_label(*parts: object) -> str:
    """'trail', 'running' -> 'trail running'; 'Trail Run' -> 'trail run'; empties dropped."""
    words: list[str] = []
    for part in parts:
        if part is None:
            continue
        text = str(part).strip().lower().replace("_", " ")
        if text and text != "generic" and text not in words and not any(text in w for w in words):
            words = [w for w in words if w not in text]
            words.append(text)
    return " ".join(words)


def is_running(sport: str) -> bool:
    """Whether a sport label is running: run, running, trail run, treadmill, jogging..."""
    return any(word in sport for word in ("run", "jog", "treadmill"))


def surface_of(sport: str) -> str | None:
    """The run's surface when its sport label says it (trail, treadmill, track), else None."""
    if "trail" in sport:
        return "trail"
    if any(word in sport for word in ("treadmill", "indoor", "virtual")):
        return "treadmill"
    if "track" in sport:
        return "track"
    return None
