"""The Kujala Anterior Knee Pain Scale (AKPS): its 13 items, each answer's points, and the total.

Scored 0-100 (100 = no problem), the standard outcome for patellofemoral pain. The items and the
points of each answer are those tabulated in J Orthop 2023;42:54-62 (PMC10362729), after Kujala
et al. 1993 (Arthroscopy 9:159-163). Some reproductions differ by a point on an answer or two:
this is the one copy of the table the product uses.

Within an item no two answers score the same, so an answer is stored as its points (the
``kujala_<item>`` fields of :class:`~hipknee.records.model.OutcomeScore`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["KUJALA_FIELDS", "KUJALA_ITEMS", "KujalaItem", "answer_words", "kujala_total"]


@dataclass(frozen=True)
class KujalaItem:
    """One question: its key (``limp``), the question in words, and its answers as (points, words),
    best first."""

    key: str
    question: str
    answers: tuple[tuple[int, str], ...]

    @property
    def field(self) -> str:
        """The record field (and store column) holding the answer's points: ``kujala_limp``."""
        return f"kujala_{self.key}"

    @property
    def best(self) -> int:
        """The item's most points (its answer "no problem")."""
        return max(points for points, _words in self.answers)

    def allowed(self) -> str:
        """The answers as a ValidationError states what is allowed: "5 (none), 3 (slight ...), 0 (...)"."""
        return "one of " + ", ".join(f"{points} ({words})" for points, words in self.answers)


KUJALA_ITEMS: tuple[KujalaItem, ...] = (
    KujalaItem("limp", "Limp", ((5, "none"), (3, "slight or periodical"), (0, "constant"))),
    KujalaItem("support", "Support", ((5, "full support without pain"), (3, "painful"),
                                      (0, "weight bearing impossible"))),
    KujalaItem("walking", "Walking", ((5, "unlimited"), (3, "more than 2 km"), (2, "1-2 km"), (0, "unable"))),
    KujalaItem("stairs", "Stairs", ((10, "no difficulty"), (8, "slight pain when descending"),
                                    (5, "pain both when descending and ascending"), (0, "unable"))),
    KujalaItem("squatting", "Squatting", ((5, "no difficulty"), (4, "repeated squatting painful"),
                                          (3, "painful each time"), (2, "possible with partial weight bearing"),
                                          (0, "unable"))),
    KujalaItem("running", "Running", ((10, "no difficulty"), (8, "pain after more than 2 km"),
                                      (6, "slight pain from start"), (3, "severe pain"), (0, "unable"))),
    KujalaItem("jumping", "Jumping", ((10, "no difficulty"), (7, "slight difficulty"), (2, "constant pain"),
                                      (0, "unable"))),
    KujalaItem("sitting", "Prolonged sitting with the knees flexed",
               ((10, "no difficulty"), (8, "pain after exercise"), (6, "constant pain"),
                (4, "pain forces to extend knees temporarily"), (0, "unable"))),
    KujalaItem("pain", "Pain", ((10, "none"), (8, "slight and occasional"), (6, "interferes with sleep"),
                                (3, "occasionally severe"), (0, "constant and severe"))),
    KujalaItem("swelling", "Swelling", ((10, "none"), (8, "after severe exertion"), (6, "after daily activities"),
                                        (4, "every evening"), (0, "constant"))),
    KujalaItem("kneecap", "Abnormal painful kneecap (patellar) movements",
               ((10, "none"), (6, "occasionally in sports activities"), (4, "occasionally in daily activities"),
                (2, "at least one documented dislocation"), (0, "more than two dislocations"))),
    KujalaItem("atrophy", "Atrophy of thigh", ((5, "none"), (3, "slight"), (0, "severe"))),
    KujalaItem("flexion", "Flexion deficiency", ((5, "none"), (3, "slight"), (0, "severe"))),
)

#: The record fields of the 13 answers, in questionnaire order.
KUJALA_FIELDS: tuple[str, ...] = tuple(item.field for item in KUJALA_ITEMS)
_BY_FIELD = {item.field: item for item in KUJALA_ITEMS}


def kujala_total(answers: Mapping[str, int]) -> int:
    """The score 0-100: the sum of the 13 answers' points (``answers``: field -> points)."""
    return sum(int(answers[field]) for field in KUJALA_FIELDS)


def answer_words(field: str, points: int) -> str:
    """The words of the answer worth ``points`` on item ``field`` (``kujala_limp``, 3 -> "slight or periodical")."""
    return dict(_BY_FIELD[field].answers)[points]
