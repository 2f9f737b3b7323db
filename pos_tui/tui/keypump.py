"""A person's keys, handed to the focused widget one at a time, in the order they were typed.

Textual routes a key to whatever has the focus when the app handles it, but a key that changes
the focus or the screen (Tab, ``+`` for Earn) acts only once it has bubbled back up to a binding.
When the app falls behind (a loaded till), the next key is routed before that happens: ``-`` Tab
``300`` became 00 in the rewards list. The pump hands a key on only once the key before it has
gone all the way up the DOM, and while a screen sets up (``accepts_keys`` false) it waits: the
keys typed meanwhile go to the field that screen focuses, not to the campaign number keys.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import App
from textual.dom import DOMNode

from ..till.cards import Held

log = logging.getLogger("pos_tui.till")


class KeyPump:
    def __init__(self, app: App[Any], deliver: Callable[[Held], Awaitable[None]]) -> None:
        self.app = app
        self.deliver = deliver
        self.queue: deque[Held] = deque()
        self.waiting = False  # for a screen to set up
        self._wake = asyncio.Event()

    @property
    def idle(self) -> bool:
        """Every key put here has been handed on and handled (the last one too, after the
        queue emptied)."""
        return not self.queue and not self._wake.is_set()

    def put(self, held: Held) -> None:
        self.queue.append(held)
        self._wake.set()

    def take_back(self, first: Held) -> None:
        """A scan completed: its keys still queued are not typing (from ``first`` on, or all of
        them if ``first`` was handed on already)."""
        keys = list(self.queue)
        start = next((i for i, held in enumerate(keys) if held is first), 0)
        self.queue = deque(keys[:start])

    async def run(self) -> None:
        while True:
            await self._wake.wait()
            while self.queue:
                if not await self._screen_ready():
                    log.info("dropped %d key(s) typed for a screen that went away", len(self.queue))
                    self.queue.clear()
                    break
                held = self.queue.popleft()
                target: DOMNode = self.app.focused or self.app.screen
                await self.deliver(held)
                await self._followed(target)
            self._wake.clear()  # no await since the queue emptied: no key is missed

    async def _screen_ready(self) -> bool:
        screen = self.app.screen
        self.waiting = True
        try:
            while not getattr(screen, "accepts_keys", True):
                await asyncio.sleep(0.01)
                if self.app.screen is not screen:
                    return False
            return True
        finally:
            self.waiting = False

    async def _followed(self, target: DOMNode) -> None:
        """Until the key handed to ``target`` has been handled there and by every node it bubbles
        to (each node's queue is first in, first out)."""
        for node in target.ancestors_with_self:
            done = asyncio.Event()
            if node.call_later(done.set):
                try:
                    await asyncio.wait_for(done.wait(), 1.0)
                except TimeoutError:  # the node closed meanwhile (its screen was popped)
                    return
