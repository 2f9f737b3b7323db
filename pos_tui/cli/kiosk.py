"""``pos-tui kiosk`` and ``pos-tui demo --kiosk``: the customer kiosk; ``--set-pin`` and ``--login``.

Exit codes: 0 closed with the manager PIN; 2 usage, settings, or an account the kiosk must not use;
70 a crash (after an "out of order" screen; the traceback is in the log) so the service restarts it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

EXIT_OK, EXIT_USAGE, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_CRASH = 0, 2, 1, 5, 70

OUT_OF_ORDER = "OUT OF ORDER\n\nPlease ask at the counter."


def add_arguments(kiosk: argparse.ArgumentParser) -> None:
    kiosk.add_argument("--set-pin", action="store_true", help="set the manager PIN that closes the kiosk")
    kiosk.add_argument("--pin-stdin", action="store_true", help="with --set-pin: read the PIN from stdin")
    kiosk.add_argument(
        "--login",
        action="store_true",
        help="store the kiosk's own read-only API user (secret in the keyring)",
    )
    kiosk.add_argument("--user-id", help="with --login: the kiosk's API user")
    kiosk.add_argument("--account-id", help="with --login: the account (default: the configured one)")
    kiosk.add_argument(
        "--password-stdin", action="store_true", help="with --login: read the secret from stdin"
    )


def clean_environment() -> None:
    """No ``TEXTUAL_*`` variable reaches the kiosk: ``TEXTUAL_ALLOW_SIGNALS`` would let Ctrl+C/Z/\\
    send signals, others change the driver, take screenshots to disk or press keys."""
    for name in [n for n in os.environ if n.startswith("TEXTUAL_")]:
        del os.environ[name]


def cmd_kiosk(args: argparse.Namespace) -> int:
    from .common import CommandError

    if args.set_pin:
        return set_pin(args)
    if args.login:
        return login(args)
    settings = _settings()
    from ..till.kiosk import KioskOptions, KioskRefused

    try:
        factory = _live_factory(settings)
    except KioskRefused as exc:
        raise CommandError(f"the kiosk will not start: {exc}", EXIT_USAGE) from None
    return run_kiosk(factory, KioskOptions.from_settings(settings, training=False))


def cmd_demo_kiosk(args: argparse.Namespace) -> int:
    from ..till.kiosk import KioskOptions

    settings = _settings()

    def factory() -> Any:
        from ..config.paths import data_dir
        from ..services import demo_services

        return demo_services(settings, db_path=data_dir() / "kiosk-training.db", reset=not args.keep)

    return run_kiosk(factory, KioskOptions.from_settings(settings, training=True))


def run_kiosk(factory: Any, options: Any) -> int:
    from ..config.logs import setup_logging

    clean_environment()
    setup_logging()
    from ..tui.kiosk import KioskApp

    app = KioskApp(factory, options)
    try:
        app.run(mouse=False)
    except Exception:  # outside the app's own handler (start-up, shut-down): the same rule
        import logging

        logging.getLogger("pos_tui.till.kiosk").critical("the kiosk crashed", exc_info=True)
        app.crashed = True
    if app.crashed:
        out_of_order()
        return EXIT_CRASH
    return app.return_code or EXIT_OK


def out_of_order() -> None:
    """A plain screen for the customer while the service restarts the kiosk: no traceback, no
    customer; the screen and the scrollback are cleared first."""
    out = sys.__stdout__
    if out is None:
        return
    try:
        lines = OUT_OF_ORDER.splitlines()
        size = os.get_terminal_size(out.fileno()) if out.isatty() else os.terminal_size((80, 24))
        top = max(0, (size.lines - len(lines)) // 2)
        body = "\n".join(line.center(size.columns).rstrip() for line in lines)
        out.write("\x1b[0m\x1b[3J\x1b[2J\x1b[H" + "\n" * top + body + "\n")
        out.flush()
    except OSError:
        pass


def _settings() -> Any:
    from ..config.settings import SettingsError, load_settings
    from .common import CommandError

    try:
        return load_settings()
    except SettingsError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None


def _live_factory(settings: Any) -> Any:
    """Checks the kiosk's account before anything is drawn; the client is built behind the first screen."""
    from ..config.credentials import load_secret
    from ..till.kiosk import KioskRefused, check_kiosk_account

    check_kiosk_account(settings.user_id, settings.kiosk_user_id)
    if not settings.account_id:
        raise KioskRefused("no account is set up (account_id): run 'pos-tui kiosk --login'")
    kiosk_secret = settings.kiosk_api_key or load_secret(settings.account_id, settings.kiosk_user_id)
    if kiosk_secret is None:
        raise KioskRefused(
            f"no secret is stored for the kiosk user {settings.kiosk_user_id}: run 'pos-tui kiosk --login'"
        )
    till_secret = settings.api_key
    if till_secret is None and settings.user_id:
        till_secret = load_secret(settings.account_id, settings.user_id)
    check_kiosk_account(settings.user_id, settings.kiosk_user_id, till_secret, kiosk_secret)
    kiosk_settings = settings.model_copy(update={"user_id": settings.kiosk_user_id, "api_key": kiosk_secret})

    def factory() -> Any:
        from ..services import Services, client_from_settings

        return Services(api=client_from_settings(kiosk_settings))  # the kiosk's options are its own

    return factory


def set_pin(args: argparse.Namespace) -> int:
    import getpass

    from ..config.settings import update_settings_file
    from ..till.manager_pin import hash_pin, valid_pin
    from .common import CommandError

    _settings()  # a broken settings file is reported before anything is asked
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
        again = pin
    elif sys.stdin.isatty():
        pin = getpass.getpass("New manager PIN (4 to 12 digits, not shown): ")
        again = getpass.getpass("Again: ")
    else:
        raise CommandError("no terminal to ask for the PIN: use --pin-stdin", EXIT_USAGE)
    if pin != again:
        raise CommandError("the two PINs differ; nothing was saved", EXIT_USAGE)
    if not valid_pin(pin):
        raise CommandError("a manager PIN is 4 to 12 digits; nothing was saved", EXIT_USAGE)
    path = update_settings_file(kiosk_manager_pin_hash=hash_pin(pin))
    print(f"Manager PIN set (stored hashed with scrypt in {path}).")
    return EXIT_OK


def login(args: argparse.Namespace) -> int:
    """Store the kiosk's own API user: refused when it is the till's user or the till's secret."""
    import asyncio
    import getpass

    from pydantic import SecretStr

    from ..api import errors
    from ..config.credentials import KeyringUnavailable, check_keyring, load_secret, store_secret, verify
    from ..config.settings import update_settings_file
    from ..till.kiosk import KioskRefused, check_kiosk_account
    from .common import CommandError

    settings = _settings()
    account = args.account_id or settings.account_id
    if not account:
        raise CommandError("give --account-id (the account the kiosk shows balances of)", EXIT_USAGE)
    try:
        check_keyring()
    except KeyringUnavailable as exc:
        raise CommandError(f"cannot log in: {exc}", EXIT_USAGE) from None
    user = args.user_id or (input("Kiosk user id (read-only): ").strip() if sys.stdin.isatty() else "")
    if args.password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        secret = getpass.getpass("The kiosk user's password or API key (not shown): ")
    else:
        raise CommandError("no terminal to ask for the secret: use --password-stdin", EXIT_USAGE)
    if not (user and secret):
        raise CommandError("give the kiosk's user id and secret; nothing was saved", EXIT_USAGE)
    till_secret = settings.api_key or (load_secret(account, settings.user_id) if settings.user_id else None)
    try:
        check_kiosk_account(settings.user_id, user, till_secret, SecretStr(secret))
    except KioskRefused as exc:
        raise CommandError(f"{exc}; nothing was saved", EXIT_USAGE) from None
    try:
        asyncio.run(verify(settings.api_url, user, account, SecretStr(secret), settings.secret_kind))
    except errors.AuthenticationError:
        raise CommandError(
            "refused: the service rejected these credentials; nothing was saved", EXIT_REFUSED
        ) from None
    except errors.LoyaltyError as exc:
        raise CommandError(
            f"could not check the credentials ({exc}); nothing was saved", EXIT_UNREACHABLE
        ) from None
    store_secret(account, user, SecretStr(secret))
    path = update_settings_file(kiosk_user_id=user, account_id=account)
    print(f"The kiosk will use {user} on {account}; its secret is in the keyring, {path} holds the rest.")
    return EXIT_OK
