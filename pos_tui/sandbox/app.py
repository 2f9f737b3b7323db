"""The sandbox as an ASGI application, served in-process (httpx) or over HTTP (uvicorn).

Requests are form fields from urlencoded POST, multipart POST or a GET query string, on ``/``
and ``/api.php``. Authentication is checked as the reference says (the ``api_access_key``
header, when present, is the only secret that counts). Application errors are HTTP 200 with
``status="error"``; a malformed request never gets a 500. Database work runs in worker
threads, so an in-process sandbox never blocks the till's event loop.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import httpx
from starlette.requests import Request

from . import batch, db, members, reads, reports, writes
from .faults import Decision, DroppedConnection, FaultPlan
from .render import render

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger("pos_tui.sandbox")

Handler = Callable[[sqlite3.Connection, sqlite3.Row, dict[str, str], str], dict[str, Any]]
HANDLERS: dict[str, tuple[Handler, bool]] = {
    "customer_info": (reads.customer_info, False),
    "customer_search": (reads.customer_search, False),
    "customer_find": (reads.customer_find, False),
    "find_customer": (reads.customer_find, False),  # an alias public clients send
    "campaigns_list": (reads.campaigns_list, False),
    "campaign_rewards": (reads.campaign_rewards, False),
    "buyx_items_list": (reads.buyx_items_list, False),
    "account_info": (reads.account_info, False),
    "customer_balance": (reads.customer_balance, False),
    "balance": (reads.customer_balance, False),  # two public clients call it type=balance
    "reports": (reports.reports, False),
    "dashboard": (reports.dashboard, False),
    "record_activity": (writes.record_activity, True),
    "redeem": (writes.redeem, True),
    "transaction_delete": (writes.transaction_delete, True),
    "batch_transactions": (batch.batch_transactions, True),
    "record_customer": (members.record_customer, True),
    "validate_customer_password": (members.validate_customer_password, False),
    "campaign_promos": (members.campaign_promos, False),
}
SECRET_FIELDS = {"user_password", "user_api_key", "api_access_key", "customer_password"}
PATHS = {"/", "/api.php"}
BAD_GATEWAY = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    b"</center><hr><center>nginx</center></body></html>\n"
)


class Sandbox:
    """One sandbox: a ledger, a fault plan and an optional request log."""

    def __init__(
        self,
        ledger: db.Ledger,
        *,
        faults: FaultPlan | None = None,
        request_log: Path | None = None,
        server_tz: str | None = None,
    ) -> None:
        self.ledger = ledger
        self.server_tz = server_tz  # stamp transactions in this zone (the live service: the account's)
        self._late: set[asyncio.Task[None]] = set()  # requests still "travelling" (the late fault)
        self.faults = faults or FaultPlan()
        self.request_log = request_log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        if scope["path"] not in PATHS:
            await _plain(send, 404, b"Not Found\n")
            return
        if scope["method"] not in {"GET", "POST"}:
            await _plain(send, 405, b"Method Not Allowed\n")
            return
        await self._api(Request(scope, receive), send)

    async def _api(self, request: Request, send: Any) -> None:
        started = time.perf_counter()
        fields, problem = await _fields(request)
        header_secret = request.headers.get("api_access_key")
        call_type = fields.get("type", "").strip()
        call = fields.get("report", "").strip() if call_type == "reports" else call_type
        decision = self.faults.decide(call) if self.faults else Decision()

        async def logged(outcome: str) -> None:
            """The request log is written before the answer leaves, so it never lags behind."""
            if self.request_log is None:
                return
            entry = {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "type": call_type,
                "call": call,
                "fields": _redacted(fields, header_secret),
                "outcome": outcome,
                "faults": decision.names,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
            await anyio.to_thread.run_sync(self._log_line, json.dumps(entry))

        if decision.http502:
            await logged("http502")
            await _plain(send, 502, BAD_GATEWAY, "text/html")
            return
        if decision.before_commit:
            await logged("dropped before commit")
            await _drop(send)
        if decision.late:  # the request is still travelling when the client gives up on it
            task = asyncio.get_running_loop().create_task(
                self._arrive_late(decision.late, call_type, fields, header_secret)
            )
            self._late.add(task)
            task.add_done_callback(self._late.discard)
            await logged(f"arrives {decision.late:g} s late")
            await asyncio.sleep(decision.late + 1)
            await _drop(send)
        status, tree = ("error", {"error": problem}) if problem else ("", {})
        if not problem:
            status, tree = await anyio.to_thread.run_sync(self._run, call_type, fields, header_secret)
        if decision.delay:
            await asyncio.sleep(decision.delay)
        if decision.after_commit:
            await logged(f"{status}, dropped after commit")
            await _drop(send)
        body, media = render(status, tree, fields)
        if decision.truncate:
            body = body[: max(1, len(body) // 2)]
        await logged(f"{status}, truncated" if decision.truncate else status)
        await _plain(send, 200, body, media)

    async def _arrive_late(
        self, seconds: float, call_type: str, fields: dict[str, str], secret: str | None
    ) -> None:
        await asyncio.sleep(seconds)
        await anyio.to_thread.run_sync(self._run, call_type, fields, secret)

    def _run(
        self, call_type: str, fields: dict[str, str], header_secret: str | None
    ) -> tuple[str, dict[str, Any]]:
        handler, write = HANDLERS.get(call_type, (None, False))
        db.server_tz.set(self.server_tz)
        try:
            context = self.ledger.write() if write else self.ledger.read()
            with context as conn:
                acct = _authenticate(conn, fields, header_secret)
                if handler is None:
                    raise db.Refused(f"Unknown type '{call_type}'" if call_type else "type is required")
                return "success", handler(conn, acct, fields, fields.get("user_id", ""))
        except db.Refused as exc:
            return "error", {"error": str(exc)}
        except db.NotFound as exc:
            return "no_match", {"message": str(exc)}
        except Exception:  # a bug in the sandbox must not look like a network failure
            log.exception("sandbox error in %s", call_type)
            return "error", {"error": "Internal error in the sandbox (see its log)"}

    def _log_line(self, line: str) -> None:
        assert self.request_log is not None
        with self.request_log.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def _authenticate(conn: sqlite3.Connection, fields: dict[str, str], header_secret: str | None) -> sqlite3.Row:
    for name in ("user_id", "account_id"):
        if not fields.get(name, "").strip():
            raise db.Refused(f"{name} is required")
    secret = (
        header_secret
        if header_secret is not None
        else (fields.get("user_api_key") or fields.get("user_password") or "")
    )
    acct = db.account(conn, fields["account_id"].strip())
    good = (
        acct is not None
        and hmac.compare_digest(acct["user_id"], fields["user_id"].strip())
        and hmac.compare_digest(acct["secret"].encode(), secret.encode())
    )
    if not good:
        raise db.Refused("Invalid user_id, password or account_id")
    assert acct is not None
    return acct


async def _fields(request: Request) -> tuple[dict[str, str], str]:
    fields = {k: v for k, v in request.query_params.items()}
    if request.method != "POST":
        return fields, ""
    try:
        form = await request.form()
    except Exception as exc:  # python-multipart raises several kinds for broken bodies
        return fields, f"The request body could not be read ({type(exc).__name__})"
    for key, value in form.multi_items():
        fields[key] = value if isinstance(value, str) else "(file)"
    await form.close()
    return fields, ""


def _redacted(fields: dict[str, str], header_secret: str | None) -> dict[str, str]:
    shown = {k: ("***" if k in SECRET_FIELDS else v) for k, v in fields.items()}
    if header_secret is not None:
        shown["api_access_key"] = "***"
    return shown


async def _plain(send: Any, status: int, body: bytes, media: str = "text/plain") -> None:
    headers = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Any) -> None:
    """Start an answer, then break the connection: the client gets no usable response."""
    headers = [(b"content-type", b"text/xml"), (b"content-length", b"4096")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    raise DroppedConnection()


class InProcessTransport(httpx.AsyncBaseTransport):
    """httpx transport to a sandbox in this process. Enforces the read timeout (ASGITransport
    ignores timeouts) and turns a dropped connection into the error a real socket gives."""

    def __init__(self, app: Sandbox) -> None:
        self._inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {}).get("read")
        try:
            response = await asyncio.wait_for(self._inner.handle_async_request(request), timeout)
        except DroppedConnection:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None
        except TimeoutError:
            raise httpx.ReadTimeout("The sandbox did not answer in time", request=request) from None
        return response


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


_quiet_drops = _QuietDrops()
#: How uvicorn serves the sandbox, whether from ``serve`` or a ``server`` a test runs in a thread.
_UVICORN: dict[str, Any] = {"log_level": "warning", "lifespan": "on"}


def open_sandbox(
    path: Path | str,
    *,
    reset: bool = False,
    faults: str = "",
    fault_seed: int = 0,
    request_log: Path | None = None,
    customers: int = 300,
    today: date | None = None,
    server_tz: str | None = None,
) -> Sandbox:
    """Open (creating and seeding if needed) the sandbox database at ``path``."""
    from .demo import seed

    path = Path(path)
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    ledger = db.Ledger(path)
    seed(ledger, customers=customers, today=today)
    return Sandbox(ledger, faults=FaultPlan(faults, fault_seed), request_log=request_log, server_tz=server_tz)


def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve the sandbox over HTTP until a signal ends the process (``pos-tui sandbox``)."""
    import uvicorn

    logging.getLogger("uvicorn.error").addFilter(_quiet_drops)
    uvicorn.run(sandbox, host=host, port=port, **_UVICORN)


def server(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 8080) -> uvicorn.Server:
    """The same server as ``serve``, not started: a ``uvicorn.Server`` whose ``run()`` serves until
    its ``should_exit`` is set, from any thread (tests run one beside the process they test)."""
    import uvicorn

    logging.getLogger("uvicorn.error").addFilter(_quiet_drops)
    return uvicorn.Server(uvicorn.Config(sandbox, host=host, port=port, **_UVICORN))
