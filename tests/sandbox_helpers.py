"""Shared helpers for tests that run against the sandbox."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from pos_tui.api.client import Credentials, LoyaltyClient
from pos_tui.sandbox.app import InProcessTransport, Sandbox, open_sandbox
from pos_tui.sandbox.demo import ACCOUNT, BUYER, EMPLOYEE, GIFT, JANE, JOHN, SHOPPER, WIDGETS

__all__ = ["ACCOUNT", "BUYER", "EMPLOYEE", "GIFT", "JANE", "JOHN", "SHOPPER", "WIDGETS"]


def make_sandbox(tmp_path: Path, **kw: Any) -> Sandbox:
    kw.setdefault("customers", 40)
    return open_sandbox(tmp_path / "sandbox.db", **kw)


def client(
    sandbox: Sandbox,
    *,
    secret: str = ACCOUNT["secret"],
    account: str = ACCOUNT["id"],
    user: str = ACCOUNT["user_id"],
    **kw: Any,
) -> LoyaltyClient:
    return LoyaltyClient(
        Credentials(user, account, secret, **kw.pop("creds", {})),
        url="http://sandbox/api.php",
        transport=InProcessTransport(sandbox),
        **kw,
    )


async def raw(
    sandbox: Sandbox, fields: dict[str, str], *, method: str = "POST", headers: dict[str, str] | None = None
) -> httpx.Response:
    async with httpx.AsyncClient(transport=InProcessTransport(sandbox), base_url="http://sandbox") as http:
        if method == "GET":
            return await http.get("/api.php", params=fields, headers=headers)
        return await http.post("/api.php", data=fields, headers=headers)


def auth(**fields: str) -> dict[str, str]:
    return {
        "user_id": ACCOUNT["user_id"],
        "user_password": ACCOUNT["secret"],
        "account_id": ACCOUNT["id"],
        **fields,
    }


def balance_of(info: Any, campaign_id: str) -> Decimal | None:
    return info.campaign(campaign_id).balance


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


@contextmanager
def sandbox_server(db: Path, port: int, *args: str) -> Iterator[str]:
    """``pos-tui sandbox``'s server, opened from the command's own arguments, on a loopback port in
    a thread of this process; yields the API URL. The tests whose subject is another process (a
    ``pos-tui call``, a till in tmux) need a server, not a second Python: starting one cost 0.4 s
    of CPU, two dozen times a run. test_sandbox_server.py tests the command itself
    (``sandbox_process``)."""
    import threading
    import time

    from pos_tui.cli import build_parser
    from pos_tui.cli.sandbox import sandbox_from_args
    from pos_tui.sandbox.app import server

    arguments = build_parser().parse_args(["sandbox", "--port", str(port), "--db", str(db), *args])
    http = server(sandbox_from_args(arguments), "127.0.0.1", port)
    thread = threading.Thread(target=http.run, name=f"sandbox:{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not http.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise AssertionError(f"the sandbox server did not start on port {port}")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}/api.php"
    finally:
        http.should_exit = True
        thread.join(timeout=2)
        if thread.is_alive():  # a request still held by a fault's delay: end it, as a kill did
            http.force_exit = True
            thread.join(timeout=10)


@contextmanager
def sandbox_process(db: Path, port: int, *args: str) -> Iterator[str]:
    """``pos-tui sandbox`` in a child process on a loopback port; yields the API URL."""
    import sys

    env = {**os.environ, "POS_TUI_DATA_DIR": str(db.parent / "server-data")}
    child = subprocess.Popen(
        [sys.executable, "-m", "pos_tui", "sandbox", "--port", str(port), "--db", str(db), *args],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/api.php"
    finally:
        child.terminate()
        child.wait(timeout=10)


def in_process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``pos-tui ARGS`` run by the command's own ``main`` in this process, with ``env`` as the whole
    environment: what a new process would print and return, without the second of CPU a new
    Python costs. The tests whose subject is the process itself (exit on a signal, two at once)
    start real ones."""
    import contextlib
    import io
    from unittest import mock

    from pos_tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, env, clear=True):
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    return subprocess.CompletedProcess(["pos-tui", *args], code, out.getvalue(), err.getvalue())
