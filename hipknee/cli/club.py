"""Commands that run a club on PostgreSQL: ``club init``, ``club add-coach``, ``club add-runner``
and ``club list``, run by the club's owner (a login with CREATEROLE). What each login may see is
enforced by the database (:mod:`hipknee.store.club`)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import OutputFileError, ValidationError
from ..records.model import Athlete
from ..store import Store, club
from ..store import locations as paths
from ..store.engine import parse_url, shown_url, without_password
from .options import path_arg, url_option


def _owner_store(args: argparse.Namespace) -> Store:
    """The club's database as its owner, tables made (or upgraded) if needed."""
    url = paths.store_url(args.url, None)
    if url is None or parse_url(url).get_backend_name() == "sqlite":
        raise ValidationError("--url", url, "a PostgreSQL URL (or $HIPKNEE_URL), e.g. "
                                            "postgresql+psycopg://owner@club.example.org:5432/club")
    return Store.open(url=url)


def _login_url(store: Store, role: str) -> str:
    """The URL a member sets as HIPKNEE_URL: the club's, with her login and no password."""
    return without_password(store.engine.url).set(username=role).render_as_string(hide_password=False)


def _pgpass_line(store: Store, role: str, password: str) -> str:
    url = store.engine.url
    fields = [url.host or "*", str(url.port or "*"), url.database or "*", role, password]
    return ":".join(f.replace("\\", "\\\\").replace(":", "\\:") for f in fields) + "\n"


def _password_file(args: argparse.Namespace, role: str) -> Path:
    target = args.password_file if args.password_file is not None else Path(f"{role}.pgpass")
    if target.exists():
        raise ValidationError("--password-file", str(target), "a file that does not exist yet (a login's password "
                                                               "is written once, never over another)")
    return target


def _write_secret(target: Path, line: str) -> None:
    """Write ``line`` to a new file only this user can read."""
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as fh:
            fh.write(line)
    except OSError as exc:
        raise OutputFileError(target, exc.strerror or str(exc)) from None


def _with_login(args: argparse.Namespace, store: Store, role: str, create) -> Path:  # noqa: ANN001 - a callable
    """Run ``create(password)`` with a new password written to the member's password file; the
    file is removed again if the database refuses."""
    target = _password_file(args, role)
    password = club.new_password()
    _write_secret(target, _pgpass_line(store, role, password))
    try:
        create(password)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _tell(name: str, store: Store, role: str, secret: Path) -> None:
    print(f"{name}'s password is in {secret} (readable by you only). {name} adds its line to ~/.pgpass "
          f"(chmod 600 ~/.pgpass) and sets")
    print(f"  HIPKNEE_URL={_login_url(store, role)}")


# -- init ------------------------------------------------------------------------------------
def _add_init(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="make the database at --url a club: tables, roles, row-level security")
    url_option(p)
    p.set_defaults(handler=_run_init)


def _run_init(args: argparse.Namespace) -> int:
    with _owner_store(args) as store:
        roles = club.install(store.engine, store.where)
        print(f"club ready at {store.where} (schema {store.schema_version}): runners' rows guarded by row-level "
              f"security (group roles {roles.runners}, {roles.coaches}, {roles.views})")
        print("next: hipknee club add-coach NAME, then hipknee club add-runner NAME --coach NAME")
    return 0


# -- add-coach / add-runner ------------------------------------------------------------------------
def _member_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--role", default=None, help="the login name (default: made from NAME, e.g. 'Zoë Li' -> zoe_li)")
    p.add_argument("--password-file", type=path_arg, default=None, metavar="FILE",
                   help="where to write the new login's ~/.pgpass line (default: ROLE.pgpass here)")
    url_option(p)


def _role(args: argparse.Namespace) -> str:
    return club.check_role(args.role if args.role is not None else club.role_for(args.name))


def _add_coach(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("add-coach", help="add a coach's login: she reads her runners' logs, private notes withheld")
    p.add_argument("name", metavar="NAME", help="the coach's name, e.g. Carla")
    _member_options(p)
    p.set_defaults(handler=_run_add_coach)


def _run_add_coach(args: argparse.Namespace) -> int:
    role = _role(args)
    with _owner_store(args) as store:
        secret = _with_login(args, store, role,
                             lambda pw: club.add_coach(store.engine, store.where, args.name, role=role, password=pw))
        print(f"coach {args.name.strip()} added: login {role}")
        _tell(args.name.strip(), store, role, secret)
    return 0


def _add_runner(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("add-runner", help="add a runner's login: she reads and writes her own log only")
    p.add_argument("name", metavar="NAME", help="the runner's name as the tracker shows it, e.g. Ana")
    p.add_argument("--coach", action="append", default=[], metavar="COACH",
                   help="a coach who follows her (name or login; repeat for several)")
    p.add_argument("--body-mass-kg", type=float, default=None, metavar="KG", help="body mass in kg")
    p.add_argument("--side", choices=("left", "right"), default=None, help="the painful (involved) knee")
    _member_options(p)
    p.set_defaults(handler=_run_add_runner)


def _run_add_runner(args: argparse.Namespace) -> int:
    role = _role(args)
    athlete = Athlete(name=args.name, body_mass_kg=args.body_mass_kg, involved_side=args.side)
    with _owner_store(args) as store:
        secret = _with_login(args, store, role, lambda pw: club.add_runner(
            store.engine, store.where, athlete, role=role, password=pw, coaches=args.coach))
        coached = f", followed by {', '.join(args.coach)}" if args.coach else ""
        print(f"runner {athlete.name} added: login {role}{coached}")
        _tell(athlete.name, store, role, secret)
    return 0


# -- list ------------------------------------------------------------------------------------
def _add_list(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="the club's logins: coaches and the runners they follow")
    url_option(p)
    p.set_defaults(handler=_run_list)


def _run_list(args: argparse.Namespace) -> int:
    with _owner_store(args) as store:
        found = club.members(store.engine, store.where)
    if not found:
        print(f"no members yet at {shown_url(store.url)}")
    for member in found:
        follows = ", ".join(member.follows) or "-"
        label = "follows" if member.kind == "coach" else "coached by"
        print(f"{member.kind:6}  {member.name:24}  login {member.role:20}  {label}: {follows}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``hipknee club ...`` to the ``hipknee`` parser."""
    p = sub.add_parser("club", help="run a club on PostgreSQL: init, add-coach, add-runner, list")
    inner = p.add_subparsers(dest="club_command", required=True, metavar="CLUB_COMMAND")
    _add_init(inner)
    _add_coach(inner)
    _add_runner(inner)
    _add_list(inner)
