"""``pos-tui report`` (reports for scripts: CSV, paging, a progress bar on a terminal) and
``pos-tui manager-pin`` (set the manager PIN: only its salted hash goes to the settings file)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from typing import Any

from .common import EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, CommandError


def add_parsers(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="fetch a report (all pages) as CSV: customers_balances, customers_all, transactions_all",
    )
    report.add_argument("report", choices=("customers_balances", "customers_all", "transactions_all"))
    report.add_argument(
        "fields",
        nargs="*",
        metavar="field=value",
        help="campaign_id=…, coalition_balance=…, date_start=YYYY-MM-DD, date_end=…, "
        "selected_campaigns=a,b, last=…",
    )
    report.add_argument(
        "--csv", default="-", metavar="FILE", help="write CSV here (default: standard output)"
    )
    report.add_argument("--page-size", type=int, default=1000, help="rows per request (customers_balances)")
    pin = commands.add_parser("manager-pin", help="set the manager PIN (asked twice, not echoed)")
    pin.add_argument("--name", default=None, help="the manager's name recorded with approvals")
    pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input (scripts)")


def _params(report: str, items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    allowed = {
        "customers_balances": {"campaign_id", "coalition_balance", "offset"},
        "customers_all": {"date_start", "date_end", "selected_campaigns", "last"},
        "transactions_all": {"date_start", "date_end", "selected_campaigns"},
    }[report]
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CommandError(f"expected field=value, got {item!r}", EXIT_USAGE)
        if name not in allowed:
            raise CommandError(f"{report} takes {', '.join(sorted(allowed))}; not {name!r}", EXIT_USAGE)
        if name in {"date_start", "date_end"}:
            try:
                params[name] = date.fromisoformat(value)
            except ValueError:
                raise CommandError(f"{name}: use YYYY-MM-DD, not {value!r}", EXIT_USAGE) from None
        elif name == "selected_campaigns":
            params[name] = [c for c in value.split(",") if c]
        elif name == "offset":
            if not value.isdigit():
                raise CommandError(f"offset: a whole number, not {value!r}", EXIT_USAGE)
            params[name] = int(value)
        else:
            params[name] = value
    from ..till.reporting import check

    try:
        check(report, params)  # the form's rules too
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    return params


def cmd_report(args: argparse.Namespace) -> int:
    if args.page_size < 1:
        raise CommandError("--page-size must be 1 or more", EXIT_USAGE)
    params = _params(args.report, args.fields)
    return asyncio.run(_report(args.report, params, args.csv, args.page_size))


async def _report(report: str, params: dict[str, Any], target: str, page_size: int) -> int:
    import csv

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..api import errors
    from ..config.logs import setup_logging
    from ..config.settings import SettingsError, load_settings
    from ..services import client_from_settings
    from ..till.reporting import COLUMNS, fetch, safe_cell
    from .common import settings_error

    setup_logging()
    try:
        client = client_from_settings(load_settings())
    except SettingsError as exc:
        raise settings_error(exc) from None
    columns = COLUMNS[report]
    numeric = [c.numeric for c in columns]
    try:
        handle = sys.stdout if target == "-" else open(target, "w", newline="", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"{target}: {exc.strerror}", EXIT_USAGE) from None
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    rows = 0
    notes: dict[str, str] = {}
    try:
        async with client:
            expected = None
            if report == "customers_balances":
                try:
                    board = await client.dashboard(customer_count=True)
                    total = board.total_customers
                    expected = int(total.all_time) if total and total.all_time is not None else None
                except errors.LoyaltyError:
                    expected = None
            writer = csv.writer(handle)
            writer.writerow([c.title for c in columns])
            with progress:
                task = progress.add_task(report, total=expected)
                async for page in fetch(client, report, params, page_size=page_size, notes=notes):
                    writer.writerows(
                        [safe_cell(v, n) for v, n in zip(row, numeric, strict=True)] for row in page
                    )
                    rows += len(page)
                    progress.update(task, completed=rows)
    except (errors.ApiError, errors.NoMatchError, errors.HTTPStatusRefusal) as exc:
        raise CommandError(f"refused after {rows} rows: {exc}", EXIT_REFUSED) from None
    except errors.LoyaltyError as exc:
        raise CommandError(f"stopped after {rows} rows: {exc}", EXIT_UNREACHABLE) from None
    finally:
        if handle is not sys.stdout:
            handle.close()
    if target != "-":
        print(f"pos-tui: {rows} rows written to {target}", file=sys.stderr)
    if "last" in notes:  # customers_all: where the next "what changed since" pull starts
        print(f"pos-tui: next time, last={notes['last']} lists what changed since this pull", file=sys.stderr)
    return EXIT_OK


def cmd_manager_pin(args: argparse.Namespace) -> int:
    import getpass

    from ..config.settings import SettingsError, update_settings_file
    from ..till.manager_pin import hash_pin, valid_pin

    if args.pin_stdin:
        pin = again = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("New manager PIN (4 to 12 digits): ")
        again = getpass.getpass("The same PIN again: ")
    if pin != again:
        raise CommandError("the two PINs differ; nothing was changed", EXIT_USAGE)
    if not valid_pin(pin):
        raise CommandError("a manager PIN is 4 to 12 digits; nothing was changed", EXIT_USAGE)
    values: dict[str, Any] = {"manager_pin_hash": hash_pin(pin)}
    if args.name:
        values["manager_name"] = args.name
    try:
        path = update_settings_file(**values)
    except SettingsError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CommandError(f"the settings file cannot be written ({exc.strerror})", EXIT_USAGE) from None
    print(f"pos-tui: manager PIN set (its salted hash is in {path})", file=sys.stderr)
    return EXIT_OK
