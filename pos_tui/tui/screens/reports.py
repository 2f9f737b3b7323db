"""Reports: customers_balances, customers_all, transactions_all in a table that stays fast at 100,000 rows.

Pages are fetched in a worker with a progress bar (Escape cancels; what arrived stays); the table
shows the first page as soon as it arrives. Filter as you type, ``s`` sorts by the underlined
column (←/→ choose it), Enter opens the row's customer in the till, Ctrl+E exports CSV.

The form shows the fields of the chosen report only, the ones ``pos-tui report`` takes: balances
take a campaign and ``coalition_balance`` (coalition points or stored value); customers and
transactions take a date range and a campaign, and customers the ``last`` ID of an earlier pull
(what changed since). Both build their parameters under ``reporting.check`` and ask through
``reporting.fetch``: the same request.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, ProgressBar, Select, Static

from ...api import errors
from ...till.reporting import CARD_COLUMN, COLUMNS, PAGE_SIZE, Table, check, fetch, liability, write_csv
from ..bigtable import BigTable
from ..widgets import Field
from ..wording import explain
from .base import TillScreen

REPORT_TITLES = {
    "customers_balances": "Balances",
    "customers_all": "Customers",
    "transactions_all": "Transactions",
}
COALITION_CHOICES = [
    ("This campaign", ""),
    ("Coalition points", "coalition_points"),
    ("Coalition stored value", "coalition_storedvalue"),
]
#: The fields each report takes (besides the campaign).
FIELDS = {
    "customers_balances": ("#report-coalition",),
    "customers_all": ("#report-start", "#report-end", "#report-delta"),
    "transactions_all": ("#report-start", "#report-end"),
}


class ReportsScreen(TillScreen):
    TITLE = "Manager — reports"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "fetch", "Fetch"),
        Binding("escape", "stop_or_back", "Cancel/Back"),
        Binding("ctrl+e", "export", "Export CSV"),
        Binding("slash", "filter", "Filter", show=False, priority=True),
    ]

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self.page_size = page_size
        self.table_data = Table("customers_balances", COLUMNS["customers_balances"])
        self.campaign_kinds: dict[str, str] = {}
        self.fetching = False
        #: What the last answer said beside its rows (``last``: where the next delta starts).
        self.notes: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="report-form"):
            yield Select(
                [(title, name) for name, title in REPORT_TITLES.items()],
                value="customers_balances",
                allow_blank=False,
                id="report-kind",
                compact=True,
            )
            yield Select([], prompt="Campaign", id="report-campaign", compact=True)
            yield Select(COALITION_CHOICES, value="", allow_blank=False, id="report-coalition", compact=True)
            yield Field(placeholder="from YYYY-MM-DD", id="report-start", compact=True)
            yield Field(placeholder="to YYYY-MM-DD", id="report-end", compact=True)
        with Horizontal(id="report-delta"):
            yield Static("Changed since ID", classes="report-label")
            yield Field(placeholder="last ID", id="report-last", restrict=r"\d*", compact=True)
            yield Static("from a pull's summary; 0 = all; no campaign", classes="report-hint")
        with Horizontal(id="report-progress"):
            yield ProgressBar(total=None, show_eta=False, id="report-bar")
            yield Static("F5 fetches the report.", id="report-status")
        yield Field(
            placeholder="/ Filter: type any part of a name, card, e-mail…", id="report-filter", compact=True
        )
        yield BigTable(COLUMNS["customers_balances"], id="report-table")
        yield Static("", id="report-summary")

    def on_mount(self) -> None:
        self._show_fields("customers_balances")
        self.load_campaigns()

    @on(Select.Changed, "#report-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self._show_fields(str(event.value))

    def _show_fields(self, report: str) -> None:
        for selector in ("#report-coalition", "#report-start", "#report-end", "#report-delta"):
            self.query_one(selector).display = selector in FIELDS[report]

    @work(exclusive=True, group="campaigns", exit_on_error=False)
    async def load_campaigns(self) -> None:
        try:
            answer = await self.till.services.api.campaigns_list()
        except errors.LoyaltyError as exc:
            self.query_one("#report-status", Static).update(explain(exc)[0])
            return
        campaigns = answer.campaigns
        self.campaign_kinds = {c.id: c.type for c in campaigns}
        select = self.query_one("#report-campaign", Select)
        select.set_options([(f"{c.name} ({c.type})", c.id) for c in campaigns])
        if campaigns:
            giftcards = [c.id for c in campaigns if c.type == "giftcard"]
            select.value = giftcards[0] if giftcards else campaigns[0].id

    # Fetch ---------------------------------------------------------------------------------------

    def params(self) -> dict[str, Any]:
        report = str(self.query_one("#report-kind", Select).value)
        campaign = self.query_one("#report-campaign", Select).selection  # None: no campaign
        campaign_id = "" if campaign is None else str(campaign)
        params: dict[str, Any] = {"report": report}
        if report == "customers_balances":
            if not campaign_id:
                raise ValueError("Choose a campaign first.")
            params["campaign_id"] = campaign_id
            coalition = str(self.query_one("#report-coalition", Select).value)
            if coalition:
                params["coalition_balance"] = coalition
        else:
            for key, selector in (("date_start", "#report-start"), ("date_end", "#report-end")):
                text = self.query_one(selector, Input).value.strip()
                if text:
                    try:
                        params[key] = date.fromisoformat(text)
                    except ValueError:
                        raise ValueError(f"Dates are YYYY-MM-DD, not {text!r}.") from None
            if campaign_id:
                params["selected_campaigns"] = [campaign_id]
        if report == "customers_all":
            last = self.query_one("#report-last", Input).value.strip()
            if last:
                if campaign_id:
                    raise ValueError(
                        "'Changed since' covers every campaign: choose no campaign (the blank "
                        "'Campaign' line) or clear the ID."
                    )
                params["last"] = last
        check(report, {k: v for k, v in params.items() if k != "report"})
        return params

    def action_fetch(self) -> None:
        try:
            params = self.params()
        except ValueError as exc:
            self.query_one("#report-status", Static).update(str(exc))
            return
        self.run_report(params)

    @work(exclusive=True, group="report", exit_on_error=False)
    async def run_report(self, params: dict[str, Any]) -> None:
        report = params.pop("report")
        table = self.query_one(BigTable)
        bar = self.query_one("#report-bar", ProgressBar)
        status = self.query_one("#report-status", Static)
        self.table_data = Table(report, COLUMNS[report])
        table.set_columns(COLUMNS[report])
        table.filter(self.query_one("#report-filter", Input).value)
        self.query_one("#report-summary", Static).update("")
        self.notes = {}
        self.fetching = True
        api = self.till.services.api
        expected: int | None = None
        if report == "customers_balances":
            expected = await self._customer_count(api)
        bar.update(total=expected, progress=0)
        status.update("Fetching… (Escape cancels)")
        pages = 0
        try:
            async for rows in fetch(api, report, params, page_size=self.page_size, notes=self.notes):
                pages += 1
                self.table_data.rows.extend(rows)
                table.add_rows(rows)
                bar.update(progress=len(self.table_data.rows))
                status.update(f"{len(self.table_data.rows):,} rows, page {pages}… (Escape cancels)")
            self.table_data.complete = True
            if not isinstance(self.focused, Input):
                table.focus()
            bar.update(total=len(self.table_data.rows) or 1, progress=len(self.table_data.rows) or 1)
            status.update(f"{len(self.table_data.rows):,} rows.")
        except errors.LoyaltyError as exc:
            status.update(f"Stopped after {len(self.table_data.rows):,} rows: {explain(exc)[0]}")
        finally:
            self.fetching = False
            self._summary(report, params)

    async def _customer_count(self, api: Any) -> int | None:
        """How many rows to expect at most (the account's customers), for the progress bar."""
        try:
            board = await api.dashboard(customer_count=True)
        except errors.LoyaltyError:
            return None
        totals = board.total_customers
        return int(totals.all_time) if totals is not None and totals.all_time is not None else None

    def _summary(self, report: str, params: dict[str, Any]) -> None:
        summary = self.query_one("#report-summary", Static)
        if report == "customers_all" and "last" in self.notes:
            summary.update(
                f"Next time, 'Changed since ID' {self.notes['last']} lists what changed after this pull."
            )
            return
        if report != "customers_balances":
            return
        coalition = params.get("coalition_balance")
        kind = self.campaign_kinds.get(params.get("campaign_id", ""), "")
        if coalition == "coalition_storedvalue":
            label = "Coalition gift-card liability"
        elif not coalition and kind == "giftcard":
            label = "Gift-card liability"
        else:
            return  # points: no money owed
        total: Decimal = liability(self.table_data)
        services = self.till.services
        user = f"{services.api.credentials.user_id}@{services.api.credentials.account_id}"
        partial = "" if self.table_data.complete else " (INCOMPLETE: the fetch was stopped)"
        summary.update(f"{label}: {total:,.2f} (API user {user}){partial}")

    def action_stop_or_back(self) -> None:
        if self.fetching:
            self.workers.cancel_group(self, "report")
            self.fetching = False
            self.query_one("#report-status", Static).update(
                f"Cancelled: {len(self.table_data.rows):,} rows fetched (incomplete)."
            )
            return
        self.app.pop_screen()

    # Table ---------------------------------------------------------------------------------------

    @on(Input.Changed, "#report-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.query_one(BigTable).filter(event.value)

    @on(Input.Submitted, "#report-filter")
    def _to_table(self) -> None:
        self.query_one(BigTable).focus()

    @on(Input.Submitted, "#report-start, #report-end, #report-last")
    def _submit(self) -> None:
        self.action_fetch()

    def action_filter(self) -> None:
        box = self.query_one("#report-filter", Input)
        if box.has_focus:
            box.insert_text_at_cursor("/")
        else:
            self.set_focus(box)  # at once: the keys that follow "/" are the filter's

    @on(BigTable.RowChosen)
    def _open(self, event: BigTable.RowChosen) -> None:
        card = event.row[self.table_data.index(CARD_COLUMN)]
        if not card:
            self.notify("That row has no card number.", severity="warning")
            return
        self.till.open_customer(card_number=card, over=True)  # Escape comes back here

    def action_export(self) -> None:
        if not self.table_data.rows:
            self.notify("Nothing to export yet: F5 fetches the report.", severity="warning")
            return
        self.export(self.query_one(BigTable).visible_rows())

    @work(thread=True, group="export", exit_on_error=False)
    def export(self, rows: list[tuple[str, ...]]) -> None:
        from ...config.settings import data_dir

        folder = Path(data_dir()) / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = self.till.clock().strftime("%Y%m%d-%H%M%S")
        path = folder / f"{self.table_data.report}-{stamp}.csv"
        try:
            count = write_csv(self.table_data, path, rows)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Export failed: {exc.strerror}", severity="error")
            return
        self.app.call_from_thread(self.notify, f"{count:,} rows exported to {path}", timeout=10)
