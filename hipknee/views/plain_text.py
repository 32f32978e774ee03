"""Text from a runner's log as a chart draws it: exactly as typed.

Matplotlib reads text between two ``$`` as maths (``Cash $5 and $10`` would lose its dollars,
``Bob $\\foo$`` fails to parse), so every title, label and legend built from user text (names,
exercises, notes) goes through :func:`plain_text` first.
"""

from __future__ import annotations

import unicodedata

__all__ = ["plain_text"]

# Line breaks and tabs are the charts' own layout (a label on two lines); they are valid in SVG.
_LAYOUT = {"\n", "\t"}


def plain_text(text: object) -> str:
    """``text`` escaped so matplotlib draws it literally: each ``$`` as ``\\$`` (matplotlib shows a
    dollar sign, never maths), and control characters, lone surrogates and non-characters (which
    make an SVG invalid XML) as visible escapes such as ``\\x01``."""
    out = []
    for ch in str(text):
        if ch == "$":
            out.append("\\$")
        elif ch not in _LAYOUT and (unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff"):
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)
