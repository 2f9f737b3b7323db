"""Running the till against the in-process sandbox in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import events
from textual._time import get_time
from textual.keys import _character_to_key
from textual.pilot import Pilot

from pos_tui.services import demo_services
from pos_tui.settings import load_settings
from pos_tui.tui.app import PosApp

FROZEN = datetime(2026, 11, 22, 14, 3, 0)


def make_app(tmp_path: Path, **kw: Any) -> PosApp:
    """The demo till with its data seeded as of FROZEN's day, a frozen clock and no cursor blink."""
    theme_dirs = kw.pop("theme_dirs", None)
    services = demo_services(
        load_settings(),
        db_path=tmp_path / "training.db",
        customers=kw.pop("customers", 20),
        today=FROZEN.date(),
        **kw,
    )
    services.clock = lambda: FROZEN
    services.receipts_dir = tmp_path / "receipts"
    services.theme = ""  # the theme follows POS_TUI_THEME / the settings file in tests
    return PosApp(services, cursor_blink=False, theme_dirs=theme_dirs)


async def scan(pilot: Pilot[Any], text: str, terminator: str = "enter", at: float | None = None) -> None:
    """Keys as a reader sends them: all stamped with the same instant (``at``, default now), then Enter."""
    now = get_time() if at is None else at
    for character in text:
        key = events.Key(_character_to_key(character), character)
        key.time = now
        pilot.app.post_message(key)
    end = events.Key(terminator, None)
    end.time = now
    pilot.app.post_message(end)
    await pilot.pause()


async def until(pilot: Pilot[Any], condition: Callable[[], Any], timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (workers talk to the sandbox in threads)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting; screen is {type(pilot.app.screen).__name__}")
        await pilot.pause(0.02)


async def type_slowly(pilot: Pilot[Any], text: str) -> None:
    """A person at the keypad: 80 ms between keys (Pilot.press alone may be faster than a person)."""
    for character in text:
        await pilot.press(_character_to_key(character))
        await pilot.pause(0.08)
    await pilot.pause(0.2)  # past the wedge's wait for a following key
    # and until the wedge has let the last key go (a busy loop can hold it longer than 0.2 s)
    wedge = getattr(pilot.app, "wedge", None)
    if wedge is not None:
        await until(pilot, lambda: not wedge.held)
        await pilot.pause()
