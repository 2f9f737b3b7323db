"""The kiosk's screens in named states, driven by Pilot. Used by the kiosk snapshot tests and by
``screenshots/generate.py``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from pos_tui.sandbox.demo import JANE, JOHN
from pos_tui.tui.screens.kiosk import KioskCustomerScreen, KioskManagerScreen, KioskPinScreen

from .steps import scan, until

Scene = Callable[[Pilot[Any]], Awaitable[None]]


async def scan_your_card(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.1)


async def customer(pilot: Pilot[Any]) -> None:
    await scan(pilot, JANE["card_number"])
    await until(pilot, lambda: isinstance(pilot.app.screen, KioskCustomerScreen))
    await pilot.pause(0.2)


async def customer_john(pilot: Pilot[Any]) -> None:
    await scan(pilot, JOHN["card_number"])
    await until(pilot, lambda: isinstance(pilot.app.screen, KioskCustomerScreen))
    await pilot.pause(0.2)


async def unknown_card(pilot: Pilot[Any]) -> None:
    await scan(pilot, "99887766")
    await until(pilot, lambda: "We do not know" in str(pilot.app.scan_screen.message.render()))  # type: ignore[attr-defined]
    await pilot.pause(0.1)


async def customer_pin(pilot: Pilot[Any]) -> None:
    await scan(pilot, JANE["card_number"])
    await until(pilot, lambda: isinstance(pilot.app.screen, KioskPinScreen))
    for key in "24":
        await pilot.press(key)
    await pilot.pause(0.4)


async def manager(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+k", "ctrl+x")
    await until(pilot, lambda: isinstance(pilot.app.screen, KioskManagerScreen))
    await pilot.pause(0.1)


#: name -> (scene, kiosk options)
KIOSK_SCENES: dict[str, tuple[Scene, dict[str, Any]]] = {
    "kiosk-scan": (scan_your_card, {}),
    "kiosk-customer": (customer, {}),
    "kiosk-customer-john": (customer_john, {}),
    "kiosk-unknown-card": (unknown_card, {}),
    "kiosk-pin": (customer_pin, {"customer_pin": True}),
    "kiosk-manager": (manager, {"manager_pin_hash": "scrypt$16384$8$1$AAAA$AAAA", "training": False}),
}
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
