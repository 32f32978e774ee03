"""Streaming XML for the GPX and TCX readers: lxml's pull parser fed a chunk at a time.

Entities are never expanded and nothing is fetched from the network (no XXE, no billion laughs).
The text is read as UTF-8 with undecodable bytes shown as ``�``, whatever the file declares (apps
write UTF-8; a stray Latin-1 byte in a track name should not lose the run). Between chunks the
file's :class:`~.limits.Budget` clock is checked, so even one enormous start tag cannot stall the
import, and the tree is pruned: of each element still open only its last child and the children
its reader needs are kept, so memory holds about one chunk of elements however the file is
shaped. A document that stops before its end is :data:`~.reasons.TRUNCATED`; any other syntax
error is corrupt.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping

from lxml import etree

from . import reasons
from .limits import Budget
from .reasons import Unreadable

__all__ = ["STREAM_CHUNK", "end_events", "local_name"]

#: Characters fed to the parser at a time.
STREAM_CHUNK = 256 * 1024

#: Element (local name) -> the children (local names) its reader reads when it ends.
Needs = Mapping[str, frozenset[str]]


def local_name(element: etree._Element) -> str:
    """The tag without its namespace ('trkpt' for '{http://www.topografix.com/GPX/1/1}trkpt')."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def end_events(data: bytes, what: str, budget: Budget, root: str, tags: tuple[str, ...],
               needs: Needs) -> Iterator[etree._Element]:
    """The elements named ``tags`` (local names, any namespace) of ``data``, a ``what`` ('GPX',
    'TCX') file whose root is ``root``, each as its end tag is read.

    An element is whole when it is handed over; once the next chunk is read, only the children
    ``needs`` names (the first of each name) are left of the elements read before.
    """
    wanted = [f"{{*}}{tag}" for tag in (root, *tags)]
    parser = etree.XMLPullParser(events=("start", "end"), tag=wanted, resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    top: etree._Element | None = None
    for start in range(0, len(data), STREAM_CHUNK):
        budget.check_time()
        try:
            parser.feed(decoder.decode(data[start:start + STREAM_CHUNK]))
        except etree.XMLSyntaxError as exc:
            raise Unreadable(reasons.corrupt(f"not well-formed {what}: {exc}")) from None
        for event, element in parser.read_events():
            if event == "end":
                yield element
            elif top is None:
                top = element.getroottree().getroot()
        if top is not None:
            _prune(top, needs)
    try:
        parser.feed(decoder.decode(b"", final=True))
        parser.close()
    except etree.XMLSyntaxError as exc:
        # Everything was read and the document is still open: the file was cut short.
        raise Unreadable(reasons.TRUNCATED if _ends_early(exc) else reasons.corrupt(f"not well-formed {what}: {exc}")) from None
    for event, element in parser.read_events():
        if event == "end":
            yield element


# libxml2's "extra content at the end of the document": whole, then junk; not cut short.
_EXTRA_CONTENT = 5


def _ends_early(exc: etree.XMLSyntaxError) -> bool:
    return exc.code != _EXTRA_CONTENT


def _prune(root: etree._Element, needs: Needs) -> None:
    """Drop the elements already read: down the chain of open elements, every child but the last
    (which may be open still) and the first of each name its element ``needs``."""
    node = root
    while len(node):
        if len(node) > 1:
            kept = needs.get(local_name(node))
            if kept:
                seen: set[str] = set()
                for child in node[:-1]:  # a few children, where a reader needs some
                    name = local_name(child)
                    if name in kept and name not in seen:
                        seen.add(name)
                    else:
                        node.remove(child)
            else:
                del node[:-1]
        node = node[-1]
