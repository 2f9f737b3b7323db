"""How balances read to a cashier, per campaign kind. Plain Python (used by screens and tests)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..api import kinds
from ..api import models as m
from .amounts import amount, money


def kind_title(campaign: Any) -> str:
    """The campaign's kind in words ("Other" when it names none)."""
    return kinds.title(getattr(campaign, "type", "") or "Other")


def balance_text(c: Any) -> str:
    """The balance in the campaign's own terms."""
    if isinstance(c, m.PointsCampaign):
        worth = (
            f" ({money(c.monetary_balance, c.currency, c.glyph)})" if c.monetary_balance is not None else ""
        )
        return f"{amount(c.balance)} pts{worth}"
    if isinstance(c, m.GiftCardCampaign | m.EarnedCampaign):
        return money(c.balance, c.currency, c.glyph)
    if isinstance(c, m.EventsCampaign):
        return f"{amount(c.balance)} visits"
    if isinstance(c, m.BuyXCampaign):
        return ", ".join(f"{i.name} {amount(i.balance)}" for i in c.balances) or "nothing bought yet"
    return amount(getattr(c, "balance", None))


def details_text(c: Any) -> str:
    parts = []
    if isinstance(c, m.BuyXCampaign):
        free = [f"{i.name} ×{amount(i.earned)}" for i in c.balances if (i.earned or 0) > 0]
        parts.append("free: " + ", ".join(free) if free else "no free item yet")
    elif getattr(c, "cumulative", None) is not None:
        value = c.cumulative
        text = (
            money(value, c.currency, c.glyph)
            if isinstance(c, m.GiftCardCampaign | m.EarnedCampaign)
            else amount(value)
        )
        parts.append(f"lifetime {text}")
    if c.is_coalition:
        parts.append(f"coalition {amount(c.balance_coalition)}")
    return "; ".join(parts)


def affordable(c: Any, reward: Any) -> bool:
    """Whether the balance covers a reward of ``available_rewards`` (buy-X: an earned item)."""
    if isinstance(reward, m.BuyXReward):
        item = next(
            (i for i in getattr(c, "balances", []) if i.item_id == reward.item_id or i.name == reward.name),
            None,
        )
        return item is not None and (item.earned or Decimal(0)) >= 1
    cost = reward.cost
    balance = getattr(c, "balance", None)
    return cost is not None and balance is not None and balance >= cost


def rewards_text(c: Any) -> str:
    rewards = getattr(c, "available_rewards", [])
    if not rewards:
        return ""
    ready = sum(1 for r in rewards if affordable(c, r))
    return f"{ready} of {len(rewards)} rewards ready"


def without_reference(text: str) -> str:
    """A transaction's text without the journal's ``[pos:…]`` reference (that is for reconciliation)."""
    import re

    return re.sub(r"\s*\[pos:[\w-]+\]", "", text or "").strip()
