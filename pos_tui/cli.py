"""The ``pos-tui`` command. Heavy modules are imported inside each command, not at start-up.

Exit codes: 0 success (a write: confirmed); 1 the API refused (``error``, ``no_match``) or the
input is not an API response; 2 usage or settings; 3 a write's outcome is unknown; 4 an earn was
queued offline; 5 the server could not be reached or failed; 70 an unexpected error (its
traceback is in the log).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from typing import Any

log = logging.getLogger("pos_tui.cli")

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

    decode = commands.add_parser("decode", help="decode a response body and print it as the API's JSON")
    decode.add_argument("--call", required=True, help="the API's type, or a report's name")
    decode.add_argument(
        "--kind",
        choices=["points", "giftcard", "buyx", "events", "earned"],
        help="the campaign kind of a receipt (a gift-card spend and an earn-per-event redemption look alike)",
    )
    decode.add_argument("file", nargs="?", default="-", help="the body (default: standard input)")

    call = commands.add_parser("call", help="perform one call with the configured account")
    call.add_argument("call", help="the API's type, or a report's name")
    call.add_argument("fields", nargs="*", metavar="field=value")
    call.add_argument("--kind", choices=["points", "giftcard", "buyx", "events", "earned"])

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

    journal = commands.add_parser("journal", help="the write journal: list entries, or replay what is open")
    journal.add_argument("action", nargs="?", choices=["list", "replay"], default="list")
    journal.add_argument("--json", action="store_true", help="one JSON object per entry")

    sandbox = commands.add_parser("sandbox", help="serve the sandbox API over HTTP (training rooms, tests)")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8080)
    sandbox.add_argument("--db", help="the sandbox database (default: sandbox.db in the data dir)")
    sandbox.add_argument("--reset", action="store_true", help="recreate the demo data")
    sandbox.add_argument("--request-log", help="append one JSON line per request to this file")
    sandbox.add_argument("--faults", default="", help="e.g. 'record_activity:after_commit=0.2,*:delay=1'")
    sandbox.add_argument("--fault-seed", type=int, default=0)
    return parser


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
        print(f"pos-tui: {exc}", file=sys.stderr)
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
    _print_json(result.wire())
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
        if name in ("record_activity", "redeem", "batch_transactions"):
            return await _journaled_write(client, name, fields, kind)
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
    _print_json(result.wire())
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
    try:
        sandbox = open_sandbox(
            path,
            reset=args.reset,
            faults=args.faults,
            fault_seed=args.fault_seed,
            request_log=Path(args.request_log) if args.request_log else None,
        )
    except FaultSpecError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}", EXIT_USAGE) from None
    print(f"pos-tui sandbox: http://{args.host}:{args.port}/api.php  (database {path})", file=sys.stderr)
    serve(sandbox, args.host, args.port)
    return EXIT_OK


def _run_till(factory: Any, *, training: bool) -> int:
    """Show the till at once; settings and services load in a thread behind the first screen."""
    from .logs import setup_logging
    from .tui.app import PosApp

    setup_logging()

    def services() -> Any:
        from .settings import load_settings

        return factory(load_settings())

    app = PosApp(services, training=training)
    app.run()
    return app.return_code or EXIT_OK


async def _journaled_write(client: Any, name: str, fields: dict[str, str], kind: str | None) -> int:
    """A write through the journal: 0 confirmed, 1 refused, 3 outcome unknown, 5 not sent."""
    from pydantic import ValidationError

    from .api import errors
    from .api.requests import batch_from_fields, request_from_fields
    from .journal import CONFIRMED, NOT_SENT, QUEUED, REFUSED, CardBlocked, Journal, JournaledWriter
    from .paths import data_dir

    wanted = fields.get("campaign_id", "")
    if name == "batch_transactions" and kind is None:  # the first row's campaign tells the kind
        line = next((x for x in fields.get("Visits_Data", "").splitlines() if x.strip()), "")
        headers = [fields.get(f"visits_header_{n}", "") for n in range(1, 100)]
        sep = {"pipe": "|", "comma": ",", "tab": "\t"}.get(fields.get("delimiter", ""), "|")
        wanted = dict(zip(headers, line.strip().split(sep), strict=False)).get("campaign_id", "")
    if kind is None:
        try:
            campaigns = (await client.campaigns_list()).campaigns
        except errors.LoyaltyError as exc:
            raise CommandError(
                f"cannot tell the campaign's kind ({exc}); give --kind", EXIT_UNREACHABLE
            ) from None
        kind = next((c.type for c in campaigns if c.id == wanted), None)
        if kind is None:
            raise CommandError(f"unknown campaign_id {wanted!r}; give --kind", EXIT_USAGE)
    try:
        if name == "batch_transactions":
            request: Any = batch_from_fields(kind, fields)
        else:
            request = request_from_fields(name, kind, fields)
    except ValidationError as exc:
        problem = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(map(str, problem["loc"]))
        raise CommandError(f"invalid {where}: {problem['msg']}", EXIT_USAGE) from None
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    journal = Journal(data_dir() / "journal.db")
    try:
        writer = JournaledWriter(client, journal)
        await writer.replay()  # whatever a crash left in flight is settled first
        outcome = await (writer.batch(request) if name == "batch_transactions" else writer.submit(request))
    except CardBlocked as exc:
        raise CommandError(f"{exc}; run 'pos-tui journal replay'", EXIT_UNKNOWN) from None
    finally:
        journal.close()
    entry = outcome.entry
    if entry.state == CONFIRMED:
        # After a reconciliation the journal knows the transaction, not the receipt.
        body = dict(entry.response or {"status": "success"})
        body.update(journal=entry.ref, transaction_id=entry.transaction_id, reconciled=entry.response is None)
        _print_json(body)
        return EXIT_OK
    if entry.state == REFUSED:
        raise CommandError(f"refused: {entry.error}", EXIT_REFUSED)
    if entry.state == QUEUED:
        raise CommandError(
            f"queued offline (journal {entry.ref}): sent when the service answers ('pos-tui journal replay')",
            EXIT_QUEUED,
        )
    if entry.state == NOT_SENT:
        raise CommandError(f"not sent: {entry.error} (journal {entry.ref})", EXIT_UNREACHABLE)
    raise CommandError(
        f"outcome unknown (journal {entry.ref}): it may or may not have been recorded; "
        "do not repeat it, run 'pos-tui journal replay' when the service answers",
        EXIT_UNKNOWN,
    )


def cmd_journal(args: argparse.Namespace) -> int:
    from .cards import mask_card
    from .journal import Journal
    from .paths import data_dir

    path = data_dir() / "journal.db"
    if args.action == "replay":
        return asyncio.run(_replay(path))
    if not path.is_file():
        print("The journal is empty." if not args.json else "", end="\n" if not args.json else "")
        return EXIT_OK
    journal = Journal(path)
    try:
        for entry in journal.entries():
            if args.json:
                sys.stdout.write(json.dumps(entry.as_json(), ensure_ascii=False) + "\n")
            else:
                card = mask_card(entry.card.split(":", 1)[-1])
                print(
                    f"{entry.created}  {entry.ref}  {entry.call:15s} {card:8s} {entry.state:9s} "
                    f"tries={entry.attempts} tx={entry.transaction_id or '-'} {entry.error[:60]}"
                )
    finally:
        journal.close()
    return EXIT_OK


async def _replay(path: Any) -> int:
    from .journal import QUEUED, UNKNOWN, Journal, JournaledWriter
    from .logs import setup_logging
    from .services import client_from_settings
    from .settings import SettingsError

    setup_logging()
    try:
        client = client_from_settings(_settings())
    except SettingsError as exc:
        raise _settings_error(exc) from None
    journal = Journal(path)
    try:
        async with client:
            outcomes = await JournaledWriter(client, journal).replay()
        left = [o.entry for o in outcomes if o.entry.state == UNKNOWN]
        queued = [o.entry for o in outcomes if o.entry.state == QUEUED]
    finally:
        journal.close()
    print(f"{len(outcomes)} open entries replayed; {len(left)} still unknown, {len(queued)} still queued.")
    return EXIT_UNKNOWN if left else EXIT_QUEUED if queued else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    def factory(settings: Any) -> Any:
        from .services import demo_services

        return demo_services(settings, reset=not args.keep)

    return _run_till(factory, training=True)


def cmd_till(args: argparse.Namespace) -> int:
    def factory(settings: Any) -> Any:
        from .services import live_services

        return live_services(settings)

    return _run_till(factory, training=False)


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"{name}: {exc.strerror}", EXIT_USAGE) from None


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


_COMMANDS = {
    "decode": cmd_decode,
    "call": cmd_call,
    "demo": cmd_demo,
    "till": cmd_till,
    "sandbox": cmd_sandbox,
    "login": cmd_login,
    "logout": cmd_logout,
    "config": cmd_config,
    "journal": cmd_journal,
}
