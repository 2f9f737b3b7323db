"""The training room (``pos-tui serve``), tested over HTTP and WebSocket on loopback."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual_serve", reason="the training room needs textual-serve (extra 'serve')")

import aiohttp  # noqa: E402  (textual-serve brings it)

from pos_tui.cli.serve import is_loopback  # noqa: E402
from pos_tui.training.session import ALLOWED_ENV  # noqa: E402

from .room_helpers import PASSWORD, Room, running_room  # noqa: E402

SESSION_ENV = set(ALLOWED_ENV) | {
    "TEXTUAL_DRIVER",
    "TEXTUAL_FPS",
    "TEXTUAL_COLOR_SYSTEM",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "COLUMNS",
    "ROWS",
    "POS_TUI_DATA_DIR",
    "POS_TUI_CONFIG",
    "PYTHONDONTWRITEBYTECODE",
}


def http() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # unsafe: cookies on an IP


async def log_in(
    client: aiohttp.ClientSession, room: Room, password: str = PASSWORD
) -> aiohttp.ClientResponse:
    return await client.post(room.url + "login", data={"password": password}, allow_redirects=False)


async def screen_until(ws: aiohttp.ClientWebSocketResponse, text: bytes, timeout: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while text not in seen:
        message = await asyncio.wait_for(ws.receive(), max(0.1, deadline - time.monotonic()))
        assert message.type == aiohttp.WSMsgType.BINARY, message
        seen += message.data
    return seen


def wait_until(condition, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pos_tui", "serve", *args], capture_output=True, text=True, timeout=30
    )


# --- the door --------------------------------------------------------------------------------------


def test_it_refuses_to_listen_beyond_loopback_without_a_password():
    result = serve("--host", "0.0.0.0", "--port", "0")
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 without a room password" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_or_missing_password_file_is_refused(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    result = serve("--password-file", str(empty), "--port", "0")
    assert result.returncode == 2 and "is empty" in result.stderr
    result = serve("--password-file", str(tmp_path / "nope.txt"), "--port", "0")
    assert result.returncode == 2 and "nope.txt" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("till-room.lan", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool):
    assert is_loopback(host) is loopback


async def test_the_room_asks_for_its_password_and_keeps_a_cookie_session(tmp_path: Path):
    with running_room(tmp_path) as room:
        async with http() as client:
            page = await client.get(room.url)
            assert page.status == 200
            body = await page.text()
            assert 'type="password"' in body and "data-session-websocket-url" not in body
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(room.ws_url)
            assert refused.value.status == 403

            wrong = await log_in(client, room, "tiger lily 8")
            assert wrong.status == 401 and "Wrong password" in await wrong.text()
            assert not client.cookie_jar.filter_cookies(room.url)  # type: ignore[arg-type]
            room.wait_for_line(r"wrong room password from 127\.0\.0\.1")

            right = await log_in(client, room)
            assert right.status == 303 and right.headers["Location"] == "/"
            cookie = right.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            till = await (await client.get(room.url)).text()
            assert f'data-session-websocket-url="{room.ws_url}"' in till
            # the page asks nothing of any other host (textual-serve's own page loads a web font)
            assert not re.findall(r"(?:src|href)=\"(?:https?:)?//", till)


async def test_no_directory_listing(tmp_path: Path):
    with running_room(tmp_path) as room:
        async with http() as client:
            for path in ("static/", "static/js/", "static/fonts/", "static/css"):
                response = await client.get(room.url + path)
                assert response.status in (403, 404), path
                assert "Index of" not in await response.text()
            assert (await client.get(room.url + "static/js/textual.js")).status == 200


async def test_a_websocket_from_another_site_is_refused(tmp_path: Path):
    with running_room(tmp_path) as room:
        async with http() as client:
            await log_in(client, room)
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(room.ws_url, headers={"Origin": "http://evil.example"})
            assert refused.value.status == 403
        assert room.session_pids() == []


# --- sessions ----------------------------------------------------------------------------------------


async def test_a_session_gets_its_own_process_clean_environment_and_fresh_data_then_nothing_is_left(
    tmp_path: Path,
):
    secrets = {
        "POS_TUI_API_KEY": "server-secret-api-key",
        "POS_TUI_USER_ID": "trainer",
        "AWS_SECRET_ACCESS_KEY": "aws-secret",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/0/bus",
        "TEXTUAL": "debug,devtools",
    }
    with running_room(tmp_path, env=secrets) as room:
        async with http() as client:
            await log_in(client, room)
            async with client.ws_connect(room.ws_url + "?width=100&height=30") as ws:
                screen = await screen_until(ws, b"TRAINING")
                assert b"Scan" in screen
                opened = room.wait_for_line(r"(\d\d:\d\d:\d\d)  session 1 opened \(127\.0\.0\.1, pid (\d+)\)")
                pid = int(opened.group(2))
                assert room.session_pids() == [pid]
                assert re.search(rf"open 1 of 12: #1 since {opened.group(1)}", room.output())

                raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                env = dict(item.decode().split("=", 1) for item in raw if item)
                assert set(env) <= SESSION_ENV, set(env) - SESSION_ENV
                assert not set(secrets) & set(env)
                assert not any(value in env.values() for value in secrets.values())
                data = Path(env["POS_TUI_DATA_DIR"])
                assert data.parent.parent == tmp_path and data.parent.name.startswith("pos-tui-room-")
                # its own fresh sandbox, made behind the first screen
                assert wait_until(lambda: (data / "training.db").is_file())
                assert env["COLUMNS"] == "100" and env["ROWS"] == "30"
            assert wait_until(lambda: room.session_pids() == [])
            room.wait_for_line(r"session 1 closed after 0:\d\d; open 0 of 12")
            assert wait_until(lambda: not data.exists())
            assert room.session_dirs() == []


async def test_a_full_room_says_so_and_opens_again_when_a_trainee_leaves(tmp_path: Path):
    with running_room(tmp_path, "--max-sessions", "1") as room:
        async with http() as first, http() as second:
            await log_in(first, room)
            await log_in(second, room)
            async with first.ws_connect(room.ws_url) as ws:
                await screen_until(ws, b"TRAINING")
                full = await second.get(room.url)
                assert full.status == 503
                text = await full.text()
                assert "The training room is full" in text and "The training till is in use" in text
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await second.ws_connect(room.ws_url)
                assert refused.value.status == 503
                assert len(room.session_pids()) == 1
            # the slot is free once the till is gone and its data removed: the trainer's view says so
            room.wait_for_line(r"session 1 closed")
            assert room.session_pids() == [] and room.session_dirs() == []
            assert any("up to 1 session;" in line for line in room.lines)  # not "1 sessions"
            again = await second.get(room.url)
            assert again.status == 200 and "data-session-websocket-url" in await again.text()


async def test_closing_the_room_ends_every_session_and_removes_its_data(tmp_path: Path):
    with running_room(tmp_path) as room:
        async with http() as client:
            await log_in(client, room)
            async with client.ws_connect(room.ws_url) as ws:
                await screen_until(ws, b"TRAINING")
                pids = room.session_pids()
                assert len(pids) == 1 and len(room.session_dirs()) == 1
                room.process.send_signal(signal.SIGINT)
                assert room.process.wait(timeout=30) == 0
        assert wait_until(lambda: not Path(f"/proc/{pids[0]}").exists(), 5)
        assert room.room_dirs() == []
        assert "the training room is closed" in room.output()


async def test_without_a_password_on_loopback_the_room_is_open(tmp_path: Path):
    with running_room(tmp_path, password=None) as room:
        assert "no password (loopback only)" in room.output() or wait_until(
            lambda: "no password (loopback only)" in room.output(), 5
        )
        async with http() as client:
            till = await (await client.get(room.url)).text()
            assert "data-session-websocket-url" in till


async def test_a_killed_room_takes_its_sessions_with_it_and_the_next_room_removes_its_folder(tmp_path: Path):
    with running_room(tmp_path) as room:
        async with http() as client:
            await log_in(client, room)
            async with client.ws_connect(room.ws_url) as ws:
                await screen_until(ws, b"TRAINING")
                pids = room.session_pids()
                assert len(pids) == 1
                room.process.kill()  # kill -9: the room cannot stop its sessions itself
                room.process.wait(timeout=10)
        assert wait_until(lambda: not Path(f"/proc/{pids[0]}").exists(), 15)  # parent-death signal
        left = room.room_dirs()
        assert len(left) == 1 and list(left[0].glob("session-*"))
    with running_room(tmp_path) as again:
        assert again.room_dirs() != left and len(again.room_dirs()) == 1


async def a_page_the_room_closes(command: list[str]) -> str:
    """A training room whose till is ``command``: a page is opened and must be closed by the room
    (within 20 s) when that till ends; returns what the room told the trainer."""
    from pos_tui.training.room import TrainingRoom

    view = io.StringIO()
    room = TrainingRoom(port=0, command=command, out=view)
    stop = asyncio.Event()
    serving = asyncio.create_task(room.run(stop))
    try:
        while not room.urls:
            await asyncio.sleep(0.02)
        async with http() as client:
            ws = await client.ws_connect(room.urls[0] + "ws")
            message = await asyncio.wait_for(ws.receive(), 20)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        for _ in range(200):
            if "session 1 closed" in view.getvalue():
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await serving
    return view.getvalue()


async def test_a_till_that_fails_ends_the_page_and_its_stderr_goes_to_the_log_not_the_trainer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    crash = "import sys; sys.stderr.write('Traceback (most recent call last): boom [/x]\\n'); sys.exit(70)"
    view = await a_page_the_room_closes([sys.executable, "-c", crash])
    assert "session 1 closed" in view
    assert "boom" not in view and "Traceback" not in view
    assert any("boom [/x]" in r.getMessage() for r in caplog.records if r.name == "pos_tui.training.room")


async def test_a_till_that_ended_before_its_output_was_read_still_ends_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Under load the failing till had exited before textual-serve's reader first ran. That reader
    starts a task for stderr, reads stdout (at its end: no wait), then cancels the stderr task and
    awaits it; cancelled before it ever ran, that task raised CancelledError into the reader, which
    ended the session's task as cancelled, and the page waited on a till that was gone (1 to 2 in
    150 runs with five workers and `yes`). Waiting for the till's exit first makes it certain."""
    from pos_tui.training.session import RoomSession

    opened = RoomSession._open_app_process

    async def exited_first(self: RoomSession, width: int = 80, height: int = 24) -> Any:
        process = await opened(self, width, height)
        await process.wait()  # the till is gone and its pipes are closed before the reader starts
        return process

    monkeypatch.setattr(RoomSession, "_open_app_process", exited_first)
    await a_page_the_room_closes([sys.executable, "-c", "raise SystemExit(70)"])


async def test_a_session_whose_output_cannot_be_read_still_ends_the_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    """textual-serve's reader raising anything it does not expect ended the session's task with
    the page left open, waiting for a till that was gone; the page is closed whatever way the
    reader ends, and the error goes to the log."""
    from textual_serve.app_service import AppService

    async def broken(self: AppService) -> None:
        raise ValueError("a line of output too long to read")

    monkeypatch.setattr(AppService, "run", broken)
    await a_page_the_room_closes([sys.executable, "-c", "import time; time.sleep(30)"])
    assert any("reading the till's output failed" in r.getMessage() for r in caplog.records)


def test_a_port_in_use_is_a_clear_message(tmp_path: Path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "pos_tui", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "TMPDIR": str(tmp_path)},
        )
    assert result.returncode == 2, result
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.glob("pos-tui-room-*")) == []


def test_without_textual_serve_the_command_says_which_extra_to_install():
    code = "import sys; sys.modules['textual_serve'] = None; from pos_tui.cli import main; sys.exit(main(['serve']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "pip install 'pos-tui[serve]'" in result.stderr and "Traceback" not in result.stderr


async def test_a_till_that_ignores_quit_and_sigterm_is_killed_with_its_group_and_its_data_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import io

    from pos_tui.training import session as room_session
    from pos_tui.training.room import TrainingRoom

    monkeypatch.setattr(room_session, "QUIT_GRACE", 0.5)
    monkeypatch.setattr(room_session, "KILL_GRACE", 0.5)
    stubborn = (
        "import signal, subprocess, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import signal, time; "
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'])\n"
        "open('child.pid', 'w').write(str(child.pid))\n"
        "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush(); time.sleep(600)\n"
    )
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    view = io.StringIO()
    room = TrainingRoom(port=0, command=[sys.executable, "-c", stubborn], out=view)
    stop = asyncio.Event()
    serving = asyncio.create_task(room.run(stop))
    try:
        while not room.urls:
            await asyncio.sleep(0.02)
        async with http() as client:
            async with client.ws_connect(room.urls[0] + "ws"):
                session = next(iter(room.sessions.values()))
                assert session.service is not None
                data = session.service.data_dir
                for _ in range(200):
                    if (data / "child.pid").is_file() and (data / "child.pid").read_text():
                        break
                    await asyncio.sleep(0.05)
                pids = [session.service.pid, int((data / "child.pid").read_text())]
        for _ in range(200):
            if "session 1 closed" in view.getvalue():
                break
            await asyncio.sleep(0.05)
        assert "session 1 closed" in view.getvalue()
        assert not data.exists()
        for pid in pids:  # the till and the process it started: SIGKILL to the whole group
            assert (
                not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
            )
    finally:
        stop.set()
        await serving
