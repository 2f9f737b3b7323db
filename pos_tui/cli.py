"""The ``pos-tui`` command. Heavy modules are imported inside each command, not at start-up.

Exit codes: 0 success (a write: confirmed); 1 the API refused (``error``, ``no_match``) or the
input is not an API response; 2 usage or settings; 3 a write's outcome is unknown; 4 an earn was
queued offline; 5 the server could not be reached or failed; 6 the printer failed; 70 an
unexpected error (its traceback is in the log).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
from collections.abc import Callable
from typing import Any

from .api.kinds import CAMPAIGN_KINDS

log = logging.getLogger("pos_tui.cli")
_C1 = re.compile("[\x7f-\x9f]")

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNKNOWN, EXIT_QUEUED, EXIT_UNREACHABLE, EXIT_BUG = (
    0,
    1,
    2,
    3,
    4,
    5,
    70,
)


class CommandError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pos-tui", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="the till in training mode on the embedded sandbox")
    demo.add_argument("--keep", action="store_true", help="keep the training data of the last run")
    demo.add_argument("--kiosk", action="store_true", help="the customer kiosk on the demo data")
    demo.add_argument("--manager", action="store_true", help="open the manager area (the PIN is shown)")
    demo.add_argument("--customers", type=int, default=300, help="generated customers in the training data")

    decode = commands.add_parser("decode", help="decode a response body and print it as the API's JSON")
    decode.add_argument("--call", required=True, help="the API's type, or a report's name")
    decode.add_argument(
        "--kind",
        choices=CAMPAIGN_KINDS,
        help="the campaign kind of a receipt (a gift-card spend and an earn-per-event redemption look alike)",
    )
    decode.add_argument("file", nargs="?", default="-", help="the body (default: standard input)")

    call = commands.add_parser("call", help="perform one call with the configured account")
    call.add_argument("call", help="the API's type, or a report's name")
    call.add_argument("fields", nargs="*", metavar="field=value")
    call.add_argument("--kind", choices=CAMPAIGN_KINDS)

    login = commands.add_parser(
        "login", help="store the account's credentials (secret in the system keyring)"
    )
    login.add_argument("--user-id")
    login.add_argument("--account-id")
    login.add_argument("--password-stdin", action="store_true", help="read the secret from standard input")
    login.add_argument(
        "--api-key", action="store_true", help="the secret is an API key (sent as user_api_key)"
    )
    login.add_argument("--api-url", help="the API address (default: the configured one)")
    commands.add_parser("logout", help="remove the stored credentials")
    commands.add_parser("config", help="show the effective settings, where each comes from, and the paths")

    from .cli_journal import add_parser as add_journal_parser

    add_journal_parser(commands)

    sandbox = commands.add_parser("sandbox", help="serve the sandbox API over HTTP (training rooms, tests)")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8080)
    sandbox.add_argument("--db", help="the sandbox database (default: sandbox.db in the data dir)")
    sandbox.add_argument("--reset", action="store_true", help="recreate the demo data")
    sandbox.add_argument("--request-log", help="append one JSON line per request to this file")
    sandbox.add_argument("--faults", default="", help="e.g. 'record_activity:after_commit=0.2,*:delay=1'")
    sandbox.add_argument("--fault-seed", type=int, default=0)
    printer = commands.add_parser("printer", help="the receipt printer: 'test' prints a test page")
    printer.add_argument("action", choices=["test"])
    printer.add_argument("--printer", help="this printer instead of the configured one (e.g. file:/tmp/x)")
    printer.add_argument("--width", type=int, choices=[32, 42, 48], help="columns (default: receipt_width)")
    printer.add_argument("--show", action="store_true", help="also write the page to standard output")

    from .cli_serve import add_parser as add_serve

    add_serve(commands)
    from .cli_kiosk import add_arguments

    add_arguments(commands.add_parser("kiosk", help="the customer kiosk (read-only, locked down)"))
    sandbox.add_argument(
        "--customers",
        type=int,
        default=300,
        help="generated customers with a history (with --reset or a new db)",
    )
    from .cli_manager import add_parsers as add_manager_parsers

    add_manager_parsers(commands)
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    from .cli_serve import cmd_serve as serve

    return serve(args)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = "till"
    try:
        _check_log_level()
        handler = _COMMANDS[args.command]
        return handler(args)
    except CommandError as exc:
        print(f"pos-tui: {_printable(str(exc))}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception:  # the last line of defence: a trace for the log, a sentence for the user
        from .logs import setup_logging

        path = setup_logging()
        log.exception("unexpected error in 'pos-tui %s'", args.command)
        where = f" (details in {path})" if path else ""
        print(f"pos-tui: unexpected error{where}", file=sys.stderr)
        return EXIT_BUG


def _check_log_level() -> None:
    from .logs import configured_level

    try:
        configured_level()
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None


def _settings_error(exc: Exception) -> CommandError:
    return CommandError(str(exc), EXIT_USAGE)


def cmd_decode(args: argparse.Namespace) -> int:
    from .api.calls import decode, spec_for
    from .api.errors import BadResponseError

    try:
        spec = spec_for(args.call)
    except KeyError as exc:
        raise CommandError(exc.args[0], EXIT_USAGE) from None
    body = _read_input(args.file)
    try:
        result = decode(spec, body, hint=args.kind)
    except BadResponseError as exc:
        raise CommandError(f"not an API response: {exc}", EXIT_REFUSED) from None
    print_json(result.wire())
    return EXIT_OK


def cmd_call(args: argparse.Namespace) -> int:
    from .api.calls import spec_for

    fields: dict[str, str] = {}
    for item in args.fields:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CommandError(f"expected field=value, got {item!r}", EXIT_USAGE)
        fields[name] = value
    try:
        spec_for(args.call, fields)
    except KeyError as exc:
        raise CommandError(exc.args[0], EXIT_USAGE) from None
    return asyncio.run(_call(args.call, fields, args.kind))


async def _call(name: str, fields: dict[str, str], kind: str | None) -> int:
    from .api import errors
    from .logs import setup_logging
    from .services import client_from_settings
    from .settings import SettingsError, load_settings

    setup_logging()
    try:
        settings = load_settings()
        client = client_from_settings(settings)
    except SettingsError as exc:
        raise _settings_error(exc) from None
    async with client:
        from .cli_journal import WRITES, journaled_write

        if name in WRITES:
            return await journaled_write(client, settings, name, fields, kind)
        try:
            result = await client.call(name, fields, hint=kind)
        except (errors.ApiError, errors.NoMatchError, errors.HTTPStatusRefusal) as exc:
            raise CommandError(f"refused: {exc}", EXIT_REFUSED) from None
        except errors.OutcomeUnknownError as exc:
            if exc.write:
                raise CommandError(f"outcome unknown: {exc}", EXIT_UNKNOWN) from None
            raise CommandError(str(exc), EXIT_UNREACHABLE) from None
        except (errors.NotSentError, errors.BadResponseError) as exc:
            raise CommandError(str(exc), EXIT_UNREACHABLE) from None
    print_json(result.wire())
    return EXIT_OK


def _settings() -> Any:
    from .settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise _settings_error(exc) from None


def cmd_login(args: argparse.Namespace) -> int:
    import getpass

    from pydantic import SecretStr

    from .api import errors
    from .credentials import KeyringUnavailable, check_keyring, store_secret, verify
    from .logs import setup_logging
    from .settings import update_settings_file

    settings = _settings()
    try:
        backend = check_keyring()  # before asking anything: nothing is written without a keyring
    except KeyringUnavailable as exc:
        raise CommandError(f"cannot log in: {exc}", EXIT_USAGE) from None
    setup_logging()
    interactive = sys.stdin.isatty() and not args.password_stdin
    user_id = args.user_id or (_ask("User id", settings.user_id) if interactive else "")
    account_id = args.account_id or (_ask("Account id", settings.account_id) if interactive else "")
    if not (user_id and account_id):
        raise CommandError(
            "give --user-id and --account-id (or run 'pos-tui login' in a terminal)", EXIT_USAGE
        )
    if args.password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    elif interactive:
        secret = getpass.getpass("Password or API key (not shown): ")
    else:
        raise CommandError("no terminal to ask for the secret: use --password-stdin", EXIT_USAGE)
    if not secret:
        raise CommandError("the secret is empty; nothing was saved", EXIT_USAGE)
    url = args.api_url or settings.api_url
    kind = "api_key" if args.api_key else settings.secret_kind
    try:
        business = asyncio.run(verify(url, user_id, account_id, SecretStr(secret), kind))
    except errors.AuthenticationError:
        raise CommandError(
            "refused: the loyalty service rejected these credentials; nothing was saved", EXIT_REFUSED
        ) from None
    except errors.LoyaltyError as exc:
        raise CommandError(
            f"could not check the credentials ({exc}); nothing was saved", EXIT_UNREACHABLE
        ) from None
    try:
        store_secret(account_id, user_id, SecretStr(secret))
    except KeyringUnavailable as exc:
        raise CommandError(f"cannot log in: {exc}", EXIT_USAGE) from None
    values: dict[str, Any] = {"user_id": user_id, "account_id": account_id, "secret_kind": kind}
    if args.api_url:
        values["api_url"] = args.api_url
    path = update_settings_file(**values)
    print(
        f"Logged in as {user_id} on {account_id} ({business}). The secret is in the keyring "
        f"({backend}); {path} holds the rest."
    )
    return EXIT_OK


def _ask(prompt: str, default: str) -> str:
    answer = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip()
    return answer or default


def cmd_logout(args: argparse.Namespace) -> int:
    from .credentials import KeyringUnavailable, delete_secret
    from .settings import update_settings_file

    settings = _settings()
    if not (settings.user_id and settings.account_id):
        print("No account is set up.")
        return EXIT_OK
    try:
        removed = delete_secret(settings.account_id, settings.user_id)
    except KeyringUnavailable as exc:
        raise CommandError(f"cannot reach the keyring: {exc}", EXIT_USAGE) from None
    update_settings_file(user_id=None)
    what = "secret removed from the keyring" if removed else "no secret was stored"
    print(f"Logged out {settings.user_id} on {settings.account_id}: {what}.")
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from .credentials import KeyringUnavailable, check_keyring, load_secret
    from .logs import log_path
    from .paths import config_path, data_dir
    from .settings import sources

    settings = _settings()
    origin = sources(settings)
    print(f"settings file: {config_path()}{'' if config_path().is_file() else ' (none yet)'}")
    print(f"data dir:      {data_dir()}")
    print(f"log:           {log_path()}")
    try:
        keyring_name = check_keyring()
    except KeyringUnavailable:
        keyring_name = "none usable (see 'Credentials' in the README)"
    print(f"keyring:       {keyring_name}")
    print()
    for name in type(settings).model_fields:
        if name == "api_key":
            continue
        print(f"{name:18s} = {getattr(settings, name)!s:40s} ({origin[name]})")
    if settings.api_key is not None:
        secret = f"********  ({origin['api_key']})"
    elif load_secret(settings.account_id, settings.user_id) is not None:
        secret = "********  (keyring)"
    else:
        secret = "not set"
    print(f"{'secret':18s} = {secret}")
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .logs import setup_logging
    from .sandbox.app import open_sandbox, serve
    from .sandbox.faults import FaultSpecError
    from .settings import data_dir

    setup_logging()
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
    print(f"pos-tui sandbox: http://{args.host}:{args.port}/api.php  (database {path})", file=sys.stderr)
    serve(sandbox, args.host, args.port)
    return EXIT_OK


def _run_till(factory: Any, *, training: bool, manager: bool = False) -> int:
    """Show the till at once; settings and services load in a thread behind the first screen."""
    from .logs import setup_logging
    from .tui.app import PosApp

    setup_logging()

    def services() -> Any:
        from .settings import load_settings

        return factory(load_settings())

    app = PosApp(services, training=training, manager=manager)
    app.run()
    return app.return_code or EXIT_OK


def cmd_journal(args: argparse.Namespace) -> int:
    from .cli_journal import cmd_journal as run

    return run(args)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.kiosk:
        from .cli_kiosk import cmd_demo_kiosk

        return cmd_demo_kiosk(args)

    def factory(settings: Any) -> Any:
        from .services import demo_services

        return demo_services(settings, reset=not args.keep, customers=max(0, args.customers))

    return _run_till(factory, training=True, manager=args.manager)


def cmd_kiosk(args: argparse.Namespace) -> int:
    from .cli_kiosk import cmd_kiosk as run

    return run(args)


def cmd_till(args: argparse.Namespace) -> int:
    def factory(settings: Any) -> Any:
        from .services import live_services

        return live_services(settings)

    return _run_till(factory, training=False)


def cmd_printer(args: argparse.Namespace) -> int:
    from .cli_printer import printer_command

    return printer_command(args)


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"{name}: {exc.strerror}", EXIT_USAGE) from None


def print_json(value: Any) -> None:
    """JSON for a terminal: every control character of the server's text escaped (JSON escapes
    those under 0x20 itself; DEL and the C1 controls, CSI among them, are escaped here)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def _printable(text: str) -> str:
    """Text from outside, for a terminal: control characters (escape sequences) removed."""
    return "".join(ch if ch.isprintable() or ch in " \n" else " " for ch in text)


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "decode": cmd_decode,
    "call": cmd_call,
    "demo": cmd_demo,
    "till": cmd_till,
    "sandbox": cmd_sandbox,
    "login": cmd_login,
    "logout": cmd_logout,
    "config": cmd_config,
    "journal": cmd_journal,
    "printer": cmd_printer,
    "serve": cmd_serve,
    "kiosk": cmd_kiosk,
    "report": lambda args: _manager_command("cmd_report", args),
    "manager-pin": lambda args: _manager_command("cmd_manager_pin", args),
}


def _manager_command(name: str, args: argparse.Namespace) -> int:
    from . import cli_manager

    return int(getattr(cli_manager, name)(args))
