"""Running the till against the in-process sandbox in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pos_tui.services import FROZEN, frozen_demo_services
from pos_tui.tui import factory
from pos_tui.tui.app import PosApp
from screenshots.scenes.steps import customer_shown, scan, type_slowly, until

__all__ = ["FROZEN", "customer_shown", "make_app", "scan", "type_slowly", "until"]


def make_app(tmp_path: Path, *, theme_dirs: list[Path] | None = None, **sandbox: Any) -> PosApp:
    """The demo till with its data seeded as of FROZEN's day, a frozen clock and no cursor blink."""
    app = factory.make_app(frozen_demo_services(tmp_path, **sandbox), theme_dirs=theme_dirs)
    app.cursor_blink = False  # still text fields: repeatable snapshots
    return app
