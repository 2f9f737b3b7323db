"""First run with nothing configured: the account, checked with a real call, secret to the keyring."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Static

from ..widgets import Field
from .base import TillScreen


class SetupScreen(TillScreen):
    TITLE = "Set up this till"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "save", "Check and save (Enter)"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self, reason: str, *, api_url: str, user_id: str = "", account_id: str = "") -> None:
        super().__init__()
        self.reason = reason
        self.defaults = {"api_url": api_url, "user_id": user_id, "account_id": account_id}
        self.saving = False

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="panel form"):
            yield Static(self.reason, id="reason", classes="hint", markup=False)
            for key, label in (
                ("api_url", "API address"),
                ("user_id", "User id"),
                ("account_id", "Account id"),
            ):
                with Horizontal(classes="row"):
                    yield Label(label, classes="label")
                    yield Field(self.defaults[key], id=key)
            with Horizontal(classes="row"):
                yield Label("Password or key", classes="label")
                yield Field(password=True, id="secret", placeholder="kept in the system keyring only")
            with Horizontal(classes="row"):
                yield Label("", classes="label")
                yield Checkbox("It is an API key (sent as user_api_key)", id="kind")
            yield Static("", id="error", classes="error", markup=False)

    def on_mount(self) -> None:
        self._ready()

    def _ready(self) -> None:
        first_empty = next((f for f in ("user_id", "account_id", "secret") if not self.value(f)), "secret")
        self.query_one(f"#{first_empty}", Input).focus()

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        missing = [name for name in ("api_url", "user_id", "account_id", "secret") if not self.value(name)]
        if missing:
            self.query_one("#error", Static).update(f"Fill in {missing[0].replace('_', ' ')}.")
            self.query_one(f"#{missing[0]}", Input).focus()
            return
        self.saving = True
        self.save()

    @work(exclusive=True, group="setup", exit_on_error=False)
    async def save(self) -> None:
        from pydantic import SecretStr

        from ...api import errors
        from ...config.credentials import KeyringUnavailable, check_keyring, store_secret, verify
        from ...config.settings import update_settings_file
        from ..wording import explain

        error = self.query_one("#error", Static)
        secret = SecretStr(self.query_one("#secret", Input).value)
        kind = "api_key" if self.query_one("#kind", Checkbox).value else "password"
        user_id, account_id, url = self.value("user_id"), self.value("account_id"), self.value("api_url")
        busy = self.till.start_busy("Checking the keyring…")
        try:
            await _thread(check_keyring)
            self.till.relabel_busy(busy, "Checking the account with the loyalty service…")
            business = await verify(url, user_id, account_id, secret, kind)
            self.till.relabel_busy(busy, "Saving…")
            await _thread(store_secret, account_id, user_id, secret)
            await _thread(
                update_settings_file, api_url=url, user_id=user_id, account_id=account_id, secret_kind=kind
            )
        except KeyringUnavailable as exc:
            error.update(str(exc))
            return
        except errors.LoyaltyError as exc:
            error.update(explain(exc)[0] + " Nothing was saved.")
            return
        finally:
            self.saving = False
            self.till.end_busy(busy)
        self.notify(f"Set up for {business}.")
        self.dismiss(True)


async def _thread(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Blocking work (keyring over D-Bus, the settings file) off the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)
