"""``pos-tui serve``: the training room (``pos-tui demo`` in browsers). Body of the command only;
the room itself is ``pos_tui/training/room.py``. Heavy imports happen when the command runs."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from .common import EXIT_OK, EXIT_USAGE, CommandError


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser(
        "serve", help="a training room: the demo till in browsers, one fresh sandbox per trainee"
    )
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--password-file",
        help="a file whose first line is the room password (required beyond loopback)",
    )
    serve.add_argument("--max-sessions", type=int, default=12, help="training tills at once (default 12)")


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def read_password(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            password = handle.readline().rstrip("\r\n")
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}", EXIT_USAGE) from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a text file", EXIT_USAGE) from None
    if not password.strip():
        raise CommandError(f"{path}: the first line (the room password) is empty", EXIT_USAGE)
    return password


def cmd_serve(args: argparse.Namespace) -> int:
    if not 1 <= args.max_sessions <= 500:
        raise CommandError("--max-sessions must be between 1 and 500", EXIT_USAGE)
    if not 0 <= args.port <= 65535:
        raise CommandError("--port must be between 0 and 65535", EXIT_USAGE)
    password = read_password(args.password_file) if args.password_file else None
    if password is None and not is_loopback(args.host):
        raise CommandError(
            f"refusing to listen on {args.host} without a room password: give --password-file FILE "
            "(only 127.0.0.1, ::1 and localhost are served without one)",
            EXIT_USAGE,
        )
    try:
        from ..training.room import TrainingRoom
    except ImportError as exc:
        raise CommandError(
            f"the training room needs textual-serve ({exc.name} cannot be imported): "
            "pip install 'pos-tui[serve]' (in a checkout: pip install -e '.[serve]')",
            EXIT_USAGE,
        ) from None
    import logging

    from ..config.logs import setup_logging

    if setup_logging():  # textual-serve's and aiohttp's messages go to our log, not the terminal
        ours = logging.getLogger("pos_tui")
        for name in ("textual-serve", "aiohttp"):
            library = logging.getLogger(name)
            for handler in ours.handlers:
                library.addHandler(handler)
            library.setLevel(logging.INFO)
            library.propagate = False
    room = TrainingRoom(host=args.host, port=args.port, password=password, max_sessions=args.max_sessions)
    try:
        room.serve()
    except OSError as exc:
        raise CommandError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", EXIT_USAGE
        ) from None
    print("pos-tui serve: the training room is closed; every session's data is removed.", file=sys.stderr)
    return EXIT_OK
