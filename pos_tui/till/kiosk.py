"""The customer kiosk's rules, in plain Python: what a customer may see, how often they may try,
the manager PIN, and whether the kiosk's account is safe to use.

The screens (``pos_tui/tui/kiosk.py``) only draw a :class:`KioskView`; it has no field for the
customer's code, card number, phone, e-mail, address, custom fields or history, so a screen
cannot show them by mistake.
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Limits (against a customer guessing PINs, and against someone enumerating card numbers).
SCANS_PER_MINUTE = 12
PIN_TRIES_PER_CARD = 3  # then the card is refused for CARD_LOCK_SECONDS
CARD_LOCK_SECONDS = 15 * 60
PIN_TRIES_PER_MINUTE = 5  # all cards together
MANAGER_TRIES = 3  # per MANAGER_LOCK_SECONDS
MANAGER_LOCK_SECONDS = 5 * 60


@dataclass(frozen=True)
class KioskOptions:
    idle_seconds: int = 20
    customer_pin: bool = False
    manager_pin_hash: str = ""
    training: bool = False
    scan_gap: float = 0.03
    theme: str = "pos-kiosk-low-glare"

    @classmethod
    def from_settings(cls, settings: Any, *, training: bool) -> KioskOptions:
        return cls(
            idle_seconds=settings.kiosk_idle_seconds,
            customer_pin=settings.kiosk_customer_pin,
            manager_pin_hash=settings.kiosk_manager_pin_hash,
            training=training,
            scan_gap=settings.scan_gap_ms / 1000,
            theme=settings.kiosk_theme,
        )


# What the customer sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One campaign as the kiosk shows it: a big figure, its unit, and the rewards ready now."""

    title: str
    figure: str  # digits only (for the big-digit rendering); "" when the balance has no one number
    unit: str
    lines: tuple[str, ...] = ()  # buy-X items, one per line
    ready: tuple[str, ...] = ()


@dataclass(frozen=True)
class KioskView:
    first_name: str
    tiles: tuple[Tile, ...]


def kiosk_view(info: Any) -> KioskView:
    """The only things a kiosk shows: the first name, each balance in its campaign's terms, and the
    rewards the customer can claim now."""
    return KioskView(
        first_name=info.customer.first_name.strip() or "there",
        tiles=tuple(tile(c) for c in info.campaigns),
    )


def tile(c: Any) -> Tile:
    from ..api import models as m  # the API stack loads behind the first screen, not before it
    from .amounts import amount, money
    from .balances import affordable

    ready = tuple(_reward_name(r) for r in getattr(c, "available_rewards", []) if affordable(c, r))
    if isinstance(c, m.PointsCampaign):
        worth = f" · worth {money(c.monetary_balance, c.currency, c.glyph)}" if c.monetary_balance else ""
        return Tile(c.name, amount(c.balance), f"points{worth}", ready=ready)
    if isinstance(c, m.GiftCardCampaign | m.EarnedCampaign):
        unit = c.currency or c.glyph or ""
        what = "on your gift card" if isinstance(c, m.GiftCardCampaign) else "to spend"
        figure = money(c.balance) if c.balance is not None else "-"
        return Tile(c.name, figure, f"{unit} {what}".strip(), ready=ready)
    if isinstance(c, m.EventsCampaign):
        return Tile(c.name, amount(c.balance), "visits", ready=ready)
    if isinstance(c, m.BuyXCampaign):
        lines = tuple(f"{i.name}: {amount(i.balance)} bought" for i in c.balances) or ("nothing bought yet",)
        return Tile(c.name, "", "", lines=lines, ready=ready)
    return Tile(getattr(c, "name", "") or "Other", amount(getattr(c, "balance", None)), "")


def _reward_name(reward: Any) -> str:
    from ..api import models as m

    if isinstance(reward, m.BuyXReward):
        return f"free {reward.name}".strip()  # the item name is often plural: "free Coffees"
    return reward.description or "a reward"


# Limits ------------------------------------------------------------------------------------------


@dataclass
class Window:
    """At most ``limit`` events in any ``seconds``-long window."""

    limit: int
    seconds: float
    times: deque[float] = field(default_factory=deque)

    def allow(self, now: float) -> bool:
        while self.times and now - self.times[0] >= self.seconds:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True

    def wait(self, now: float) -> float:
        """Seconds until the next event is allowed."""
        if len(self.times) < self.limit:
            return 0.0
        return max(0.0, self.seconds - (now - self.times[0]))


@dataclass
class Guard:
    """Scans per minute; PIN tries per card and per minute. ``clock`` is injectable for tests."""

    clock: Callable[[], float] = time.monotonic
    scans: Window = field(default_factory=lambda: Window(SCANS_PER_MINUTE, 60))
    pin_tries: Window = field(default_factory=lambda: Window(PIN_TRIES_PER_MINUTE, 60))
    card_tries: dict[str, Window] = field(default_factory=dict)
    manager: Window = field(default_factory=lambda: Window(MANAGER_TRIES, MANAGER_LOCK_SECONDS))

    def scan_allowed(self) -> bool:
        return self.scans.allow(self.clock())

    def card_locked(self, card: str) -> bool:
        window = self.card_tries.get(card)
        return window is not None and window.wait(self.clock()) > 0

    def pin_try_allowed(self, card: str) -> str:
        """ "" when a PIN may be tried now, else why not ("card" or "minute")."""
        now = self.clock()
        window = self.card_tries.setdefault(card, Window(PIN_TRIES_PER_CARD, CARD_LOCK_SECONDS))
        if window.wait(now) > 0:
            return "card"
        if not self.pin_tries.allow(now):
            return "minute"
        window.allow(now)
        return ""

    def pin_accepted(self, card: str) -> None:
        self.card_tries.pop(card, None)

    def manager_try_allowed(self) -> bool:
        return self.manager.allow(self.clock())


# The kiosk's account ---------------------------------------------------------------------------------


class KioskRefused(Exception):
    """The kiosk must not start with this account (the message says why and what to do)."""


def check_kiosk_account(
    till_user: str, kiosk_user: str, till_secret: Any = None, kiosk_secret: Any = None
) -> None:
    """Refuse the till's own API user, or the till's secret, on a customer-facing screen.

    What can be told from here: the kiosk's user id (``kiosk_user_id``) must be set and differ from
    the till's (``user_id``), and its secret must differ from the till's when the till's is on this
    machine (keyring or ``POS_TUI_API_KEY``). Whether the user is read-only only the account's
    administrator can see: the README says to make it so."""
    if not kiosk_user:
        raise KioskRefused(
            "no kiosk user is set: the kiosk needs its own read-only API user of the account "
            "(run 'pos-tui kiosk --login')"
        )
    if till_user and kiosk_user.strip().casefold() == till_user.strip().casefold():
        raise KioskRefused(
            f"kiosk_user_id is the till's own user ({till_user}): give the kiosk a read-only user "
            "of its own (run 'pos-tui kiosk --login')"
        )
    if till_secret is not None and kiosk_secret is not None:
        a = _secret_bytes(till_secret)
        if a and hmac.compare_digest(a, _secret_bytes(kiosk_secret)):
            raise KioskRefused(
                "the kiosk's secret is the till's: give the kiosk a read-only user with a secret of its own"
            )


def _secret_bytes(secret: Any) -> bytes:
    value = secret.get_secret_value() if hasattr(secret, "get_secret_value") else str(secret or "")
    return value.encode()


def figure_is_number(text: str) -> bool:
    """Whether the big-digit rendering can draw ``text`` (digits, separators, a sign)."""
    return bool(text) and all(ch in "0123456789.,-+" for ch in text) and any(ch.isdigit() for ch in text)


__all__ = [
    "Guard",
    "KioskOptions",
    "KioskRefused",
    "KioskView",
    "Tile",
    "Window",
    "check_kiosk_account",
    "kiosk_view",
]
