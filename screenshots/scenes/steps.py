"""The steps a scene takes: a reader's scan, a person's typing, waiting for the till."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual import events
from textual._time import get_time
from textual.keys import _character_to_key
from textual.pilot import Pilot

__all__ = ["customer_shown", "scan", "type_slowly", "until"]


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


async def until(pilot: Pilot[Any], condition: Callable[[], Any], timeout: float = 30.0) -> None:
    """Let the app run until ``condition()`` holds (workers talk to the sandbox in threads). The
    timeout only ends a test that would hang: a loaded machine takes several times longer."""
    from textual.css.query import NoMatches

    def holds() -> Any:
        try:
            return condition()
        except NoMatches:  # a screen just pushed, still composing: its widgets are not there yet
            return False

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not holds():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting; screen is {type(pilot.app.screen).__name__}")
        # pilot.pause() waits for the screen's pending messages; a screen still composing can
        # be read all the same (hence ``holds``).
        await pilot.pause(0.02)


async def type_slowly(pilot: Pilot[Any], text: str) -> None:
    """A person at the keypad: keys further apart than a reader's (the wedge's ``scan_gap`` plus
    10 ms; a person is slower still, which only makes a test longer), then wait until the wedge has
    handed the last key on. Each key is stamped when it is pressed, so a loaded machine spaces the
    keys more, never less."""
    wedge = getattr(pilot.app, "wedge", None)
    pump = getattr(pilot.app, "pump", None)
    gap = (wedge.gap if wedge is not None else 0.03) + 0.01
    for character in text:
        await pilot.press(_character_to_key(character))
        await pilot.pause(gap)
    if wedge is not None:  # a loaded machine handles the wedge's release late: wait for it, not longer
        await until(pilot, lambda: not wedge.held and (pump is None or pump.idle))
    await pilot.pause(0.05)


def customer_shown(app: Any) -> bool:
    """The customer screen is up and shows the customer last looked up (it fills its table when
    mounted: until then a cursor moved by a test is moved again)."""
    from pos_tui.tui.screens.customer import CustomerScreen

    screen = app.screen
    return isinstance(screen, CustomerScreen) and screen.shown is screen.info
