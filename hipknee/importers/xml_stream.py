"""Streaming XML for the GPX and TCX readers: lxml's pull parser fed a chunk at a time.

Entities are never expanded and nothing is fetched from the network (no XXE, no billion laughs).
The text is read as UTF-8 with undecodable bytes shown as ``�``, whatever the file declares (apps
write UTF-8; a stray Latin-1 byte in a track name should not lose the run). Between chunks the
file's :class:`~.limits.Budget` clock is checked, so even one enormous start tag cannot stall the
import. A document that stops before its end is :data:`~.reasons.TRUNCATED`; any other syntax
error is corrupt.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from lxml import etree

from . import reasons
from .limits import Budget
from .reasons import Unreadable

__all__ = ["STREAM_CHUNK", "end_events", "local_name", "release"]

#: Characters fed to the parser at a time.
STREAM_CHUNK = 256 * 1024


def local_name(element: etree._Element) -> str:
    """The tag without its namespace ('trkpt' for '{http://www.topografix.com/GPX/1/1}trkpt')."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def end_events(data: bytes, what: str, budget: Budget, tags: tuple[str, ...] | None = None) -> Iterator[etree._Element]:
    """Each element of ``data`` (a ``what``: 'GPX', 'TCX' file) as its end tag is read; with
    ``tags``, only elements of those local names (in any namespace).

    The caller takes what it needs from an element and then :func:`release` s it, so the tree
    never holds more than the element being read.
    """
    wanted = [f"{{*}}{tag}" for tag in tags] if tags else None
    parser = etree.XMLPullParser(events=("end",), tag=wanted, resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, remove_comments=True, remove_pis=True)
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    for start in range(0, len(data), STREAM_CHUNK):
        budget.check_time()
        try:
            parser.feed(decoder.decode(data[start:start + STREAM_CHUNK]))
        except etree.XMLSyntaxError as exc:
            raise Unreadable(reasons.corrupt(f"not well-formed {what}: {exc}")) from None
        for _, element in parser.read_events():
            yield element
    try:
        parser.feed(decoder.decode(b"", final=True))
        parser.close()
    except etree.XMLSyntaxError as exc:
        # Everything was read and the document is still open: the file was cut short.
        raise Unreadable(reasons.TRUNCATED if _ends_early(exc) else reasons.corrupt(f"not well-formed {what}: {exc}")) from None
    for _, element in parser.read_events():
        yield element


# libxml2's "extra content at the end of the document": whole, then junk; not cut short.
_EXTRA_CONTENT = 5


def _ends_early(exc: etree.XMLSyntaxError) -> bool:
    return exc.code != _EXTRA_CONTENT


def release(element: etree._Element, *, siblings: bool = False) -> None:
    """Free an element that has been read; with ``siblings``, the ones read before it too (for a
    run of like elements, such as a segment's points, whose earlier siblings were read already)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if siblings and parent is not None:
        while element.getprevious() is not None:
            del parent[0]
