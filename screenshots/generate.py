"""Render one picture per till screen into this folder, from the same scenes the snapshot tests pin.

    .venv/bin/python screenshots/generate.py

Writes ``<scene>.svg`` (the README shows them). Data is the demo data as of a fixed day, the clock
is frozen, so a run only changes a picture when a screen changed.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pos_tui.services import frozen_demo_services  # noqa: E402
from pos_tui.tui.factory import make_app  # noqa: E402
from screenshots.scenes.kiosk import KIOSK_SCENES  # noqa: E402
from screenshots.scenes.till import SCENES  # noqa: E402

THEMES = ["pos-default", "pos-high-contrast", "pos-kiosk-low-glare"]


async def render(name: str, work: Path, *, theme: str = "", out: str = "") -> Path:
    import os

    size, scene = SCENES[name]
    if theme:
        os.environ["POS_TUI_THEME"] = theme
    app = make_app(frozen_demo_services(work / (out or name)))
    app.cursor_blink = False  # still text fields: a picture changes only when a screen does
    async with app.run_test(size=size, notifications=True) as pilot:
        await scene(pilot)
        await pilot.pause(0.2)
        app.save_screenshot(filename=f"{out or name}.svg", path=str(HERE))
    os.environ.pop("POS_TUI_THEME", None)
    return HERE / f"{out or name}.svg"


#: The kiosk's pictures in the README: (scene, terminal size).
KIOSK_PICTURES = {
    "kiosk-scan": ("kiosk-scan", (120, 32)),
    "kiosk-customer": ("kiosk-customer", (120, 32)),
    "kiosk-pin": ("kiosk-pin", (120, 32)),
    "kiosk-customer-80x24": ("kiosk-customer", (80, 24)),
}


async def render_kiosk(out: str, work: Path) -> Path:
    from pos_tui.till.kiosk import KioskOptions
    from pos_tui.tui.kiosk import KioskApp

    name, size = KIOSK_PICTURES[out]
    scene, options = KIOSK_SCENES[name]
    folder = work / out
    folder.mkdir(parents=True, exist_ok=True)
    app = KioskApp(frozen_demo_services(folder), KioskOptions(**{"training": True, **options}))
    async with app.run_test(size=size, notifications=True) as pilot:
        await scene(pilot)
        await pilot.pause(0.2)
        app.save_screenshot(filename=f"{out}.svg", path=str(HERE))
    return HERE / f"{out}.svg"


async def main() -> None:
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["POS_TUI_DATA_DIR"] = tmp
        os.environ["POS_TUI_CONFIG"] = str(Path(tmp) / "none.toml")
        for name in SCENES:
            print(await render(name, Path(tmp)))
        for theme in THEMES:  # the main screen in each theme
            print(await render("customer-five-kinds", Path(tmp), theme=theme, out=f"theme-{theme}"))
        for out in KIOSK_PICTURES:
            print(await render_kiosk(out, Path(tmp)))


if __name__ == "__main__":
    asyncio.run(main())
