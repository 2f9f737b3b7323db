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

from tests.scenes import SCENES  # noqa: E402
from tests.till_helpers import make_app  # noqa: E402

THEMES = ["pos-default", "pos-high-contrast", "pos-kiosk-low-glare"]


async def render(name: str, work: Path, *, theme: str = "", out: str = "") -> Path:
    import os

    size, scene = SCENES[name]
    if theme:
        os.environ["POS_TUI_THEME"] = theme
    app = make_app(work / (out or name))
    async with app.run_test(size=size) as pilot:
        await scene(pilot)
        await pilot.pause(0.2)
        app.save_screenshot(filename=f"{out or name}.svg", path=str(HERE))
    os.environ.pop("POS_TUI_THEME", None)
    return HERE / f"{out or name}.svg"


async def main() -> None:
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["POS_TUI_DATA_DIR"] = tmp
        os.environ["POS_TUI_CONFIG"] = str(Path(tmp) / "none.toml")
        for name in SCENES:
            print(await render(name, Path(tmp)))
        for theme in THEMES:  # the main screen in each theme
            print(await render("customer-five-kinds", Path(tmp), theme=theme, out=f"theme-{theme}"))


if __name__ == "__main__":
    asyncio.run(main())
