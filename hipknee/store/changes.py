"""Change notification for one store object: callbacks told after each committed write.

Views and forms that show the log (the progress view, the dashboard, the recent entries, the
runner pickers) subscribe with :meth:`hipknee.Store.on_change` and redraw after a save made in
the same kernel. Only writes made through that store object are seen (another process, or
another ``Store`` opened on the same file, writes unseen: those views keep a reload button).

Callbacks are held by weak reference so that subscribing never keeps a widget alive: a bound
method is dropped with its object; any other callable lives as long as the returned
:class:`Subscription` (or something else) refers to it.
"""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from types import MethodType
from typing import Any

__all__ = ["Change", "ChangeListeners", "Subscription"]


@dataclass(frozen=True)
class Change:
    """One committed write: ``action`` (``add``, ``update``, ``delete`` or ``undelete``), the record
    kinds it touched (e.g. ``("athlete", "set")``) and the ids of the records it wrote."""

    action: str
    kinds: tuple[str, ...]
    ids: tuple[int, ...] = ()


Listener = Callable[[Change], Any]


class Subscription:
    """What :meth:`hipknee.Store.on_change` returns: :meth:`cancel` (or calling it) unsubscribes.

    It keeps a plain function or lambda alive (the store only holds it weakly), never the object
    of a bound method."""

    def __init__(self, owner: ChangeListeners, key: int, keep: Listener | None) -> None:
        self._owner = weakref.ref(owner)
        self._key = key
        self._keep = keep

    @property
    def active(self) -> bool:
        """Whether the callback is still called after writes."""
        owner = self._owner()
        return owner is not None and owner.holds(self._key)

    def cancel(self) -> None:
        """Stop calling the callback (calling it twice is harmless)."""
        owner = self._owner()
        if owner is not None:
            owner.drop(self._key)
        self._keep = None

    __call__ = cancel


class _Strong:
    """A plain reference that answers like a weak one."""

    def __init__(self, target: Listener) -> None:
        self._target = target

    def __call__(self) -> Listener:
        return self._target


class ChangeListeners:
    """The callbacks of one store, each held weakly, called in the order they subscribed."""

    def __init__(self) -> None:
        self._refs: dict[int, Callable[[], Any]] = {}
        self._next = 0
        self._lock = threading.Lock()  # importers write from a worker thread

    def add(self, callback: Listener) -> Subscription:
        if not callable(callback):
            raise TypeError(f"on_change needs a callable, got {callback!r}")
        with self._lock:
            key = self._next
            self._next += 1
            gone = lambda _ref, key=key: self.drop(key)  # noqa: E731
            keep: Listener | None = None
            ref: Callable[[], Any]
            if isinstance(callback, MethodType):
                ref = weakref.WeakMethod(callback, gone)
            else:
                keep = callback
                try:
                    ref = weakref.ref(callback, gone)
                except TypeError:  # a builtin cannot be referred to weakly; it holds no widget either
                    ref = _Strong(callback)
            self._refs[key] = ref
        return Subscription(self, key, keep)

    def holds(self, key: int) -> bool:
        with self._lock:
            ref = self._refs.get(key)
        return ref is not None and ref() is not None

    def drop(self, key: int) -> None:
        with self._lock:
            self._refs.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            refs = list(self._refs.values())
        return sum(ref() is not None for ref in refs)

    def notify(self, change: Change) -> None:
        """Call every live callback with ``change``. The write is already committed, so a failing
        callback must not look like a failed save: its error becomes a warning and the others run."""
        with self._lock:
            refs = list(self._refs.values())
        for ref in refs:
            callback = ref()
            if callback is None:
                continue
            try:
                callback(change)
            except Exception as exc:  # noqa: BLE001 - reported, the save itself succeeded
                warnings.warn(
                    f"the change callback {callback!r} failed after a saved {change.action}: {exc!r}",
                    RuntimeWarning,
                    stacklevel=3,
                )
