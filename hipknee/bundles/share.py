"""Making a share bundle: one runner's log from her store, as one file for her coach."""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ..records import periods
from ..records.periods import period
from ..store import Store
from .format import Bundle, write_bundle

__all__ = ["bundle_download_link", "bundles_dir", "share_bundle"]


def share_bundle(
    store: Store,
    out: str | os.PathLike[str],
    *,
    athlete: str | None = None,
    start: Any = None,
    end: Any = None,
    include_private: bool = False,
) -> Bundle:
    """Write ``athlete``'s log (default: the store's only runner) to the bundle ``out``: her
    records from ``start`` to ``end`` (dates, end inclusive; default the whole log), deleted ones
    included so deletes reach the coach, and the exercises her sets use. Notes she marked private
    are sent empty unless ``include_private``. Returns the bundle written (see
    :mod:`hipknee.bundles.format`)."""
    names = store.athlete_names()
    if athlete is None:
        if len(names) != 1:
            allowed = ("a runner's name: " + ", ".join(names)) if names else "a store with a runner (add one first)"
            raise ValidationError("athlete", None, allowed)
        athlete = names[0]
    elif athlete not in names:
        raise ValidationError("athlete", athlete, "a runner in the store: " + (", ".join(names) or "none yet"))
    period(start, end)  # refuses what is no date, and an end before the start
    bounds = {"from": _day("start", start), "to": _day("end", end)}
    rows = store.portable_rows(athlete, start=start, end=end)
    if not include_private:
        rows = {kind: [_withheld(row) for row in found] for kind, found in rows.items()}
    me = rows["athlete"][0]
    manifest = {
        "sender": {"athlete": me["name"], "athlete_uid": me["uid"], "hipknee": _version()},
        "period": bounds,
        "private_notes": "included" if include_private else "withheld",
    }
    return write_bundle(rows, Path(out).expanduser(), manifest)


def bundles_dir(data: str | os.PathLike[str] | None = None) -> Path:
    """Where notebooks write bundles: ``DATA/bundles`` (inside the data folder, so git ignores it)."""
    from ..store.locations import data_dir

    return data_dir(data) / "bundles"


def bundle_download_link(bundle: Bundle) -> Any:
    """A link in a notebook that downloads ``bundle`` under its file name (the file is in the link
    itself, so it works in JupyterLab, Voila and a browser alike)."""
    import base64
    from html import escape

    from IPython.display import HTML

    payload = base64.b64encode(bundle.path.read_bytes()).decode("ascii")
    name = escape(bundle.path.name, quote=True)
    return HTML(f'<a class="hipknee-bundle-link" download="{name}" '
                f'href="data:application/zip;base64,{payload}">Download {escape(bundle.path.name)}</a>')


def _version() -> str:
    try:
        return metadata.version("hipknee")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def _withheld(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "note": ""} if row.get("note_private") else row


def _day(name: str, value: Any) -> str | None:
    """A period bound as an ISO date-time (or date) text for the manifest; ``None`` when open."""
    moment = periods.moment(name, value)
    if moment is None:
        return None
    return moment.date().isoformat() if moment == moment.normalize() else moment.isoformat()
