"""Redeem: a reward from ``available_rewards`` (those the balance cannot cover are shown, not
choosable), custom points or a custom amount, an amount of money, a free buy-X item."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...api import errors
from ...api import models as m
from ...api import requests as rq
from ...present import affordable, balance_text
from ...receipt import amount
from ..widgets import Field
from ..wording import explain
from .base import WriteScreen
from .earn import finish


class RedeemScreen(WriteScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "confirm", "Confirm (Enter)"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, info: m.CustomerInfo, *, preferred: str = "") -> None:
        super().__init__()
        self.info = info
        self.preferred = preferred

    def holds_card(self, number: str) -> bool:
        return number == self.info.customer.card_number

    def heading(self) -> str:
        return f"Redeem — {self.info.customer.name or self.info.customer.code}"

    def compose_body(self) -> ComposeResult:
        options = [
            (f"{c.name} — {m.KIND_TITLES.get(c.type, c.type)}: {balance_text(c)}", c.id)
            for c in self.info.campaigns
        ]
        with Vertical(classes="panel form"):
            with Horizontal(classes="row"):
                yield Label("Campaign", classes="label")
                yield OptionList(
                    *[Option(label, id=value) for label, value in options], id="campaign", classes="choices"
                )
            yield Static("", id="balance")
            yield OptionList(id="rewards")
            with Horizontal(classes="row", id="custom-points-row"):
                yield Label("Custom points", classes="label")
                yield Field(placeholder="optional", id="custom-points", restrict=r"[0-9]*")
            with Horizontal(classes="row", id="amount-row"):
                yield Label("Amount", classes="label", id="amount-label")
                yield Field(placeholder="9.95 or 9,95", id="amount", restrict=r"[0-9.,]*")
            with Horizontal(classes="row"):
                yield Label("Note", classes="label")
                yield Field(placeholder="optional, printed on the receipt", id="note")
            yield Static("", id="error", classes="error")

    def on_mount(self) -> None:
        self.after_composed(
            self._ready,
            "#campaign",
            "#rewards",
            "#custom-points",
            "#amount",
            "#amount-label",
            "#note",
            "#error",
            "#balance",
        )

    def _ready(self) -> None:
        ids = [c.id for c in self.info.campaigns]
        choices = self.query_one("#campaign", OptionList)
        for choice in (self.preferred, self.till.last_campaign_id, ids[0] if len(ids) == 1 else ""):
            if choice in ids:
                choices.highlighted = ids.index(choice)
                self._layout(self.campaign)
                return
        choices.focus()
        self._layout(None)

    @property
    def campaign(self) -> Any:
        choices = self.query_one("#campaign", OptionList)
        if choices.highlighted is None or choices.highlighted >= choices.option_count:
            return None
        return self.info.campaign(choices.get_option_at_index(choices.highlighted).id or "")

    @on(OptionList.OptionHighlighted, "#campaign")
    def campaign_changed(self) -> None:
        if not self.composed:
            return  # _ready lays the form out once every field exists
        if getattr(self.campaign, "id", None) != getattr(self, "_shown", None):
            self._layout(self.campaign, focus=False)

    @on(OptionList.OptionSelected, "#campaign")
    def campaign_chosen(self) -> None:
        self._layout(self.campaign)

    def _layout(self, c: Any, *, focus: bool = True) -> None:
        self._shown = getattr(c, "id", None)
        kind = getattr(c, "type", "")
        rewards = self.query_one("#rewards", OptionList)
        rewards.clear_options()
        rewards.display = kind in {"points", "events", "buyx"}
        self.query_one("#custom-points-row").display = kind == "points"
        self.query_one("#amount-row").display = kind in {"points", "giftcard", "earned"}
        self.query_one("#amount-label", Label).update("Custom amount" if kind == "points" else "Amount")
        self.query_one("#balance", Static).update(f"Balance: {balance_text(c)}" if c is not None else "")
        self.show_error("")
        if c is None:
            return
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
        if not focus:
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

    @on(Input.Submitted)
    @on(OptionList.OptionSelected, "#rewards")
    def submitted(self) -> None:
        self.action_confirm()

    def build(self) -> Any:
        c = self.campaign
        if c is None:
            raise ValueError("Choose a campaign.")
        common = {
            "customer": rq.CustomerRef(code=self.info.customer.code),
            "campaign_id": c.id,
            "authorization": self.query_one("#note", Input).value.strip(),
        }
        rewards = self.query_one("#rewards", OptionList)
        chosen = (
            rewards.get_option_at_index(rewards.highlighted).id if rewards.highlighted is not None else None
        )
        if chosen is not None and rewards.get_option(chosen).disabled:
            chosen = None
        typed_amount = self.query_one("#amount", Input).value.strip()
        if c.type == "points":
            points = self.query_one("#custom-points", Input).value.strip() or None
            if not (chosen or points or typed_amount):
                raise ValueError("Choose a reward, or type custom points or an amount.")
            return rq.PointsRedeem(
                **common, reward_id=chosen, custom_points=points, custom_dollars=typed_amount or None
            )
        if c.type in {"giftcard", "earned"}:
            if not typed_amount:
                raise ValueError("Type the amount to redeem.")
            model = rq.GiftCardRedeem if c.type == "giftcard" else rq.EarnedRedeem
            return model(**common, amount=typed_amount)
        if not chosen:
            raise ValueError(
                "Choose a reward the balance covers." if c.type == "events" else "Choose a free item."
            )
        if c.type == "buyx":
            return rq.BuyXRedeem(**common, item=chosen)
        if c.type == "events":
            return rq.EventsRedeem(**common, reward_id=chosen)
        raise ValueError(f"Campaigns of kind '{c.type}' cannot be redeemed from this till.")

    async def _send(self, request: Any) -> None:
        try:
            self.till.busy = "Checking the balance…"
            try:
                fresh = await self.till.services.api.customer_info(
                    code=self.info.customer.code, campaign_id=request.campaign_id
                )
            except errors.LoyaltyError as exc:  # a read: nothing was sent yet
                message, severity = explain(exc)
                self.show_error(message)
                self.notify(message, severity=severity, timeout=15)  # type: ignore[arg-type]
                return
            finally:
                self.till.busy = ""
            problem = _shortfall(fresh.campaign(request.campaign_id), request, self.campaign)
            if problem:
                self.info = fresh if len(fresh.campaigns) == len(self.info.campaigns) else self.info
                self.show_error(problem)
                return
            result = await self.till.write(request, label="Redeeming…")
        finally:
            self.sending = False
            self.till.write_in_flight = False
        finish(self, request, result, request.customer)

    def action_cancel(self) -> None:
        if self.sending:
            self.notify("Wait: the redemption is being sent.", severity="warning")
            return
        self.app.pop_screen()


def _shortfall(fresh: Any, request: Any, shown: Any) -> str:
    """Why the balance, read again just before sending, no longer covers the redemption."""
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
    if isinstance(request, rq.EventsRedeem | rq.BuyXRedeem):
        key = request.reward_id if isinstance(request, rq.EventsRedeem) else request.item
        reward = next((r for r in fresh.available_rewards if r.redeem_key == key), None)
        if reward is None or not affordable(fresh, reward):
            return "The balance no longer covers that reward."
    return ""
