"""The training room: ``pos-tui demo`` in browsers, one process and one fresh sandbox per trainee.

Built on textual-serve (its aiohttp ``Server``, its browser client and its process protocol),
with what a room on a shared network needs on top: a room password and a cookie session, a cap
on sessions, a cleaned environment and a throw-away data dir for every session process, no
directory listing, no request to any other host, and a trainer's view on standard output.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from . import pages as pages
from .session import OWNER, RoomSession, remove_abandoned_rooms

log = logging.getLogger("pos_tui.training.room")

COOKIE = "pos_tui_room"


@dataclass
class Session:
    number: int
    peer: str
    started: datetime = field(default_factory=datetime.now)
    socket: web.WebSocketResponse | None = None
    service: RoomSession | None = None


class TrainingRoom(Server):
    """textual-serve's server with a door (password, cap) and a trainer's view."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        password: str | None = None,
        max_sessions: int = 12,
        command: list[str] | None = None,
        out: Any = None,
    ) -> None:
        self.argv = command or [sys.executable, "-m", "pos_tui", "demo"]
        super().__init__(" ".join(self.argv), host=host, port=port, title="pos-tui training room")
        self._password_digest = _digest(password) if password is not None else None
        self.max_sessions = max_sessions
        self.sessions: dict[int, Session] = {}
        self._tokens: set[str] = set()
        self._count = 0
        self._out = out or sys.stdout
        self._root: Path | None = None
        self.urls: list[str] = []

    # --- the door -------------------------------------------------------------------------------

    def allowed(self, request: web.Request) -> bool:
        return self._password_digest is None or request.cookies.get(COOKIE, "") in self._tokens

    def full(self) -> bool:
        return len(self.sessions) >= self.max_sessions

    async def handle_index(self, request: web.Request) -> web.Response:
        if not self.allowed(request):
            return pages.login()
        if self.full():
            return pages.room_full(self.max_sessions)
        scheme = "wss" if request.secure else "ws"
        font_size = min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 40)
        return pages.till(f"{scheme}://{request.host}/ws", "/static/", font_size)

    async def handle_login(self, request: web.Request) -> web.Response:
        if self._password_digest is None:
            raise web.HTTPSeeOther("/")
        form = await request.post()
        given = form.get("password", "")
        if isinstance(given, str) and hmac.compare_digest(_digest(given), self._password_digest):
            token = secrets.token_urlsafe(32)
            self._tokens.add(token)
            response = web.HTTPSeeOther("/")
            response.set_cookie(
                COOKIE, token, httponly=True, samesite="Strict", secure=request.secure, path="/"
            )
            return response
        await asyncio.sleep(0.5)  # a guess costs time
        self.say(f"wrong room password from {request.remote or 'an unknown address'}")
        return pages.login(wrong=True)

    async def guard(self, request: web.Request) -> None:
        if not self.allowed(request):
            raise web.HTTPForbidden(text="Log in to the training room first.")
        origin = request.headers.get("Origin")
        if origin is not None and origin.split("://", 1)[-1] != request.host:
            raise web.HTTPForbidden(text="This page belongs to another site.")

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        await self.guard(request)
        return await super().handle_download(request)

    # --- sessions -------------------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        await self.guard(request)
        if self.full():
            raise web.HTTPServiceUnavailable(text="The training room is full.")
        self._count += 1
        session = Session(self._count, request.remote or "?")
        self.sessions[session.number] = session  # the slot is taken before the first await
        websocket = web.WebSocketResponse(heartbeat=15)
        session.socket = websocket
        width = min(max(to_int(request.query.get("width", "80"), 80), 20), 500)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), 300)
        try:
            assert self._root is not None
            data_dir = Path(tempfile.mkdtemp(prefix=f"session-{session.number}-", dir=self._root))
            session.service = service = RoomSession(
                self.argv,
                data_dir,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            await websocket.prepare(request)
            await service.start(width, height)
            self.changed(f"session {session.number} opened ({session.peer}, pid {service.pid})")
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("training session %s failed", session.number)
        finally:
            if session.service is not None:
                await asyncio.shield(session.service.stop())
            self.sessions.pop(session.number, None)
            if not websocket.closed:
                await websocket.close()
            lasted = datetime.now() - session.started
            self.changed(f"session {session.number} closed after {_duration(lasted.total_seconds())}")
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        try:
            await super()._process_messages(websocket, app_service)
        except (ValueError, AssertionError, KeyError, TypeError, AttributeError):
            log.warning("malformed message from a browser; session closed")

    # --- the trainer's view ---------------------------------------------------------------------

    def say(self, text: str) -> None:
        print(f"{datetime.now():%H:%M:%S}  {text}", file=self._out, flush=True)

    def changed(self, event: str) -> None:
        opened = ", ".join(f"#{s.number} since {s.started:%H:%M:%S}" for s in self.sessions.values())
        self.say(
            f"{event}; open {len(self.sessions)} of {self.max_sessions}" + (f": {opened}" if opened else "")
        )

    # --- the server -----------------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.post("/login", self.handle_login, name="login"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_shutdown(self, app: web.Application) -> None:
        for session in list(self.sessions.values()):
            if session.socket is not None:
                await session.socket.close()
        await asyncio.gather(
            *(s.service.stop() for s in list(self.sessions.values()) if s.service), return_exceptions=True
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Listen until ``stop`` is set; every session is stopped and its data removed on the way out."""
        await asyncio.to_thread(remove_abandoned_rooms, Path(tempfile.gettempdir()))
        self._root = Path(tempfile.mkdtemp(prefix="pos-tui-room-"))
        (self._root / OWNER).write_text(str(os.getpid()))
        runner = web.AppRunner(await self._make_app(), access_log=None, shutdown_timeout=10)
        try:
            await runner.setup()
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            server = site._server
            sockets = getattr(server, "sockets", None) or []
            self.urls = [_url(s.getsockname()) for s in sockets]
            self.on_listening()
            await stop.wait()
        finally:
            await runner.cleanup()
            await asyncio.to_thread(shutil.rmtree, self._root, True)

    def on_listening(self) -> None:
        for url in self.urls:
            print(f"pos-tui serve: training room at {url}", file=self._out, flush=True)
        door = "the room password" if self._password_digest is not None else "no password (loopback only)"
        sessions = f"{self.max_sessions} session{'' if self.max_sessions == 1 else 's'}"
        print(
            f"  trainees open that address in a browser; {door}; up to {sessions}; Ctrl+C closes the room",
            file=self._out,
            flush=True,
        )

    def serve(self, debug: bool = False) -> None:
        asyncio.run(self._serve_until_signal())

    async def _serve_until_signal(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.run(stop)


def _digest(text: str) -> bytes:
    # compare fixed-length digests, so that the comparison's time says nothing about the length
    return hashlib.sha256(text.encode("utf-8")).digest()


def _url(sockname: tuple[Any, ...]) -> str:
    host, port = sockname[0], sockname[1]
    if host in ("0.0.0.0", "::"):
        host = _hostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
