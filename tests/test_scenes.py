"""The snapshot scenes wait for what they read (issue 11).

The ``redeem`` scene used to read the campaign list as soon as the RedeemScreen was on top; the
list lives in a container that mounts its children in its own task, so on a busy machine it was
not there yet (NoMatches, 4 failures in 12 runs). Here the race is forced, without timing: the
redeem form's panel holds its children back until the scene has looked at the screen three times
and found it not ready. The scene as it was fails every time; today's scene waits, and leaves
the same form with the same field focused and campaign chosen as without the hold."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widget import Widget

from pos_tui.sandbox.demo import WIDGETS
from pos_tui.tui.screens.redeem import RedeemScreen

from . import scenes
from .scenes import SCENES, Scene, customer
from .till_helpers import make_app, until

SIZE, REDEEM = SCENES["redeem"]


class HeldForm:
    """Once ``hold()`` is called, the redeem form's panel mounts its children only after
    ``release()``, through ``mount_composed_widgets`` (the hook Textual's own ``Lazy`` uses to
    mount late): what a busy machine does to the container's task. A sleep inside an event
    handler would not do, as Pilot's pauses wait until every widget has handled its events."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.released = asyncio.Event()
        self.held: list[Vertical] = []
        self.looks = 0  # how often a scene found the screen not ready while the form was held

    def hold(self) -> None:
        original = Vertical.mount_composed_widgets

        async def mount_later(panel: Vertical, widgets: list[Widget]) -> None:
            if isinstance(panel.screen, RedeemScreen) and panel.has_class("form"):
                self.held.append(panel)

                async def later() -> None:
                    await self.released.wait()
                    await panel.mount_all(widgets)

                panel.run_worker(later())
            else:
                await original(panel, widgets)

        self.monkeypatch.setattr(Vertical, "mount_composed_widgets", mount_later)

    def release_after_three_looks(self) -> None:
        """The scenes' ``until`` counts each look at a held screen; the third releases the form."""

        async def watched(pilot: Pilot[Any], condition: Callable[[], Any], timeout: float = 10.0) -> None:
            def look() -> Any:
                ready = condition()
                if not ready and self.held and not self.released.is_set():
                    self.looks += 1
                    if self.looks == 3:
                        self.released.set()
                return ready

            await until(pilot, look, timeout)

        self.monkeypatch.setattr(scenes, "until", watched)


@pytest.fixture
def form(monkeypatch: pytest.MonkeyPatch) -> HeldForm:
    return HeldForm(monkeypatch)


async def redeem_before_the_fix(pilot: Pilot[Any]) -> None:
    """The scene as it was before f39999e: a RedeemScreen on top was taken for a composed one."""
    await customer(pilot)
    await pilot.press("minus")
    await scenes.until(pilot, lambda: isinstance(pilot.app.screen, RedeemScreen))
    await scenes.until(
        pilot, lambda: getattr(getattr(pilot.app.screen, "campaign", None), "id", None) == WIDGETS
    )


async def picture(tmp_path: Path, scene: Scene) -> tuple[str, str, str]:
    """What the scene leaves on the screen: its text, the focused field and the chosen campaign
    (the text, not the styles: how Rich splits a border into segments varied between runs)."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await scene(pilot)
        svg = app.export_screenshot(title="redeem")
        screen = app.screen
        assert isinstance(screen, RedeemScreen)
        text = "".join(
            html.unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(r"<text[^>]*>.*?</text>", svg)
        )
        return text, str(getattr(screen.focused, "id", "")), str(getattr(screen.campaign, "id", ""))


async def test_the_old_redeem_scene_reads_the_form_before_it_has_composed(tmp_path, form):
    """The control: holding the form back opens the race the old scene lost."""
    form.hold()
    form.release_after_three_looks()
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        with pytest.raises(NoMatches, match="#campaign"):
            await redeem_before_the_fix(pilot)
        assert len(form.held) == 1 and form.looks == 0 and not app.screen.query("#campaign")
        form.released.set()


async def test_the_redeem_scene_waits_for_a_late_form(tmp_path, form):
    plain = await picture(tmp_path / "plain", REDEEM)
    form.hold()
    form.release_after_three_looks()
    held = await picture(tmp_path / "held", REDEEM)
    assert len(form.held) == 1 and form.looks == 3
    assert plain[1:] == held[1:] == ("rewards", WIDGETS)  # the same field focused, the same campaign
    for shown in ("1\xa0\xa0Widget\xa0Rewards", "Free\xa0Widget", "Custom\xa0points", "Note"):
        assert shown in plain[0] and shown in held[0], shown
