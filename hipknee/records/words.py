"""The stored choices in words, for menus and sentences: ``next_morning`` is "next morning".

One copy for the forms, the recent entries and any view that names a choice; a value without
words of its own reads as itself (``left``, ``trail``, ``medium``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["WORDS", "in_words"]

#: record field -> stored value -> words
WORDS: dict[str, dict[str, str]] = {
    "context": {
        "rest": "at rest",
        "during": "during a run or exercise",
        "after": "after a run or exercise",
        "next_morning": "next morning",
    },
    "involved_side": {"left": "left knee", "right": "right knee"},
    "unit": {"N": "N (newtons)", "s": "s (seconds)"},
}


def in_words(field: str, value: Any) -> str:
    """``value`` of record ``field`` as a runner reads it, e.g. ``in_words("context", "next_morning")``."""
    return WORDS.get(field, {}).get(value, str(value))
