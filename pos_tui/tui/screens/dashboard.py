"""The dashboard: every option of the API's ``dashboard`` call on one screen, refreshed in a worker."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from ...api import errors
from ...api.models.reports import CustomerTotals, TransactionTotals
from ...till.amounts import amount
from ..wording import explain
from .base import TillScreen

DAYS = 30
PERMISSIONS_NOTE = (
    "Figures depend on the API user's permissions: a user who sees fewer campaigns sees lower counts."
)


def _n(value: Decimal | None) -> str:
    return "-" if value is None else f"{int(value):,}" if value == value.to_integral_value() else str(value)


def per_day(days: list[Any], today: date, count: int = DAYS) -> list[float]:
    """Transactions per day for the last ``count`` days, oldest first, 0 where none."""
    by_day = {d.date: float(d.quantity or 0) for d in days if d.date is not None}
    return [by_day.get(today - timedelta(days=back), 0.0) for back in range(count - 1, -1, -1)]


class DashboardScreen(TillScreen):
    TITLE = "Manager — dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "refresh", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="dashboard"):
            yield Static(PERMISSIONS_NOTE, classes="hint", id="dash-note")
            yield Static("Loading…", id="dash-totals")
            yield VerticalScroll(id="dash-activity")
            yield Static("", id="dash-lists")

    def on_mount(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.refresh_dashboard()

    @work(exclusive=True, group="dashboard", exit_on_error=False)
    async def refresh_dashboard(self) -> None:
        busy = self.till.start_busy("Loading the dashboard…")
        try:
            board = await self.till.services.api.dashboard(
                most_active=5,
                customer_count=True,
                total_customers_this_month=True,
                total_transactions_this_month=True,
                active_campaigns_count=True,
                campaigns_per_day_activity=DAYS,
                last_X_transactions=5,
                last_X_customers=5,
            )
        except errors.LoyaltyError as exc:
            self.query_one("#dash-totals", Static).update(explain(exc)[0])
            return
        finally:
            self.till.end_busy(busy)
        await self.show(board)

    async def show(self, board: Any) -> None:
        c = board.total_customers or CustomerTotals()
        t = board.total_transactions or TransactionTotals()
        lines = [
            f"Customers: {_n(c.all_time)} in all — this month {_n(c.this_month)}, "
            f"same days last month {_n(c.same_period_last_month)}, all last month {_n(c.last_month)}",
            f"Transactions: this month {_n(t.this_month)}, "
            f"same days last month {_n(t.same_period_last_month)}, all last month {_n(t.last_month)}",
            f"Active campaigns: {_n(board.active_campaigns_count)}",
        ]
        self.query_one("#dash-totals", Static).update(Text("\n".join(lines)))
        activity = self.query_one("#dash-activity", VerticalScroll)
        await activity.remove_children()
        today = self.till.clock().date()
        widgets: list[Any] = []
        for campaign in board.campaigns_per_day_activity:
            data = per_day(campaign.days, today)
            label = f"{campaign.campaign_name} ({campaign.campaign_type}): {int(sum(data)):,} in {DAYS} days"
            widgets.append(Static(Text(label), classes="dash-campaign"))
            widgets.append(Sparkline(data, classes="dash-spark"))
        await activity.mount_all(widgets)
        text = Text()
        text.append("Most active customers\n", style="bold")
        for a in board.most_active:
            text.append(
                f"  {a.card_number:<12} {a.first_name} {a.last_name} — {_n(a.transactions)} transactions\n"
            )
        text.append("Last transactions\n", style="bold")
        for x in board.last_X_transactions:
            sign = "redeemed" if x.redeemed.strip().upper() in {"Y", "R"} else "earned"
            text.append(
                f"  {x.date or ''} {x.card_number:<12} {x.first_name} {x.last_name} {sign} "
                f"{amount(x.amount)} {x.campaign_name} (user {x.user})\n"
            )
        text.append("Newest customers\n", style="bold")
        for r in board.last_X_customers:
            when = r.time_stamp.isoformat(sep=" ") if r.time_stamp else ""
            text.append(f"  {when} {r.card_number:<12} {r.first_name} {r.last_name}\n")
        self.query_one("#dash-lists", Static).update(text)
