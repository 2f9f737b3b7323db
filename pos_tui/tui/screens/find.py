"""Find a customer without a card: by phone, name or e-mail (space: all words; comma: either)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static

from ...api import errors
from ...api import models as m
from ..widgets import Field, literal
from ..wording import explain
from .base import TillScreen


class FindScreen(TillScreen):
    TITLE = "Find a customer"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def compose_body(self) -> ComposeResult:
        yield Field(placeholder="Phone, name or e-mail, then Enter", id="query")
        yield Static("", id="found", classes="hint", markup=False)
        table: DataTable[str] = DataTable(id="matches", cursor_type="row", zebra_stripes=True)
        yield table

    def on_mount(self) -> None:
        self.query_one("#matches", DataTable).add_columns("Name", "Card", "Phone", "E-mail", "City")
        self.matches: list[m.FoundCustomer] = []
        self.query_one("#query", Input).focus()

    @on(Input.Submitted, "#query")
    def search(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.find(event.value.strip())

    @work(exclusive=True, group="find", exit_on_error=False)
    async def find(self, text: str) -> None:
        busy = self.till.start_busy(f"Searching for {text}…")
        table = self.query_one("#matches", DataTable)
        try:
            result = await self.till.services.api.customer_find(text)
            self.matches = result.customers
        except errors.NoMatchError:
            self.matches = []
        except errors.LoyaltyError as exc:
            self.notify(explain(exc)[0], severity="error")
            return
        finally:
            self.till.end_busy(busy)
        table.clear()
        for c in self.matches:
            table.add_row(*literal(c.name, c.card_number, c.phone, c.email, c.city))
        found = len(self.matches)
        self.query_one("#found", Static).update(
            f"{found} found — choose with the arrows and Enter" if found else f"Nobody matches “{text}”."
        )
        if found:
            table.focus()

    @on(DataTable.RowSelected, "#matches")
    def chosen(self, event: DataTable.RowSelected) -> None:
        customer = self.matches[event.cursor_row]
        self.till.open_customer(code=customer.unique_code, card_number=customer.card_number)

    def action_back(self) -> None:
        self.app.pop_screen()
