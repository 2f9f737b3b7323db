"""The shared base of Earn and Redeem: the campaign choice (number keys 1–9, arrows stay in the
list), the note row, the error line, submit (Enter/F10, a second confirmation above a limit) and
cancel. Business rules live in plain modules (``amounts``, ``redemption``)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..widgets import Field
from .base import WriteScreen


class CampaignForm(WriteScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "confirm", "Confirm (Enter)"),
        Binding("escape", "cancel", "Cancel"),
        *[Binding(str(n), f"pick({n})", "Campaign", key_display="1-9", show=n == 1) for n in range(1, 10)],
    ]
    #: The campaign objects, in the order of the list (``id``, ``name``, ``type``, ``currency``).
    choices: list[Any]
    #: Keys typed before the campaign is chosen and its field focused wait (``welcome_keys``).
    accepts_keys = False

    def compose_campaign_row(self, entries: list[tuple[str, str]] | None = None) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Campaign", classes="label")
            yield OptionList(
                *self.numbered(entries or []), id="campaign", classes="choices", markup=False, compact=True
            )

    def compose_note_row(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("Note", classes="label")
            yield Field(placeholder="optional, printed on the receipt", id="note", compact=True)

    @staticmethod
    def numbered(entries: list[tuple[str, str]]) -> list[Option]:
        return [
            Option(f"{n}  {label}" if n <= 9 else f"   {label}", id=value)
            for n, (label, value) in enumerate(entries, start=1)
        ]

    def set_campaigns(self, entries: list[tuple[str, str]]) -> None:
        choices = self.query_one("#campaign", OptionList)
        choices.clear_options()
        choices.add_options(self.numbered(entries))

    @property
    def campaign(self) -> Any:
        choices = self.query_one("#campaign", OptionList)
        if choices.highlighted is None or choices.highlighted >= choices.option_count:
            return None
        value = choices.get_option_at_index(choices.highlighted).id
        return next((c for c in self.choices if c.id == value), None)

    def highlight(self, campaign_id: str) -> bool:
        ids = [c.id for c in self.choices]
        if campaign_id not in ids:
            return False
        self.query_one("#campaign", OptionList).highlighted = ids.index(campaign_id)
        return True

    def action_pick(self, number: int) -> None:
        choices = self.query_one("#campaign", OptionList)
        if number > choices.option_count:
            self.notify(f"There is no campaign {number}.", severity="warning")
            return
        choices.highlighted = number - 1
        self.show_campaign(self.campaign, focus=True)

    @on(OptionList.OptionHighlighted, "#campaign")
    def _campaign_highlighted(self) -> None:
        if self.composed:  # arrows move in the list; the focus stays there
            self.show_campaign(self.campaign, focus=False)

    @on(OptionList.OptionSelected, "#campaign")
    def _campaign_selected(self) -> None:
        self.show_campaign(self.campaign, focus=True)

    def show_campaign(self, campaign: Any, *, focus: bool) -> None:
        """Lay the form out for ``campaign``; move the focus to its first field only if ``focus``."""
        raise NotImplementedError

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_confirm()

    @property
    def note(self) -> str:
        return self.query_one("#note", Input).value.strip()

    def action_cancel(self) -> None:
        if self.sending:
            self.notify("Wait: the transaction is being sent.", severity="warning")
            return
        self.app.pop_screen()

    def compose_error(self) -> ComposeResult:
        yield Static("", id="error", classes="error", markup=False)
