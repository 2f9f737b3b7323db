"""The account's secret lives in the system keyring, and nowhere else. Plain Python.

Stored under service ``pos-tui``, user ``<account_id>/<user_id>``. The settings file keeps only
who (user id, account id, which kind of secret); ``POS_TUI_API_KEY`` overrides for automation.
A machine without a usable keyring backend gets a clear refusal, never a plain-text fallback.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import SecretStr

SERVICE = "pos-tui"
log = logging.getLogger("pos_tui.config.credentials")

HOW_TO_GET_A_KEYRING = (
    "No usable system keyring was found, so the secret cannot be stored safely (it is never "
    "written to a file). On a desktop, unlock your login keyring. On a headless Linux till, run "
    "the till inside a D-Bus session with GNOME Keyring, for example:\n"
    "  sudo apt-get install gnome-keyring dbus\n"
    '  dbus-run-session -- sh -c \'echo -n "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock '
    "--components=secrets >/dev/null; pos-tui login; pos-tui'\n"
    "See 'Credentials' in the README. For automation, POS_TUI_USER_ID, POS_TUI_ACCOUNT_ID and "
    "POS_TUI_API_KEY may be set in the environment instead."
)


class KeyringUnavailable(Exception):
    """There is no keyring backend that can store a secret on this machine."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(HOW_TO_GET_A_KEYRING + (f"\n({detail})" if detail else ""))


def keyring_user(account_id: str, user_id: str) -> str:
    return f"{account_id}/{user_id}"


def _backend() -> Any:
    import keyring
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        raise KeyringUnavailable(f"keyring backend: {type(backend).__module__}")
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise KeyringUnavailable("no keyring backend is available")
    return backend


def check_keyring() -> str:
    """The name of the usable backend, or :class:`KeyringUnavailable`."""
    backend = _backend()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def load_secret(account_id: str, user_id: str) -> SecretStr | None:
    """The stored secret, or None (also when no keyring is usable: the caller says what to do)."""
    if not (account_id and user_id):
        return None
    try:
        secret = _backend().get_password(SERVICE, keyring_user(account_id, user_id))
    except KeyringUnavailable:
        return None
    except Exception as exc:  # a locked or broken keyring: log the kind, never the content
        log.warning("keyring read failed: %s", type(exc).__name__)
        return None
    return SecretStr(secret) if secret else None


def store_secret(account_id: str, user_id: str, secret: SecretStr) -> None:
    backend = _backend()
    try:
        backend.set_password(SERVICE, keyring_user(account_id, user_id), secret.get_secret_value())
    except Exception as exc:
        raise KeyringUnavailable(f"storing failed: {type(exc).__name__}") from None


def delete_secret(account_id: str, user_id: str) -> bool:
    """Remove the secret; True when there was one."""
    import keyring.errors

    backend = _backend()
    try:
        backend.delete_password(SERVICE, keyring_user(account_id, user_id))
    except keyring.errors.PasswordDeleteError:
        return False
    return True


async def verify(url: str, user_id: str, account_id: str, secret: SecretStr, secret_kind: str) -> str:
    """Make a real call with these credentials; the business name on success, else a LoyaltyError."""
    from ..api.client import Credentials, LoyaltyClient

    credentials = Credentials(
        user_id, account_id, secret, secret_kind="api_key" if secret_kind == "api_key" else "password"
    )
    async with LoyaltyClient(credentials, url=url) as api:
        info = await api.account_info()
    return info.account.business_name or account_id
