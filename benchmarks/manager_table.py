"""The manager's big table and CSV export on a ``--customers N`` sandbox, against plain httpx + lxml.

    .venv/bin/python benchmarks/manager_table.py [--customers 100000] [--page-size 5000] [--db PATH]

A ``pos-tui sandbox`` on a loopback port serves ``customers_balances`` of Widget Rewards. In the
same run:

1. Baseline: fetch every page with a bare ``httpx.AsyncClient`` and ``lxml.etree`` (rows as tuples
   of text). Time to the first page, total time, peak traced memory.
2. Ours, the table: fetch the same pages through ``LoyaltyClient`` + ``reporting.fetch`` into a
   ``BigTable`` in a headless Textual app. "Table adds": from the first page's arrival to its rows
   painted (``add_rows`` + a refresh). Scroll latency: 300 key presses (down / page down), each
   until the screen has refreshed; p50/p95. Peak traced memory of the whole fetch.
3. Ours, the export: ``pos-tui report customers_balances … --csv FILE`` (a child process, the
   real CLI) against the bare fetch's total.

Targets (issue 15): table adds < 0.5 s; scroll p95 < 100 ms; export <= 1.5x the bare fetch.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pos_tui.sandbox.demo import ACCOUNT, WIDGETS  # noqa: E402
from pos_tui.till.reporting import COLUMNS  # noqa: E402

FIELDS = [c.name for c in COLUMNS["customers_balances"]]


def form(offset: int, limit: int) -> dict[str, str]:
    return {
        "user_id": ACCOUNT["user_id"],
        "user_password": ACCOUNT["secret"],
        "account_id": ACCOUNT["id"],
        "type": "reports",
        "report": "customers_balances",
        "campaign_id": WIDGETS,
        "offset": str(offset),
        "limit": str(limit),
    }


async def bare(url: str, page: int) -> tuple[float, float, int, int]:
    import httpx
    from lxml import etree

    tracemalloc.start()
    started = time.perf_counter()
    first = 0.0
    rows: list[tuple[str, ...]] = []
    async with httpx.AsyncClient(timeout=600) as http:
        offset = 0
        while True:
            answer = await http.post(url, data=form(offset, page))
            root = etree.fromstring(answer.content)
            got = [tuple((c.findtext(name) or "") for name in FIELDS) for c in root.iter("customer")]
            rows.extend(got)
            if not first:
                first = time.perf_counter() - started
            if len(got) < page:
                break
            offset += page
    total = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return first, total, len(rows), peak


async def table(url: str, page: int, scrolls: int) -> dict[str, float]:
    from textual.app import App, ComposeResult

    from pos_tui.api.client import Credentials, LoyaltyClient
    from pos_tui.till.reporting import fetch
    from pos_tui.tui.bigtable import BigTable

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield BigTable(COLUMNS["customers_balances"])

    result: dict[str, float] = {}
    app = Bench()
    async with app.run_test(size=(120, 40)) as pilot:
        widget = app.query_one(BigTable)
        widget.focus()
        await pilot.pause()
        api = LoyaltyClient(Credentials(ACCOUNT["user_id"], ACCOUNT["id"], ACCOUNT["secret"]), url=url)
        tracemalloc.start()
        started = time.perf_counter()
        async with api:
            async for rows in fetch(api, "customers_balances", {"campaign_id": WIDGETS}, page_size=page):
                if "first_page" not in result:
                    arrived = time.perf_counter()
                    result["first_page"] = arrived - started
                    widget.add_rows(rows)
                    await pilot.pause()  # painted
                    result["table_adds"] = time.perf_counter() - arrived
                else:
                    widget.add_rows(rows)
        result["total"] = time.perf_counter() - started
        result["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        result["rows"] = len(widget.rows)
        latencies = []
        for n in range(scrolls):
            key = "pagedown" if n % 10 == 0 else "down"
            t0 = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            latencies.append(time.perf_counter() - t0)
        # The widget's own cost per key: the move plus drawing every visible line.
        direct = []
        height = widget.size.height
        for n in range(scrolls):
            t0 = time.perf_counter()
            widget.action_page(1) if n % 10 == 0 else widget.action_move(1)
            for y in range(height):
                widget.render_line(y)
            direct.append(time.perf_counter() - t0)
        direct.sort()
        result["draw_p95"] = direct[int(len(direct) * 0.95) - 1]
        t0 = time.perf_counter()
        widget.filter("lee")
        await pilot.pause()
        result["filter"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        widget.sort(3, True)
        await pilot.pause()
        result["sort"] = time.perf_counter() - t0
    latencies.sort()
    result["scroll_p50"] = statistics.median(latencies)
    result["scroll_p95"] = latencies[int(len(latencies) * 0.95) - 1]
    return result


async def pilot_baseline(scrolls: int) -> float:
    """p95 of the same press-and-refresh round trip in an app that only shows one line."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("one line")

    latencies = []
    async with Bare().run_test(size=(120, 40)) as pilot:
        for _ in range(scrolls):
            t0 = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            latencies.append(time.perf_counter() - t0)
    latencies.sort()
    return latencies[int(len(latencies) * 0.95) - 1]


def export(url: str, page: int, out: Path) -> float:
    env = {
        **os.environ,
        "POS_TUI_API_URL": url,
        "POS_TUI_USER_ID": ACCOUNT["user_id"],
        "POS_TUI_ACCOUNT_ID": ACCOUNT["id"],
        "POS_TUI_API_KEY": ACCOUNT["secret"],
        "POS_TUI_CONFIG": str(out.parent / "config.toml"),
        "POS_TUI_DATA_DIR": str(out.parent / "data"),
    }
    argv = [sys.executable, "-m", "pos_tui", "report", "customers_balances", f"campaign_id={WIDGETS}"]
    started = time.perf_counter()
    subprocess.run([*argv, "--csv", str(out), "--page-size", str(page)], env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=5000)
    parser.add_argument("--scrolls", type=int, default=300)
    parser.add_argument("--db", help="reuse this sandbox database (created with --customers if absent)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pos-bench-"))
    db = Path(args.db) if args.db else work / "sandbox.db"
    url = f"http://127.0.0.1:{args.port}/api.php"
    seeded = time.perf_counter()
    if not db.exists():
        from pos_tui.sandbox.app import open_sandbox

        open_sandbox(db, customers=args.customers)
        print(f"sandbox: {args.customers:,} customers generated in {time.perf_counter() - seeded:.1f} s")
    child = subprocess.Popen(
        [sys.executable, "-m", "pos_tui", "sandbox", "--port", str(args.port), "--db", str(db)],
        env={**os.environ, "POS_TUI_DATA_DIR": str(work / "server")},
        stderr=subprocess.DEVNULL,
    )
    try:
        import socket

        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", args.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        first, total, rows, peak = asyncio.run(bare(url, args.page_size))
        print(f"bare httpx+lxml: {rows:,} rows; first page {first:.2f} s; all {total:.2f} s; ", end="")
        print(f"peak {peak / 1e6:.0f} MB")
        ours = asyncio.run(table(url, args.page_size, args.scrolls))
        print(
            f"table: {int(ours['rows']):,} rows; first page {ours['first_page']:.2f} s; table adds "
            f"{ours['table_adds'] * 1000:.0f} ms (target < 500); all {ours['total']:.2f} s "
            f"({ours['total'] / total:.2f}x bare); peak {ours['peak'] / 1e6:.0f} MB "
            f"({ours['peak'] / peak:.2f}x bare)"
        )
        base = asyncio.run(pilot_baseline(args.scrolls))
        print(
            f"scroll (key to screen refreshed, Pilot): p50 {ours['scroll_p50'] * 1000:.1f} ms, "
            f"p95 {ours['scroll_p95'] * 1000:.1f} ms (target < 100); the same round trip in a one-line app: "
            f"p95 {base * 1000:.1f} ms; the table's own work per key (move + draw every line): "
            f"p95 {ours['draw_p95'] * 1000:.2f} ms"
        )
        print(f"filter-as-you-type {ours['filter'] * 1000:.0f} ms; sort {ours['sort'] * 1000:.0f} ms")
        seconds = export(url, args.page_size, work / "balances.csv")
        ratio = seconds / total
        print(f"export: pos-tui report --csv {seconds:.2f} s = {ratio:.2f}x the bare fetch (target <= 1.5)")
    finally:
        child.terminate()
        child.wait(timeout=10)


if __name__ == "__main__":
    main()
