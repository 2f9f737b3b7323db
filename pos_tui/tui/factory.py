"""The one way to build the till: the CLI (``pos-tui``, ``pos-tui demo``), the tests and
``screenshots/generate.py`` all call :func:`make_app`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..services import Services
    from .app import PosApp


def make_app(
    services: Services | Callable[[], Services],
    *,
    training: bool | None = None,
    manager: bool = False,
    theme_dirs: list[Path] | None = None,
) -> PosApp:
    """The till on ``services``, or on a factory of them run in a thread behind the first screen
    (``training`` then says what the first frame shows). ``manager`` opens the manager area once
    started."""
    from .app import PosApp

    return PosApp(services, training=training, theme_dirs=theme_dirs, manager=manager)
