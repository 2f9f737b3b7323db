"""Manager reports as tables: fetch page by page, columns, sort keys, CSV export, gift-card liability.

Plain async Python (no Textual): the reports screen, ``pos-tui report`` and the benchmark share it.
A table is a list of columns and rows of strings (what the screen draws and the CSV holds);
numeric columns sort by their ``Decimal`` value.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..api.wire import format_decimal

REPORTS = ("customers_balances", "customers_all", "transactions_all")
PAGE_SIZE = 1000
#: ``customers_balances``' ``coalition_balance``: points or stored value across the coalition
#: (report_customers_balances.txt; campaigns marked opt-out are left out by the service).
COALITION_BALANCES = ("coalition_points", "coalition_storedvalue")


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    width: int
    numeric: bool = False


_WHO = (
    Column("card_number", "Card", 12),
    Column("first_name", "First name", 11),
    Column("last_name", "Last name", 11),
)
_CONTACT = (
    Column("email", "E-mail", 26),
    Column("phone", "Phone", 10),
    Column("city", "City", 10),
)
BALANCES = (
    *_WHO,
    Column("balance", "Balance", 10, True),
    Column("balance_equivalent", "Value", 10, True),
    Column("earned", "Earned", 10, True),
    Column("redeemed", "Redeemed", 10, True),
    *_CONTACT,
    Column("code", "Code", 17),
    Column("record_timestamp", "Since", 19),
)
CUSTOMERS = (
    *_WHO,
    *_CONTACT,
    Column("customer_code", "Code", 17),
    Column("customer_username", "Username", 12),
)
TRANSACTIONS = (
    Column("record_timestamp", "When", 19),
    *_WHO,
    Column("redeemed", "R", 1),
    Column("amount_number", "Amount", 10, True),
    Column("authorization", "Authorization", 30),
)
COLUMNS: dict[str, tuple[Column, ...]] = {
    "customers_balances": BALANCES,
    "customers_all": CUSTOMERS,
    "transactions_all": TRANSACTIONS,
}
#: Where a row's card number is, to open the customer in the till.
CARD_COLUMN = "card_number"


@dataclass
class Table:
    """A report's rows as text, in wire order."""

    report: str
    columns: tuple[Column, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    complete: bool = False

    def index(self, name: str) -> int:
        return [c.name for c in self.columns].index(name)

    def total(self, name: str) -> Decimal:
        i = self.index(name)
        return sum((to_decimal(row[i]) or Decimal(0) for row in self.rows), start=Decimal(0))


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def sort_key(column: Column) -> Callable[[str], Any]:
    """Numbers by value (blanks first), text case-insensitively."""
    if column.numeric:

        def numeric(text: str) -> tuple[int, Decimal]:
            value = to_decimal(text)
            return (0, Decimal(0)) if value is None else (1, value)

        return numeric
    return str.casefold


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_decimal(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat())
    return str(value)


def rows_of(models: Iterable[Any], columns: Sequence[Column]) -> list[tuple[str, ...]]:
    names = [c.name for c in columns]
    return [tuple(_cell(getattr(model, name, "")) for name in names) for model in models]


def check(report: str, params: dict[str, Any]) -> None:
    """What the vendor's pages rule out, refused before asking (the form and ``pos-tui report``).

    Raises ``ValueError`` with a sentence for a person."""
    if report == "customers_balances":
        if not params.get("campaign_id"):
            raise ValueError("customers_balances needs a campaign (campaign_id), even for a coalition")
        coalition = params.get("coalition_balance")
        if coalition and coalition not in COALITION_BALANCES:
            raise ValueError(f"coalition_balance is {' or '.join(COALITION_BALANCES)}, not {coalition!r}")
    elif report == "customers_all":
        last = params.get("last")
        if last is None or last == "":
            return
        if not str(last).isdigit():
            raise ValueError(
                f"last is the ID a previous pull ended at (digits; 0 = from the start), not {last!r}"
            )
        if params.get("selected_campaigns"):
            raise ValueError(
                "last cannot be combined with campaigns (the service refuses it): leave them out"
            )


async def fetch(
    api: Any,
    report: str,
    params: dict[str, Any],
    *,
    page_size: int = PAGE_SIZE,
    notes: dict[str, str] | None = None,
) -> AsyncIterator[list[tuple[str, ...]]]:
    """The report's rows, one page at a time. ``customers_balances`` is paged with offset/limit
    until a short page; the two other reports come in one answer.

    ``notes`` receives what the answer says beside its rows: ``last``, the ID to pass next time
    to ``customers_all`` for what changed since this pull, when the service gives one."""
    columns = COLUMNS[report]
    if report == "customers_balances":
        offset = int(params.get("offset") or 0)
        while True:
            page = await api.customers_balances(
                campaign_id=params["campaign_id"],
                coalition_balance=params.get("coalition_balance") or None,
                offset=offset,
                limit=page_size,
            )
            yield rows_of(page.customers, columns)
            if len(page.customers) < page_size:
                return
            offset += page_size
    elif report == "customers_all":
        answer = await api.customers_all(
            date_start=params.get("date_start"),
            date_end=params.get("date_end"),
            selected_campaigns=params.get("selected_campaigns") or (),
            last=params.get("last") or None,
        )
        last = (answer.model_extra or {}).get("last")
        if notes is not None and isinstance(last, str) and last.strip().isdigit():
            notes["last"] = last.strip()
        yield rows_of(answer.customers, columns)
    elif report == "transactions_all":
        answer = await api.transactions_all(
            date_start=params.get("date_start"),
            date_end=params.get("date_end"),
            selected_campaigns=params.get("selected_campaigns") or (),
        )
        yield rows_of(answer.transactions, columns)
    else:
        raise ValueError(f"unknown report {report!r}; known: {', '.join(REPORTS)}")


# Export -----------------------------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str, numeric: bool = False) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe.
    A numeric column's own numbers (``-12.50``) stay numbers."""
    if not text or not text.startswith(_FORMULA):
        return text
    if numeric and to_decimal(text) is not None:
        return text
    return "'" + text


def write_csv(table: Table, path: Path | str, rows: Iterable[tuple[str, ...]] | None = None) -> int:
    """Write the table (or ``rows`` of it: the filtered, sorted view) as CSV. Returns rows written."""
    numeric = [c.numeric for c in table.columns]
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.title for c in table.columns])
        for row in table.rows if rows is None else rows:
            writer.writerow([safe_cell(cell, num) for cell, num in zip(row, numeric, strict=True)])
            count += 1
    return count


def liability(table: Table) -> Decimal:
    """The sum of ``balance_equivalent``: a gift-card campaign's outstanding liability."""
    return table.total("balance_equivalent")
