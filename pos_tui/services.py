"""The one factory that turns settings into services; the CLI, the till and the tests all use it."""

from __future__ import annotations

from typing import Any

from .settings import Settings, SettingsError


def credentials_from_settings(settings: Settings) -> Any:
    from .api.client import Credentials

    missing = [
        name
        for name, value in (
            ("POS_TUI_USER_ID", settings.user_id),
            ("POS_TUI_ACCOUNT_ID", settings.account_id),
            ("POS_TUI_API_KEY", settings.api_key and settings.api_key.get_secret_value()),
        )
        if not value
    ]
    if missing:
        raise SettingsError("no credentials for the loyalty API: set " + ", ".join(missing))
    assert settings.api_key is not None
    return Credentials(
        settings.user_id,
        settings.account_id,
        settings.api_key,
        secret_kind=settings.secret_kind,
        in_header=settings.secret_in_header,
    )


def client_from_settings(settings: Settings, **kwargs: Any) -> Any:
    import httpx

    from .api.client import LoyaltyClient

    return LoyaltyClient(
        credentials_from_settings(settings),
        url=settings.api_url,
        output=settings.output,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.connect_timeout,
        ),
        **kwargs,
    )
