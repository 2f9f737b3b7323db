"""What one redemption takes off a card, and whether the balance still covers it. Plain Python.

A redemption is exactly one thing: a reward, *or* custom points, *or* a custom amount of money
(a points campaign offers all three; the cashier's typed value wins over the highlighted reward,
both typed is refused). The till says what will be deducted before Enter sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..api import models as m
from .amounts import AmountError, amount, currency_decimals, money, parse_amount
from .balances import affordable, balance_text


@dataclass(frozen=True)
class Redemption:
    """One thing to redeem: ``what`` is "reward", "points" or "amount"."""

    what: str
    value: Decimal | None = None
    reward_id: str = ""
    text: str = ""  # "300 pts (custom points)": what the screen says will be deducted


def points_choice(campaign: Any, reward: Any | None, points_text: str, amount_text: str) -> Redemption:
    """The one thing a points campaign's form asks for (AmountError says why not)."""
    points_text, amount_text = points_text.strip(), amount_text.strip()
    if points_text and amount_text:
        raise AmountError("Type custom points or a custom amount, not both: a redemption is one thing.")
    if points_text:
        value = parse_amount(points_text, decimals=0, unit="points")
        return Redemption("points", value, text=f"{amount(value)} pts (custom points)")
    if amount_text:
        value = parse_amount(amount_text, decimals=currency_decimals(campaign.currency), unit="amount")
        return Redemption("amount", value, text=f"{money(value, campaign.currency)} (custom amount)")
    if reward is None:
        raise AmountError("Choose a reward, or type custom points or an amount.")
    return Redemption("reward", reward.cost, reward.redeem_key, f"{reward_text(campaign, reward)}")


def money_choice(campaign: Any, amount_text: str) -> Redemption:
    value = parse_amount(amount_text, decimals=currency_decimals(campaign.currency), unit="amount")
    return Redemption("amount", value, text=money(value, campaign.currency))


def reward_choice(campaign: Any, reward: Any | None) -> Redemption:
    if reward is None:
        raise AmountError(
            "Choose a reward the balance covers." if campaign.type == "events" else "Choose a free item."
        )
    return Redemption(
        "reward", getattr(reward, "cost", None), reward.redeem_key, reward_text(campaign, reward)
    )


def reward_text(campaign: Any, reward: Any) -> str:
    if isinstance(reward, m.BuyXReward):
        return f"one free {reward.name}"
    unit = "visits" if campaign.type == "events" else "pts"
    return f"{amount(reward.cost)} {unit} ({reward.description})"


def shortfall(fresh: Any, request: Any) -> str:
    """Why the balance, read again just before sending, does not cover the redemption ("" if it does)."""
    from ..api import requests as rq

    if fresh is None:
        return "The campaign is no longer on this customer's card."
    if isinstance(request, rq.GiftCardRedeem | rq.EarnedRedeem):
        if fresh.balance is not None and request.amount > fresh.balance:
            return f"Not enough balance: {balance_text(fresh)} available."
    if isinstance(request, rq.PointsRedeem) and request.reward_id:
        reward = next((r for r in fresh.available_rewards if r.redeem_key == request.reward_id), None)
        if reward is not None and not affordable(fresh, reward):
            return f"Not enough points now: {balance_text(fresh)}."
    if isinstance(request, rq.PointsRedeem) and request.custom_points and fresh.balance is not None:
        if request.custom_points > fresh.balance:
            return f"Not enough points: {balance_text(fresh)}."
    if isinstance(request, rq.PointsRedeem) and request.custom_dollars:
        worth = getattr(fresh, "monetary_balance", None)
        if worth is not None and request.custom_dollars > worth:
            return f"Not enough balance: {balance_text(fresh)}."
    if isinstance(request, rq.EventsRedeem | rq.BuyXRedeem):
        key = request.reward_id if isinstance(request, rq.EventsRedeem) else request.item
        reward = next((r for r in fresh.available_rewards if r.redeem_key == key), None)
        if reward is None or not affordable(fresh, reward):
            return "The balance no longer covers that reward."
    return ""
