"""The ``pos-tui`` command. Heavy modules are imported inside each command, not at start-up.

One module of this package per command, each with its parser and its body; this one dispatches.

Exit codes: 0 success (a write: confirmed); 1 the API refused (``error``, ``no_match``) or the
input is not an API response; 2 usage or settings; 3 a write's outcome is unknown; 4 an earn was
queued offline; 5 the server could not be reached or failed; 6 the printer failed; 70 an
unexpected error (its traceback is in the log).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from .common import EXIT_BUG, EXIT_USAGE, CommandError, print_json, printable

__all__ = ["EXIT_BUG", "build_parser", "main", "print_json", "run"]

log = logging.getLogger("pos_tui.cli")

#: Each command: (module of this package, function in it). Imported only when the command runs.
_COMMANDS: dict[str, tuple[str, str]] = {
    "decode": ("call", "cmd_decode"),
    "call": ("call", "cmd_call"),
    "demo": ("till", "cmd_demo"),
    "till": ("till", "cmd_till"),
    "sandbox": ("sandbox", "cmd_sandbox"),
    "login": ("account", "cmd_login"),
    "logout": ("account", "cmd_logout"),
    "config": ("account", "cmd_config"),
    "journal": ("journal", "cmd_journal"),
    "printer": ("printer", "printer_command"),
    "serve": ("serve", "cmd_serve"),
    "kiosk": ("kiosk", "cmd_kiosk"),
    "report": ("manager", "cmd_report"),
    "manager-pin": ("manager", "cmd_manager_pin"),
}


def build_parser() -> argparse.ArgumentParser:
    from . import account, call, journal, kiosk, manager, printer, sandbox, serve, till

    parser = argparse.ArgumentParser(prog="pos-tui", description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    till.add_parser(commands)
    call.add_parsers(commands)
    account.add_parsers(commands)
    journal.add_parser(commands)
    sandbox.add_parser(commands)
    printer.add_parser(commands)
    serve.add_parser(commands)
    kiosk.add_arguments(commands.add_parser("kiosk", help="the customer kiosk (read-only, locked down)"))
    manager.add_parsers(commands)
    return parser


#: Imported by our libraries whenever they are installed, never used by pos-tui: httpx imports its
#: own command line (click, pygments, rich.syntax: ~45 ms) whenever click is there, and uvicorn,
#: which the sandbox server needs, brings click; httpcore imports trio (~55 ms with attrs) to tell
#: trio from asyncio, and pos-tui runs on asyncio only.
UNUSED_IMPORTS = ("httpx._main", "trio")


def run() -> None:
    """``pos-tui`` and ``python -m pos_tui``: a process of its own. The unused imports are marked
    absent first (a None in ``sys.modules``: importing them fails at once, which both libraries
    handle as "not installed"); start-up is the cashier's. Tests that call :func:`main` in their
    own process keep their imports as they are."""
    for name in UNUSED_IMPORTS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "not installed"
    raise SystemExit(main())


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = "till"
    try:
        _check_log_level()
        module, function = _COMMANDS[args.command]
        handler = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return int(handler(args))
    except CommandError as exc:
        print(f"pos-tui: {printable(str(exc))}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): what it wanted it has
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except Exception:  # the last line of defence: a trace for the log, a sentence for the user
        from ..config.logs import setup_logging

        path = setup_logging()
        log.exception("unexpected error in 'pos-tui %s'", args.command)
        where = f" (details in {path})" if path else ""
        print(f"pos-tui: unexpected error{where}", file=sys.stderr)
        return EXIT_BUG


def _check_log_level() -> None:
    from ..config.logs import configured_level

    try:
        configured_level()
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
