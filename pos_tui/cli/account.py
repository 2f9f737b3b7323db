"""``pos-tui login``, ``pos-tui logout`` and ``pos-tui config``: the account and the settings."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from .common import EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, CommandError, load_settings_or_exit


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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


def cmd_login(args: argparse.Namespace) -> int:
    import getpass

    from pydantic import SecretStr

    from ..api import errors
    from ..config.credentials import KeyringUnavailable, check_keyring, store_secret, verify
    from ..config.logs import setup_logging
    from ..config.settings import update_settings_file

    settings = load_settings_or_exit()
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
    from ..config.credentials import KeyringUnavailable, delete_secret
    from ..config.settings import update_settings_file

    settings = load_settings_or_exit()
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
    from ..config.credentials import KeyringUnavailable, check_keyring, load_secret
    from ..config.logs import log_path
    from ..config.paths import config_path, data_dir
    from ..config.settings import sources

    settings = load_settings_or_exit()
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
