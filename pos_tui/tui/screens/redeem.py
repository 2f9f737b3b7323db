"""Redeem exactly one thing: a reward from ``available_rewards`` (those the balance cannot cover are
shown, not choosable), *or* custom points, *or* a custom amount; money from a gift card or an
earn-per-visit balance; a free buy-X item. The screen says what will be deducted before Enter."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...api import errors
from ...api import models as m
from ...api import requests as rq
from ...till.amounts import AmountError, amount
from ...till.balances import affordable, balance_text
from ...till.redemption import Redemption, money_choice, points_choice, reward_choice, shortfall
from ..widgets import Field
from ..wording import explain
from .earn import finish
from .form import CampaignForm


class RedeemScreen(CampaignForm):
    def __init__(self, info: m.CustomerInfo, *, preferred: str = "") -> None:
        super().__init__()
        self.info = info
        self.preferred = preferred
        self.choices = list(info.campaigns)

    def holds_card(self, number: str) -> bool:
        return number == self.info.customer.card_number

    def heading(self) -> str:
        return f"Redeem — {self.info.customer.name or self.info.customer.code}"

    def compose_body(self) -> ComposeResult:
        entries = [
            (f"{c.name} — {m.KIND_TITLES.get(c.type, c.type)}: {balance_text(c)}", c.id)
            for c in self.info.campaigns
        ]
        with Vertical(classes="panel form compact"):
            yield from self.compose_campaign_row(entries)
            yield OptionList(id="rewards", markup=False, compact=True)
            with Horizontal(classes="row", id="custom-points-row"):
                yield Label("Custom points", classes="label")
                yield Field(placeholder="or type points", id="custom-points", compact=True)
            with Horizontal(classes="row", id="amount-row"):
                yield Label("Amount", classes="label", id="amount-label")
                yield Field(placeholder="9.95 or 9,95", id="amount", compact=True)
            yield from self.compose_note_row()
            yield Static("", id="deduct", markup=False)
            yield from self.compose_error()

    def on_mount(self) -> None:
        self._ready()

    def _ready(self) -> None:
        ids = [c.id for c in self.info.campaigns]
        for choice in (self.preferred, self.till.last_campaign_id, ids[0] if len(ids) == 1 else ""):
            if self.highlight(choice):
                self.show_campaign(self.campaign, focus=True)
                break
        else:
            self.query_one("#campaign", OptionList).focus()
            self.show_campaign(None, focus=False)
        self.welcome_keys()

    @property
    def campaign(self) -> Any:
        shown = super().campaign
        return self.info.campaign(shown.id) if shown is not None else None

    def show_campaign(self, c: Any, *, focus: bool) -> None:
        if getattr(c, "id", None) == getattr(self, "_shown", "-") and not focus:
            return
        self._shown = getattr(c, "id", None)
        kind = getattr(c, "type", "")
        rewards = self.query_one("#rewards", OptionList)
        rewards.clear_options()
        rewards.display = kind in {"points", "events", "buyx"}
        self.query_one("#custom-points-row").display = kind == "points"
        self.query_one("#amount-row").display = kind in {"points", "giftcard", "earned"}
        self.query_one("#amount-label", Label).update("Custom amount" if kind == "points" else "Amount")
        self.show_error("")
        if c is not None:
            for reward in c.available_rewards:
                ready = affordable(c, reward)
                rewards.add_option(
                    Option(self._reward_label(c, reward, ready), id=reward.redeem_key, disabled=not ready)
                )
            if kind == "buyx" and not c.available_rewards:
                rewards.add_option(Option("No free item earned yet", disabled=True))
        ready_at = next((i for i, option in enumerate(rewards.options) if not option.disabled), None)
        if rewards.display and ready_at is not None:
            rewards.highlighted = ready_at
        self.show_deduction()
        if not focus or c is None:
            return
        if rewards.display and ready_at is not None:
            rewards.focus()
        elif kind in {"giftcard", "earned"}:
            self.query_one("#amount", Input).focus()
        elif kind == "points":
            self.query_one("#custom-points", Input).focus()

    @staticmethod
    def _reward_label(c: Any, reward: Any, ready: bool) -> str:
        if isinstance(reward, m.BuyXReward):
            return f"Free {reward.name} (every {amount(reward.earn_ratio)})"
        unit = "visits" if c.type == "events" else "pts"
        need = f"{amount(reward.cost)} {unit}"
        return f"{reward.description} — {need}" + ("" if ready else "  (not enough balance)")

    def chosen_reward(self) -> Any:
        rewards = self.query_one("#rewards", OptionList)
        if not rewards.display or rewards.highlighted is None or rewards.option_count == 0:
            return None
        option = rewards.get_option_at_index(rewards.highlighted)
        if option.disabled:
            return None
        c = self.campaign
        return next((r for r in getattr(c, "available_rewards", []) if r.redeem_key == option.id), None)

    def redemption(self) -> Redemption:
        """The one thing Enter would redeem now (AmountError says why nothing)."""
        c = self.campaign
        if c is None:
            raise AmountError("Choose a campaign.")
        typed = self.query_one("#amount", Input).value
        if c.type == "points":
            points = self.query_one("#custom-points", Input).value
            return points_choice(c, self.chosen_reward(), points, typed)
        if c.type in {"giftcard", "earned"}:
            return money_choice(c, typed)
        if c.type in {"events", "buyx"}:
            return reward_choice(c, self.chosen_reward())
        raise AmountError(f"Campaigns of kind '{c.type}' cannot be redeemed from this till.")

    def show_deduction(self) -> None:
        try:
            text = f"Will deduct: {self.redemption().text}"
        except AmountError as exc:
            text = "" if self.campaign is None else f"Nothing to deduct yet — {exc}"
        self.query_one("#deduct", Static).update(text)

    @on(Input.Changed)
    @on(OptionList.OptionHighlighted, "#rewards")
    def _changed(self) -> None:
        if self.composed:
            self.show_deduction()

    @on(OptionList.OptionSelected, "#rewards")
    def _reward_selected(self) -> None:
        self.action_confirm()

    def build(self) -> Any:
        c = self.campaign
        chosen = self.redemption()
        common = {
            "customer": rq.CustomerRef(code=self.info.customer.code),
            "campaign_id": c.id,
            "authorization": self.note,
        }
        if c.type == "points":
            return rq.PointsRedeem(
                **common,
                reward_id=chosen.reward_id or None,
                custom_points=chosen.value if chosen.what == "points" else None,
                custom_dollars=chosen.value if chosen.what == "amount" else None,
            )
        if c.type in {"giftcard", "earned"}:
            return rq.request_class("redeem", c.type).model_validate({**common, "amount": chosen.value})
        if c.type == "buyx":
            return rq.BuyXRedeem(**common, item=chosen.reward_id)
        return rq.EventsRedeem(**common, reward_id=chosen.reward_id)

    async def _send(self, request: Any) -> None:
        try:
            busy = self.till.start_busy("Checking the balance…")
            try:
                fresh = await self.till.services.api.customer_info(
                    code=self.info.customer.code, campaign_id=request.campaign_id
                )
            except errors.LoyaltyError as exc:  # a read: nothing was sent yet
                message, severity = explain(exc)
                self.show_error(message)
                self.notify(message, severity=severity, timeout=15)
                return
            finally:
                self.till.end_busy(busy)
            problem = shortfall(fresh.campaign(request.campaign_id), request)
            if problem:
                self.show_error(problem)
                return
            result = await self.till.write(request, label="Redeeming…", approver=self.approver)
        finally:
            self.sending = False
        finish(self, request, result, request.customer)
