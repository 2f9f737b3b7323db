"""What every till screen has: the training banner, a title, the busy line and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from ..widgets import BusyLine, KeyFooter, PendingBadge, TrainingBanner

if TYPE_CHECKING:
    from pydantic import ValidationError

    from ..app import PosApp


def first_problem(exc: ValidationError) -> str:
    """A request model's first validation error, as the cashier reads it."""
    error = exc.errors(include_url=False, include_input=False)[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    names = {"amount": "Amount", "quantity": "Quantity", "customer": "Customer"}
    return f"{names.get(field, field.capitalize())}: {message}" if field else message


class TillScreen(Screen[Any]):
    TITLE = ""
    #: Set once the screen is mounted, with all it composed (tests wait for it).
    composed = False
    #: False while the screen sets up (its fields not there or not focused yet): the keys a person
    #: types meanwhile wait in the app's key pump, and go on, in order, once ``welcome_keys``.
    accepts_keys = True

    def welcome_keys(self) -> None:
        """Set-up is done: the keys typed while it ran go to the focused field now. Taken in turn
        on the app's queue, so a ``focus()`` the set-up asked for (also queued there) comes first:
        else a digit could reach the campaign list, whose number keys would eat it."""
        self.app.call_later(setattr, self, "accepts_keys", True)

    @property
    def till(self) -> PosApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        if self.till.training:
            yield TrainingBanner()
        yield Static(self.heading(), id="title", classes="title", markup=False)
        yield from self.compose_body()
        yield PendingBadge()
        yield BusyLine()
        yield KeyFooter()

    def heading(self) -> str:
        return self.TITLE

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Textual mounts every widget a screen composes, however deeply nested, before the
        # screen's own Mount (tests/test_till.py keeps that fact): a subclass's on_mount, which
        # runs before this one, can query and focus them straight away.
        self.composed = True

    def holds_card(self, number: str) -> bool:
        """Whether this screen is mid-transaction for that card (a re-scan must not wipe it)."""
        return False

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """Notifications show text from outside (names, server messages) literally."""
        self.app.notify(message, markup=markup, **kwargs)

    def set_heading(self, text: str) -> None:
        self.query_one("#title", Static).update(text)


class WriteScreen(TillScreen):
    """A form that sends one write: ``build()`` makes the request, ``_send()`` sends it in a worker
    on the app (leaving the screen never cancels it); one submit at a time."""

    sending = False

    def build(self) -> Any:
        raise NotImplementedError

    async def _send(self, request: Any) -> None:
        raise NotImplementedError

    def show_error(self, text: str) -> None:
        self.query_one("#error", Static).update(text)

    def action_confirm(self) -> None:
        from pydantic import ValidationError  # not at import: the first screen stays light

        if self.sending:
            return  # one submit per action
        try:
            request = self.build()
        except ValidationError as exc:
            self.show_error(first_problem(exc))
            return
        except ValueError as exc:
            self.show_error(str(exc))
            return
        question = self.second_question(request)
        if question is None:
            self._go(request)
            return
        from .confirm import ConfirmScreen

        self.show_error("")

        def answered(yes: bool | None) -> None:
            if yes:  # over the store's limit: the manager approves it too
                self.run_worker(self._approved(request, question[0]), group="approve", exit_on_error=False)

        self.app.push_screen(ConfirmScreen(*question), answered)

    async def _approved(self, request: Any, question: str) -> None:
        from .manager_pin import approve

        approver = await approve(self.app, "amount over the store's limit", question)
        if approver is not None:
            self.approver = approver
            self._go(request)

    def second_question(self, request: Any) -> tuple[str, str] | None:
        """(question, details) when the request needs a second confirmation (a large amount)."""
        return None

    #: The manager who approved this write (an amount over the store's limit), for the journal.
    approver = ""

    def _go(self, request: Any) -> None:
        if self.sending:
            return
        self.sending = True
        self.till.write_in_flight = True  # at once: a scan now must not open another customer
        self.show_error("")
        self.till.run_worker(self._sending(request), group="write", exit_on_error=False)

    async def _sending(self, request: Any) -> None:
        """The one place ``write_in_flight`` is cleared, whatever ``_send`` did."""
        try:
            await self._send(request)
        finally:
            self.till.write_in_flight = False
