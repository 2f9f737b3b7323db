"""A yes/no question that shows exactly what will happen (voids)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..widgets import KeyFooter, PendingBadge, TrainingBanner


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, do it"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("enter", "enter", show=False),
    ]

    def __init__(self, question: str, details: str) -> None:
        super().__init__()
        self.question = question
        self.details = details

    def compose(self) -> ComposeResult:
        if getattr(self.app, "training", False):
            yield TrainingBanner()
        with Vertical(id="confirm", classes="panel"):
            yield Static(self.question, classes="title", markup=False)
            yield Static(self.details, id="confirm-details", markup=False)
            yield Static("Y: yes — N or Escape: no", id="confirm-hint", classes="hint")
        yield PendingBadge()
        yield KeyFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_enter(self) -> None:
        """Enter never answers: ``Enter Enter`` must not void before anyone reads the question."""
        self.query_one("#confirm-hint", Static).update("Press Y to confirm, or N / Escape for no.")
