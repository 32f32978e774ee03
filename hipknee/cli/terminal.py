"""What the command line prints: text from files and logs shown with its control characters as
escapes (``\\x1b``), so an error line is one line and never drives the terminal."""

from __future__ import annotations

import unicodedata

__all__ = ["printable"]

# Bidirectional controls reorder what a terminal shows (a file name could hide its real ending).
_BIDI = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def printable(text: object) -> str:
    """``text`` on one line with nothing a terminal acts on: control characters (line breaks too),
    bidirectional controls and lone surrogates as escapes; a byte of a file name that is not UTF-8
    (Python keeps it as a lone surrogate) as the byte, ``\\xff``."""
    out = []
    for ch in str(text):
        if "\udc80" <= ch <= "\udcff":
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs"):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)
