"""The earn form's promotion row: the campaign's promotions by name (``campaign_promos``, read in a
worker and kept for this earn screen), else the typed promotion id with a short note why.

While the list loads the typed id field stays there (a typed id still works; nothing waits for
the list: submitted meanwhile, the earn has no promotion unless an id was typed). When the list
comes, a choice replaces the field: "No promotion" first and the default. An answer for a
campaign that is no longer shown is kept for later, not shown. Names are shown literally.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Select, Static
from textual.widgets._select import SelectOverlay

from ...api import errors
from ..widgets import Field

if TYPE_CHECKING:
    from ...api.models import Promo

log = logging.getLogger("pos_tui.till")

NO_PROMO = "No promotion"
#: How long the list may take before the typed id is offered instead (seconds).
PROMOS_WAIT = 8.0


class PromoSelect(Select[str]):
    """A Select that says when the cashier chose an option (the same one again included)."""

    class Chosen(Message):
        pass

    def on_key(self, event: events.Key) -> None:
        """A digit on the closed list is not a campaign's number key: a cashier used to typing a
        promotion id would switch campaign. It opens the list, where the promotions are chosen."""
        if not self.expanded and event.character is not None and event.character.isdigit():
            event.stop()
            event.prevent_default()
            self.expanded = True
            self.notify("Choose the promotion by name: arrows, then Enter.", timeout=4)

    @on(SelectOverlay.UpdateSelection)
    def _chosen(self) -> None:
        # Runs before Select's own handler (which sets the value): say so once that is done.
        self.call_later(self.post_message, self.Chosen())


def why_not(exc: BaseException) -> str:
    """Why the list is not offered, in a few words (the row has little room)."""
    if isinstance(exc, TimeoutError):
        return "The list took too long"
    if isinstance(exc, errors.BadResponseError):
        return "The list could not be read"
    if isinstance(exc, errors.ApiError):
        return "The list was refused"
    return "The list is unavailable"


def labels(promos: list[Promo]) -> list[tuple[Content, str]]:
    """Each promotion's name on one line, literally; names that repeat also show their id."""
    names = [" ".join(p.label.split()) or p.id for p in promos]
    return [
        (Content(f"{name} (id {p.id})" if names.count(name) > 1 else name), p.id)
        for name, p in zip(names, promos, strict=True)
    ]


class PromoRow(Horizontal):
    #: "" (no campaign yet), "loading", "listed" (the choice) or "typed" (the id field).
    state = ""
    #: The campaign whose promotions the row is for.
    campaign_id = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cache: dict[str, list[Promo]] = {}

    def compose(self) -> ComposeResult:
        yield Label("Promotion id", classes="label", id="promo-label")
        yield PromoSelect([(NO_PROMO, "")], allow_blank=False, id="promo-choice", compact=True)
        yield Field(placeholder="optional", id="promo", compact=True)
        yield Static("", id="promo-note", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(PromoSelect).display = False
        self.query_one("#promo-note").display = False

    @property
    def value(self) -> str | None:
        """The promotion id to send (None: no promotion)."""
        if self.state == "listed":
            return self.query_one(PromoSelect).selection or None
        return self.query_one("#promo", Input).value.strip() or None

    def show_for(self, campaign_id: str) -> None:
        """Offer ``campaign_id``'s promotions: from this screen's cache, else read in a worker."""
        if campaign_id == self.campaign_id:
            return
        self.campaign_id = campaign_id
        if campaign_id in self._cache:
            self._offer(self._cache[campaign_id])
            return
        self._typed("Loading the promotions…", state="loading")
        self._load(campaign_id)

    @work(exclusive=True, group="earn-promos", exit_on_error=False)
    async def _load(self, campaign_id: str) -> None:
        api = self.app.services.api  # type: ignore[attr-defined]
        try:
            async with asyncio.timeout(PROMOS_WAIT):
                listed = await api.campaign_promos(campaign_id=campaign_id)
        except (errors.LoyaltyError, TimeoutError) as exc:
            reason = why_not(exc)
        except Exception as exc:  # never block the earn on the list: say so, keep the trace
            log.exception("reading the promotions of campaign %s", campaign_id)
            reason = why_not(exc)
        else:
            self._cache[campaign_id] = listed.promos
            if campaign_id == self.campaign_id:  # else: kept for when it is chosen again
                self._offer(listed.promos)
            return
        if campaign_id == self.campaign_id:
            self._typed(reason)
            self.campaign_id = ""  # not cached: choosing the campaign again reads it again

    def _typed(self, note: str, *, state: str = "typed") -> None:
        self.state = state
        self.query_one("#promo-label", Label).update("Promotion id")
        self.query_one(PromoSelect).display = False
        self.query_one("#promo", Input).display = True
        self._note(note)

    def _note(self, text: str) -> None:
        note = self.query_one("#promo-note", Static)
        note.update(text)
        note.display = bool(text)

    def _offer(self, promos: list[Promo]) -> None:
        field = self.query_one("#promo", Input)
        typed = field.value.strip()
        if not promos:
            self._typed("No promotions listed")
            return
        if typed and not any(p.id == typed for p in promos):
            self._typed("Typed id kept (not in the list)")
            return
        choice = self.query_one(PromoSelect)
        choice.set_options([(Content(NO_PROMO), ""), *labels(promos)])
        choice.value = typed
        was_typing = field.has_focus
        self.state = "listed"
        self.query_one("#promo-label", Label).update("Promotion")
        self._note("")
        field.display = False
        field.value = ""
        choice.display = True
        if was_typing:
            choice.focus()
