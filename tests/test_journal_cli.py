"""``pos-tui call`` writes through the journal; ``pos-tui journal`` lists and replays. Against
the sandbox server on loopback with fault injection, as a store's scripts would run them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from pos_tui.sandbox.demo import ACCOUNT, GIFT, JANE

from .conftest import ROOT
from .sandbox_helpers import free_port, in_process
from .sandbox_helpers import sandbox_server as serve


@contextmanager
def sandbox_server(tmp_path: Path, port: int, faults: str = "") -> Iterator[str]:
    with serve(tmp_path / "s.db", port, "--faults", faults) as url:
        yield url


def till_env(tmp_path: Path, port: int) -> dict[str, str]:
    """A till's environment: its data dir under ``tmp_path``, the demo account, a loopback sandbox."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")}
    env.update(
        POS_TUI_DATA_DIR=str(tmp_path / "till"),
        POS_TUI_CONFIG=str(tmp_path / "c.toml"),
        POS_TUI_API_URL=f"http://127.0.0.1:{port}/api.php",
        POS_TUI_USER_ID=ACCOUNT["user_id"],
        POS_TUI_ACCOUNT_ID=ACCOUNT["id"],
        POS_TUI_API_KEY=ACCOUNT["secret"],
        POS_TUI_READ_TIMEOUT="3",
    )
    return env


def pos(tmp_path: Path, port: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pos_tui", *args],
        capture_output=True,
        text=True,
        env=till_env(tmp_path, port),
        cwd=ROOT,
        timeout=120,
    )


def gift(call: str, *fields: str, code: str = JANE["code"], campaign: str = GIFT) -> list[str]:
    """The arguments of ``pos-tui call`` for a write to a gift-card campaign."""
    return ["call", "--kind", "giftcard", call, f"code={code}", f"campaign_id={campaign}", *fields]


def entries(tmp_path: Path, port: int) -> list[dict]:
    """The journal as ``pos-tui journal --json`` lists it (read in this process: a new Python
    for each look cost a second of CPU; the writes and replays are real processes)."""
    done = in_process(["journal", "--json"], till_env(tmp_path, port))
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_exit_codes_unknown_then_replay(tmp_path):
    port = free_port()
    load = ["call", "record_activity", f"code={JANE['code']}", f"campaign_id={GIFT}", "amount=5"]
    with sandbox_server(tmp_path, port, "record_activity:after_commit=1"):
        done = pos(tmp_path, port, *load)  # dropped after commit: found by reading, confirmed
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert answer["status"] == "success" and answer["reconciled"] and answer["transaction_id"]
        spend = pos(
            tmp_path,
            port,
            "call",
            "redeem",
            f"code={JANE['code']}",
            f"campaign_id={GIFT}",
            "reward_to_redeem=1000",
        )
        assert spend.returncode == 1 and "Insufficient balance" in spend.stderr
    with sandbox_server(
        tmp_path, port, "record_activity:after_commit=1,customer_balance:http502=1,transactions_all:http502=1"
    ):
        done = pos(tmp_path, port, *load)  # dropped, and the history cannot be read: unknown
        assert done.returncode == 3 and "do not repeat it" in done.stderr
        blocked = pos(tmp_path, port, *load)
        assert blocked.returncode == 3 and "must be settled first" in blocked.stderr
        assert [e["state"] for e in entries(tmp_path, port)] == ["confirmed", "refused", "unknown"]
    with sandbox_server(tmp_path, port):
        replay = pos(tmp_path, port, "journal", "replay")
        assert replay.returncode == 0 and "0 still unknown" in replay.stdout
        assert [e["state"] for e in entries(tmp_path, port)] == ["confirmed", "refused", "confirmed"]
        info = pos(tmp_path, port, "call", "customer_info", f"code={JANE['code']}", f"campaign_id={GIFT}")
        assert json.loads(info.stdout)["campaigns"][0]["balance"] == "65.70"  # 55.70 + 5 + 5: nothing doubled
        listing = pos(tmp_path, port, "journal").stdout
        assert "confirmed" in listing and JANE["code"] not in listing  # codes masked


def test_offline_earn_exits_4_and_is_sent_on_replay(tmp_path):
    port = free_port()  # nothing listens yet: the service cannot be reached
    earn = pos(tmp_path, port, *gift("record_activity", "amount=7"))
    assert earn.returncode == 4 and "will be sent by itself" in earn.stderr and ": queued]" in earn.stderr
    spend = pos(tmp_path, port, *gift("redeem", "reward_to_redeem=1"))
    assert spend.returncode == 5 and "Nothing was recorded" in spend.stderr and ": not_sent]" in spend.stderr
    assert [e["state"] for e in entries(tmp_path, port)] == ["queued", "not_sent"]
    with sandbox_server(tmp_path, port):
        replay = pos(tmp_path, port, "journal", "replay")
        assert replay.returncode == 0, replay.stdout + replay.stderr
        assert [e["state"] for e in entries(tmp_path, port)] == ["confirmed", "not_sent"]
        info = pos(tmp_path, port, "call", "customer_info", f"code={JANE['code']}", f"campaign_id={GIFT}")
        assert json.loads(info.stdout)["campaigns"][0]["balance"] == "62.70"


def test_a_batch_through_the_journal(tmp_path):
    """The reference's batch example (its campaign mapped to the demo's), answer dropped after commit."""
    from pos_tui.sandbox.demo import WIDGETS

    port = free_port()
    data = "\n".join(
        f"{WIDGETS}|{JANE['code']}|N|{amount}|2010-03-15|API test import {n}"
        for n, amount in enumerate(["14,95", "50", "34.67", "0,50", ".75", "2.00"], start=1)
    )
    fields = [
        "delimiter=pipe",
        "apply_ratio=yes",
        "visits_header_1=campaign_id",
        "visits_header_2=code",
        "visits_header_3=redeemed",
        "visits_header_4=amount",
        "visits_header_5=date",
        "visits_header_6=authorization",
        f"Visits_Data={data}\n{WIDGETS}|{JANE['code']}|Y|678|2010-03-15|redeem",
    ]
    with sandbox_server(tmp_path, port, "batch_transactions:after_commit=1"):
        done = pos(tmp_path, port, "call", "batch_transactions", *fields)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["reconciled"] is True
        info = pos(tmp_path, port, "call", "customer_info", f"code={JANE['code']}", f"campaign_id={WIDGETS}")
        # 4690 + (14.95 + 50 + 34.67 + 0.50 + 0.75 + 2.00) x 100 points - 1000 for reward 678, once
        assert json.loads(info.stdout)["campaigns"][0]["balance"] == str(4690 + 10287 - 1000)
    assert [e["state"] for e in entries(tmp_path, port)] == ["confirmed"]


def test_voids_go_through_the_journal_and_resolve_settles_by_hand_once(tmp_path):
    port = free_port()
    load = gift("record_activity", "amount=5")
    with sandbox_server(tmp_path, port):
        done = pos(tmp_path, port, *load)
        assert done.returncode == 0, done.stderr
        tx = json.loads(done.stdout)["transaction_id"]
        void = pos(
            tmp_path,
            port,
            "call",
            "transaction_delete",
            f"code={JANE['code']}",
            f"campaign_id={GIFT}",
            f"transaction_id={tx}",
        )
        assert void.returncode == 0, void.stderr
        assert [e["call"] for e in entries(tmp_path, port)] == ["record_activity", "transaction_delete"]
    with sandbox_server(
        tmp_path, port, "record_activity:after_commit=1,customer_balance:http502=1,transactions_all:http502=1"
    ):
        unknown = pos(tmp_path, port, *load)
        assert unknown.returncode == 3
    ref = entries(tmp_path, port)[-1]["ref"]
    asked = pos(tmp_path, port, "journal", "resolve", ref, "--recorded")  # no terminal, no --yes
    assert asked.returncode == 2 and "confirmation" in asked.stderr
    done = pos(tmp_path, port, "journal", "resolve", ref, "--recorded", "--transaction-id", "77", "--yes")
    assert done.returncode == 0 and "confirmed" in done.stdout, done.stderr
    entry = entries(tmp_path, port)[-1]
    assert entry["state"] == "confirmed" and entry["transaction_id"] == "77" and "@" in entry["resolved_by"]
    again = pos(tmp_path, port, "journal", "resolve", ref, "--not-recorded", "--yes")
    assert again.returncode == 2 and "only an unknown entry" in again.stderr
    log = (tmp_path / "till" / "logs" / "pos-tui.log").read_text()
    assert f"entry {ref} resolved by hand as confirmed" in log


def test_a_bad_url_is_a_settings_error_and_sends_nothing(tmp_path):
    for url in ("http://127.0.0.1:99999/api.php", "http://[::1", "http://example.com/api.php"):
        env_port = free_port()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pos_tui",
                *gift("record_activity", "amount=1", code="1", campaign="2"),
            ],
            capture_output=True,
            text=True,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("POS_TUI_")},
                "POS_TUI_DATA_DIR": str(tmp_path / f"till{env_port}"),
                "POS_TUI_CONFIG": str(tmp_path / "c.toml"),
                "POS_TUI_API_URL": url,
                "POS_TUI_USER_ID": "u",
                "POS_TUI_ACCOUNT_ID": "a",
                "POS_TUI_API_KEY": "k",
            },
            cwd=ROOT,
            timeout=60,
        )
        assert done.returncode == 2 and "POS_TUI_API_URL" in done.stderr, (url, done.stderr)
        assert "Traceback" not in done.stderr
        assert not (tmp_path / f"till{env_port}" / "journal.db").exists()


def test_a_hostile_answer_after_the_request_left_exits_3_not_70(tmp_path):
    """A server that commits and then answers with XML nested 1,500 deep: outcome unknown (3), the
    entry unknown, the customer blocked — never exit 70 with the entry left sent."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    deep = b'<response status="success">' + b"<a>" * 1500 + b"</a>" * 1500 + b"</response>"

    class Hostile(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(200)
            self.send_header("content-type", "text/xml")
            self.send_header("content-length", str(len(deep)))
            self.end_headers()
            self.wfile.write(deep)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        load = gift("record_activity", "amount=1", code="1", campaign="2")
        done = pos(tmp_path, port, *load)
        assert done.returncode == 3, done.stderr
        assert "Traceback" not in done.stderr and "MAY have been recorded" in done.stderr
        assert [e["state"] for e in entries(tmp_path, port)] == ["unknown"]
        again = pos(tmp_path, port, *load)
        assert again.returncode == 3 and "settled first" in again.stderr
        assert len(entries(tmp_path, port)) == 1  # the second was never journalled nor sent
    finally:
        server.shutdown()


class Offline(httpx.AsyncBaseTransport):
    """The till's network with the plug pulled, then put back."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.offline = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.offline:
            raise httpx.ConnectError("Network is unreachable", request=request)
        return await self.inner.handle_async_request(request)


def till_writer(tmp_path: Path, port: int, network: httpx.AsyncBaseTransport) -> Any:
    """This process's writer on the data dir ``pos`` runs the CLI on (one journal, two processes)."""
    from pos_tui.api.client import Credentials, LoyaltyClient
    from pos_tui.till.journal import Journal, JournaledWriter

    api = LoyaltyClient(
        Credentials(ACCOUNT["user_id"], ACCOUNT["id"], ACCOUNT["secret"]),
        url=f"http://127.0.0.1:{port}/api.php",
        transport=network,
        timeout=httpx.Timeout(5.0, read=0.3),
    )
    journal = Journal(tmp_path / "till" / "journal.db")
    return JournaledWriter(api, journal, resend_after=1.5, not_sent_retries=0)


def ledger(tmp_path: Path) -> list[str]:
    """The ``[pos:…]`` references in the sandbox's ledger, in the order it recorded them."""
    with sqlite3.connect(tmp_path / "s.db") as conn:
        rows = conn.execute("SELECT description FROM transactions WHERE deleted = 0 ORDER BY id").fetchall()
    return [m for (text,) in rows for m in re.findall(r"\[pos:(\w+)\]", text)]


def replays(tmp_path: Path, port: int, count: int) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "pos_tui", "journal", "replay"],
            env=till_env(tmp_path, port),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(count)
    ]


def jane_load(amount: int) -> Any:
    from pos_tui.api import requests as rq

    return rq.GiftCardLoad(customer=rq.CustomerRef(code=JANE["code"]), campaign_id=GIFT, amount=str(amount))


async def test_two_processes_flushing_one_offline_queue_send_each_earn_once(tmp_path):
    """Issue 9, item 3 with real processes: earns queued offline, then three ``pos-tui journal
    replay`` processes on the same data dir at once. Each earn lands once, in order."""
    port = free_port()
    network = Offline()
    writer = till_writer(tmp_path, port, network)
    async with writer.api:
        for n in range(1, 7):
            assert (await writer.submit(jane_load(n))).entry.state == "queued"
    with sandbox_server(tmp_path, port):
        for child in replays(tmp_path, port, 3):
            child.wait(timeout=120)
        for _ in range(5):  # a process that found the queue held leaves it to the holder
            if pos(tmp_path, port, "journal", "replay").returncode == 0:
                break
    made = entries(tmp_path, port)
    assert [e["state"] for e in made] == ["confirmed"] * 6
    refs = ledger(tmp_path)
    assert len(refs) == len(set(refs)) == 6, refs  # each queued earn once
    assert refs == [e["ref"] for e in made]  # in the order they were made


async def test_a_faulty_server_and_three_processes_on_one_offline_queue(tmp_path):
    """The soak's queue half with real processes: 40 earns queued offline, then flushed at once by
    this process (two tasks) and two ``pos-tui journal replay`` processes, against a server that
    loses answers before and after commit, answers 502, cuts bodies short and takes requests late.
    Every earn is confirmed and in the ledger exactly once."""
    from pos_tui.api import requests as rq
    from pos_tui.sandbox.demo import SHOPPER
    from pos_tui.till.journal import OPEN_STATES

    port = free_port()
    network = Offline()
    writer = till_writer(tmp_path, port, network)
    faults = (
        "record_activity:after_commit=0.1,record_activity:before_commit=0.1,record_activity:http502=0.05,"
        "record_activity:truncate=0.05,record_activity:late=0.6@0.05,customer_balance:http502=0.05"
    )
    async with writer.api:
        for n in range(40):
            request = (
                jane_load(1)
                if n % 3 == 0
                else rq.EventsEarn(customer=rq.CustomerRef(card_number=f"TWO-{n % 12}"), campaign_id=SHOPPER)
            )
            await writer.submit(request)
        network.offline = False
        with serve(
            tmp_path / "s.db",
            port,
            "--faults",
            faults,
            "--fault-seed",
            os.environ.get("QUEUE_SEED", "9"),
        ):

            async def here() -> None:
                for _ in range(100):
                    await asyncio.gather(writer.flush_queue(), writer.replay())
                    if not writer.journal.entries(states=OPEN_STATES):
                        return
                    await asyncio.sleep(0.3)

            async def there() -> None:
                for _ in range(40):
                    child = await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "pos_tui",
                        "journal",
                        "replay",
                        env=till_env(tmp_path, port),
                        stdout=asyncio.subprocess.DEVNULL,
                        stderr=asyncio.subprocess.DEVNULL,
                    )
                    if await child.wait() == 0:
                        return
                    await asyncio.sleep(0.3)

            await asyncio.gather(here(), there(), there())
            await here()
    made = writer.journal.entries()
    assert [e.state for e in made] == ["confirmed"] * 40, [
        (e.state, e.error) for e in made if e.state != "confirmed"
    ]
    refs = ledger(tmp_path)
    assert len(refs) == len(set(refs)) == 40  # nothing doubled, nothing lost
    assert set(refs) == {e.ref for e in made}
