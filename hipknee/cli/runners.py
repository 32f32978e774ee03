"""Commands about the runners in a log: ``runner add``, ``runner list`` and ``runner set``.

Values are checked by the athlete record itself, so a bad one is answered with the record's own
one-line error (field, value, what is allowed). ``none`` clears the painful side or body mass.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import ValidationError
from ..records.model import Athlete
from ..store import Store
from ..store import locations as paths
from .options import data_option, open_store

__all__ = ["describe", "register"]

_CLEAR = "none"


def _optional(value: str | None) -> str | None:
    """An option's text, with ``none`` meaning no value."""
    return None if value is not None and value.strip().lower() == _CLEAR else value


def _mass(value: str | None) -> float | str | None:
    """``--body-mass`` as a number of kg (``none`` clears it); text that is no number goes on to
    the record, whose error says what is allowed."""
    value = _optional(value)
    if value is None:
        return None
    try:
        return float(value.replace(",", ".", 1) if value.count(",") == 1 and "." not in value else value)
    except ValueError:
        return value


def _details(p: argparse.ArgumentParser, *, clearing: bool) -> None:
    extra = " ('none' clears it)" if clearing else ""
    p.add_argument("--painful-side", metavar="SIDE", default=None,
                   help=f"the knee that hurts, left or right: her LSI compares it with the other side{extra}")
    p.add_argument("--body-mass", metavar="KG", default=None, help=f"body mass in kg{extra}")
    p.add_argument("--timezone", metavar="ZONE", default=None,
                   help="the IANA time zone her runs are shown in, e.g. Europe/Berlin (default: this machine's)")


def describe(row: Any) -> str:
    """'painful side: left, body mass: 61 kg, time zone: Europe/Berlin' for an athlete row or record."""
    side = getattr(row, "involved_side", None)
    mass = getattr(row, "body_mass_kg", None)
    return ", ".join([
        f"painful side: {side if isinstance(side, str) else 'not set'}",
        f"body mass: {f'{float(mass):g} kg' if mass is not None and mass == mass else 'not set'}",
        f"time zone: {row.timezone}",
    ])


# -- runner add ------------------------------------------------------------------------------
def _run_add(args: argparse.Namespace) -> int:
    values = {"name": args.name, "involved_side": _optional(args.painful_side),
              "body_mass_kg": _mass(args.body_mass), "timezone": args.timezone}
    athlete = Athlete.validate({k: v for k, v in values.items() if v is not None})
    with open_store(args, create=True) as store:
        store.add(athlete)
    print(f"added runner {athlete.name} ({describe(athlete)})")
    return 0


# -- runner list -----------------------------------------------------------------------------
def _run_list(args: argparse.Namespace) -> int:
    if not paths.db_path(args.data).is_file():  # listing makes no store
        print("no runners yet: add one with `hipknee runner add NAME` (or import with --athlete NAME)")
        return 0
    with open_store(args) as store:
        athletes = store.athletes()
        runs = store.runs(columns=["athlete"])["athlete"].astype(object).value_counts()
    if athletes.empty:
        print("no runners yet: add one with `hipknee runner add NAME` (or import with --athlete NAME)")
        return 0
    rows = [("RUNNER", "PAINFUL SIDE", "BODY MASS", "TIME ZONE", "RUNS")]
    for row in athletes.itertuples():
        mass = "" if row.body_mass_kg != row.body_mass_kg else f"{row.body_mass_kg:g} kg"
        side = row.involved_side if isinstance(row.involved_side, str) else ""
        rows.append((row.name, side, mass, row.timezone, str(int(runs.get(row.name, 0)))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    return 0


# -- runner set ------------------------------------------------------------------------------
def _run_set(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    if args.new_name is not None:
        changes["name"] = args.new_name
    if args.painful_side is not None:
        changes["involved_side"] = _optional(args.painful_side)
    if args.body_mass is not None:
        changes["body_mass_kg"] = _mass(args.body_mass)
    if args.timezone is not None:
        changes["timezone"] = args.timezone
    if not changes:
        raise ValidationError("options", None, "at least one of --name, --painful-side, --body-mass, --timezone",
                              record="runner set")
    with open_store(args) as store:
        id = _athlete_id(store, args.name)
        store.update("athlete", id, **changes)
        athlete = store.get("athlete", id)
    assert isinstance(athlete, Athlete)  # what store.get gives for an athlete's id
    print(f"runner {athlete.name}: {describe(athlete)}")
    if "timezone" in changes:
        print("  times already in the log stay as they are; runs added from now on are placed in this zone")
    return 0


def _athlete_id(store: Store, name: str) -> int:
    athletes = store.athletes()
    found = athletes.loc[athletes["name"] == name, "id"]
    if found.empty:
        names = ", ".join(athletes["name"]) or "none yet"
        raise ValidationError("name", name, f"a runner in the store: {names}", record="runner")
    return int(found.iloc[0])


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``runner add``, ``runner list`` and ``runner set`` to the ``hipknee`` parser."""
    runner = sub.add_parser("runner", help="add, list and change the runners in the log")
    commands = runner.add_subparsers(dest="runner_command", required=True, metavar="COMMAND")

    p = commands.add_parser("add", help="add a runner")
    p.add_argument("name", metavar="NAME", help="her name (unique in the log)")
    _details(p, clearing=False)
    data_option(p)
    p.set_defaults(handler=_run_add)

    p = commands.add_parser("list", help="the runners, with their details and how many runs each has")
    data_option(p)
    p.set_defaults(handler=_run_list)

    p = commands.add_parser("set", help="change a runner's name, painful side, body mass or time zone")
    p.add_argument("name", metavar="NAME", help="the runner to change")
    p.add_argument("--name", dest="new_name", metavar="NEW", default=None, help="a new name")
    _details(p, clearing=True)
    data_option(p)
    p.set_defaults(handler=_run_set)
