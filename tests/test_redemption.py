"""A redemption is one thing, and its text says what is deducted (issue 13). No Textual here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_tui.api import models as m
from pos_tui.till.amounts import AmountError
from pos_tui.till.redemption import money_choice, points_choice, reward_choice

POINTS = m.PointsCampaign(id="1", name="Widget Rewards", type="points", currency="EUR", balance=Decimal(1500))
REWARD = m.Reward(id="7", description="Free Widget", needed_to_redeem=Decimal(1000))


def test_typed_points_win_over_the_highlighted_reward():
    chosen = points_choice(POINTS, REWARD, "300", "")
    assert (chosen.what, chosen.value, chosen.reward_id) == ("points", 300, "")
    assert chosen.text == "300 pts (custom points)"


def test_a_custom_amount_alone():
    chosen = points_choice(POINTS, REWARD, "", "2,50")
    assert (chosen.what, chosen.value, chosen.text) == ("amount", Decimal("2.50"), "2.50 EUR (custom amount)")


def test_the_highlighted_reward_when_nothing_is_typed():
    chosen = points_choice(POINTS, REWARD, " ", "")
    assert (chosen.what, chosen.reward_id, chosen.text) == ("reward", "7", "1,000 pts (Free Widget)")


@pytest.mark.parametrize(
    "reward, points, amount, says",
    [
        (REWARD, "300", "2", "not both"),
        (None, "", "", "Choose a reward"),
        (REWARD, "1.5", "", "whole number"),
        (REWARD, "-300", "", "negative"),
    ],
)
def test_refused(reward, points, amount, says):
    with pytest.raises(AmountError, match=says):
        points_choice(POINTS, reward, points, amount)


def test_money_and_reward_kinds():
    gift = m.GiftCardCampaign(id="2", name="Gift", type="giftcard", currency="JPY")
    with pytest.raises(AmountError, match="whole number"):
        money_choice(gift, "5.50")
    assert money_choice(gift, "500").value == 500
    visits = m.EventsCampaign(id="3", name="Visits", type="events")
    with pytest.raises(AmountError, match="reward the balance covers"):
        reward_choice(visits, None)
