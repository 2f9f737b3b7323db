"""``ManagerPinScreen``: a modal that asks for the manager PIN and returns the approver (or None).

Reusable for anything a manager must approve (the manager area, voids, amounts over the store's
limit): ``await approve(app, action, detail)`` asks, checks in a thread (scrypt), records the
approval and returns the approver's name, or None when refused or cancelled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...till.manager_pin import Approvals, Locked, PinGate
from ..widgets import Field, KeyFooter, TrainingBanner


def gate_for(services: Any) -> PinGate:
    from ...config.settings import data_dir

    prefix = "training-" if services.options.training else ""
    return PinGate(
        stored=services.options.manager_pin_hash,
        state_path=Path(data_dir()) / f"{prefix}manager-pin.json",
        name=services.options.manager_name or "manager",
    )


def approvals_for(services: Any) -> Approvals:
    from ...config.settings import data_dir

    prefix = "training-" if services.options.training else ""
    return Approvals(Path(data_dir()) / f"{prefix}approvals.db")


class ManagerPinScreen(ModalScreen[str | None]):
    """Asks for the PIN; dismisses with the approver's name, or None (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    # Focused by Textual once the screen is composed: a Mount can come before the nested Input.
    AUTO_FOCUS = "#pin"

    def __init__(self, gate: PinGate, reason: str, *, training_pin: str = "") -> None:
        super().__init__()
        self.gate = gate
        self.reason = reason
        self.training_pin = training_pin
        self.checking = False

    def compose(self) -> ComposeResult:
        if getattr(self.app, "training", False):
            yield TrainingBanner()
        with Vertical(id="pin-box", classes="panel"):
            yield Static("Manager PIN", classes="title")
            yield Static(self.reason, id="pin-reason")
            yield Field(password=True, id="pin", placeholder="PIN", max_length=12, select_on_focus=False)
            left = self.gate.locked_for()
            yield Static(str(Locked(left)) if left else "", id="pin-error", classes="error")
            if self.training_pin:
                yield Static(f"Training: the manager PIN is {self.training_pin}", classes="hint")
            yield Static("Enter: approve — Escape: cancel", classes="hint")
        yield KeyFooter()

    def _show(self, text: str) -> None:
        self.query_one("#pin-error", Static).update(text)

    @on(Input.Submitted, "#pin")
    def _submitted(self, event: Input.Submitted) -> None:
        self._try(event.value)
        event.input.value = ""

    def on_key(self, event: events.Key) -> None:
        """A digit that reached the screen, not the field (typed before the field had the focus:
        a quick manager, a busy till), is the PIN's all the same."""
        field = self.query_one("#pin", Input)
        if not field.has_focus and event.character is not None and event.character.isdigit():
            event.stop()
            event.prevent_default()
            field.focus()
            field.insert_text_at_cursor(event.character)

    def take_scan(self, raw: str) -> bool:
        """Keys typed as fast as a card reader's are the PIN too (never a card lookup, never logged)."""
        self.query_one("#pin", Input).value = ""
        self._try(raw.strip().strip("%;?"))
        return True

    def _try(self, pin: str) -> None:
        if self.checking or not pin:
            return
        self.checking = True
        self.check(pin)

    @work(thread=True, exclusive=True, group="pin", exit_on_error=False)
    def check(self, pin: str) -> None:
        try:
            approver = self.gate.attempt(pin)
        except Locked as exc:
            self.app.call_from_thread(self._done, None, str(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self._done, None, f"The PIN state cannot be saved ({exc.strerror}).")
            return
        left = self.gate.tries_left()
        self.app.call_from_thread(self._done, approver, f"Wrong PIN: {left} tries left.")

    def _done(self, approver: str | None, problem: str) -> None:
        self.checking = False
        if approver is not None:
            self.dismiss(approver)
        else:
            self._show(problem)

    def action_cancel(self) -> None:
        self.dismiss(None)


async def approve(app: Any, action: str, detail: str) -> str | None:
    """Ask for the manager PIN (from a worker). The approver's name, recorded; or None.

    With no PIN configured (a live till before ``pos-tui manager-pin``) nothing is asked and the
    approval is recorded as ``(no PIN set)``.
    """
    services = app.services
    options = services.options
    gate = gate_for(services)
    if gate.configured:
        approver: str | None = await app.push_screen_wait(
            ManagerPinScreen(gate, detail, training_pin=options.training_pin if options.training else "")
        )
        if approver is None:
            return None
    else:
        approver = "(no PIN set)"
    import asyncio

    await asyncio.to_thread(approvals_for(services).record, approver, action, detail)
    return approver
