"""``pos-tui sandbox``: the sandbox API served over HTTP (training rooms, tests)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .common import EXIT_OK, EXIT_USAGE, CommandError

if TYPE_CHECKING:
    from ..sandbox.app import Sandbox


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sandbox = commands.add_parser("sandbox", help="serve the sandbox API over HTTP (training rooms, tests)")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8080)
    sandbox.add_argument("--db", help="the sandbox database (default: sandbox.db in the data dir)")
    sandbox.add_argument("--reset", action="store_true", help="recreate the demo data")
    sandbox.add_argument("--request-log", help="append one JSON line per request to this file")
    sandbox.add_argument("--faults", default="", help="e.g. 'record_activity:after_commit=0.2,*:delay=1'")
    sandbox.add_argument("--fault-seed", type=int, default=0)
    sandbox.add_argument(
        "--customers",
        type=int,
        default=300,
        help="generated customers with a history (with --reset or a new db)",
    )


def cmd_sandbox(args: argparse.Namespace) -> int:
    from ..config.logs import setup_logging
    from ..sandbox.app import serve

    setup_logging()
    sandbox = sandbox_from_args(args)
    url = f"http://{args.host}:{args.port}/api.php"
    print(f"pos-tui sandbox: {url}  (database {sandbox.ledger.path})", file=sys.stderr)
    serve(sandbox, args.host, args.port)
    return EXIT_OK


def sandbox_from_args(args: argparse.Namespace) -> Sandbox:
    """The sandbox the command's arguments describe, opened (and seeded if new or ``--reset``)."""
    from pathlib import Path

    from ..config.settings import data_dir
    from ..sandbox.app import open_sandbox
    from ..sandbox.faults import FaultSpecError

    path = Path(args.db) if args.db else data_dir() / "sandbox.db"
    if args.customers < 0:
        raise CommandError("--customers must be 0 or more", EXIT_USAGE)
    try:
        sandbox = open_sandbox(
            path,
            reset=args.reset,
            faults=args.faults,
            fault_seed=args.fault_seed,
            request_log=Path(args.request_log) if args.request_log else None,
            customers=args.customers,
        )
    except FaultSpecError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}", EXIT_USAGE) from None
    return sandbox
