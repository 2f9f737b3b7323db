"""Running the kiosk against the in-process sandbox in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pos_tui.config.settings import load_settings
from pos_tui.services import demo_services
from pos_tui.till.kiosk import Guard, KioskOptions
from pos_tui.tui.kiosk import KioskApp

from .till_helpers import FROZEN


class Clock:
    """A hand-moved clock for the kiosk's limits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_kiosk(
    tmp_path: Path,
    *,
    guard: Guard | None = None,
    request_log: Path | None = None,
    clock: Any = None,
    **options: Any,
) -> KioskApp:
    services = demo_services(
        load_settings(),
        db_path=tmp_path / "kiosk.db",
        customers=20,
        today=FROZEN.date(),
        request_log=request_log,
    )
    options.setdefault("training", True)
    if clock is not None:
        return KioskApp(services, KioskOptions(**options), guard=guard, clock=clock)
    return KioskApp(services, KioskOptions(**options), guard=guard)
