"""One trainee's till in the training room: its process, its environment, its data, its end.

``python -m pos_tui demo`` is exec'd (no shell) in its own process group with an allow-listed
environment and a fresh data dir; when the page closes it is asked to quit, then SIGTERM, then
SIGKILL, and its data dir is removed. On Linux it also dies with a room killed by SIGKILL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from textual_serve.app_service import AppService

log = logging.getLogger("pos_tui.training.room")

# What a session process may inherit from the server; everything else (POS_TUI_API_KEY, tokens,
# D-Bus and keyring addresses, proxies, TEXTUAL debug switches) stays behind.
ALLOWED_ENV = ("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TERM", "TZ")
QUIT_GRACE = 5.0  # seconds a session process gets to quit after its page closes
KILL_GRACE = 3.0  # then SIGTERM, this long, then SIGKILL
OWNER = "room.pid"  # in the room's folder: a later room removes the folder of one that was killed


def _parent_death_signal() -> Any:
    """Linux: a session process gets SIGTERM if the room dies without stopping it (kill -9)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, not in the forked child
    except (OSError, AttributeError):
        return None

    def set_it() -> None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return set_it


_ON_FORK = _parent_death_signal()


def session_environment(data_dir: Path, width: int, height: int) -> dict[str, str]:
    """The whole environment of a session process: the allow-list, the web driver, its own data."""
    env = {name: os.environ[name] for name in ALLOWED_ENV if name in os.environ}
    env.setdefault("TERM", "xterm-256color")
    env.update(
        TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver",
        TEXTUAL_FPS="60",
        TEXTUAL_COLOR_SYSTEM="truecolor",
        TERM_PROGRAM="textual",
        TERM_PROGRAM_VERSION=version("textual-serve"),
        COLUMNS=str(width),
        ROWS=str(height),
        POS_TUI_DATA_DIR=str(data_dir),
        POS_TUI_CONFIG=str(data_dir / "config.toml"),  # absent: the demo's defaults
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


class RoomSession(AppService):
    """One trainee's till: ``python -m pos_tui demo`` in a fresh data dir, removed at the end."""

    def __init__(self, argv: list[str], data_dir: Path, **kw: Any) -> None:
        super().__init__(" ".join(argv), **kw)
        self.argv = argv
        self.data_dir = data_dir
        self._stopped = False
        self._stderr_task: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        # exec, not a shell; its own process group, so that stopping it stops all of it
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=session_environment(self.data_dir, width, height),
            cwd=self.data_dir,
            start_new_session=True,
            preexec_fn=_ON_FORK,
        )
        assert process.stdin is not None and process.stderr is not None
        self._stdin = process.stdin
        # textual-serve copies a session's stderr to the server's stdout; ours goes to the log
        self._stderr_task = asyncio.create_task(_log_stderr(process.stderr, self.data_dir.name))
        quiet = asyncio.StreamReader()
        quiet.feed_eof()
        process.stderr = quiet
        return process

    async def run(self) -> None:
        try:
            await super().run()
        except asyncio.CancelledError:
            # textual-serve's reader cancels its stderr task and awaits it. When the till had
            # exited before the reader first waited, that task was cancelled before it ever ran,
            # and its CancelledError comes out here though nobody cancelled this task. Only stop()
            # cancels it (this task then has a cancellation pending): that one goes on.
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
        except Exception:  # textual-serve's reader failed: the till is as good as gone
            log.exception("%s: reading the till's output failed", self.data_dir.name)
        await self.remote_close()  # the till has ended (or never started): the page says so

    async def stop(self) -> None:
        """Ask the till to quit, then make sure it is gone, then remove its data. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        task, self._task = self._task, None
        process = self._process
        try:
            if task is not None:
                await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
                if process is not None and process.returncode is None:
                    await self.send_meta({"type": "quit"})
                try:
                    await asyncio.wait_for(asyncio.shield(task), QUIT_GRACE)
                except TimeoutError:
                    pass
            if process is not None:
                await _reap(process, 1.0 if task is not None else 0.0)
            if task is not None and not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            if self._stderr_task is not None:
                await asyncio.gather(self._stderr_task, return_exceptions=True)
        finally:
            await asyncio.to_thread(shutil.rmtree, self.data_dir, True)


async def _log_stderr(stream: asyncio.StreamReader, name: str) -> None:
    kept = b""
    while chunk := await stream.read(4096):
        kept = (kept + chunk)[-16384:]
    if kept.strip():
        log.warning("%s wrote to stderr:\n%s", name, kept.decode("utf-8", "replace"))


async def _reap(process: asyncio.subprocess.Process, grace: float) -> None:
    """Wait ``grace`` seconds for the process to end, then SIGTERM its group, then SIGKILL it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            await asyncio.wait_for(process.wait(), grace)
            return
        except TimeoutError:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
        grace = KILL_GRACE
    await process.wait()


def remove_abandoned_rooms(base: Path) -> list[Path]:
    """Remove the folders of rooms whose server is gone (killed before it could clean up)."""
    removed = []
    for folder in base.glob("pos-tui-room-*"):
        try:
            if not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            pid = int((folder / OWNER).read_text())
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
            continue  # that room is running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
