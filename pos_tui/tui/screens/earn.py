"""Earn: record a purchase, a gift-card load, a buy-X item, a visit. Confirm → receipt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...api import errors
from ...api import models as m
from ...api import requests as rq
from ...till.amounts import above_limit, currency_decimals, money, parse_amount, parse_count
from ..messages import CampaignUsed
from ..widgets import Field
from ..wording import explain
from .base import WriteScreen
from .form import CampaignForm
from .promos import PromoRow, PromoSelect

if TYPE_CHECKING:
    from ..app import PosApp

KIND_FIELDS = {
    "points": "#points-fields",
    "giftcard": "#giftcard-fields",
    "buyx": "#buyx-fields",
    "events": "#visit-fields",
    "earned": "#visit-fields",
}


def open_earn(
    app: PosApp,
    *,
    card_number: str = "",
    code: str = "",
    name: str = "",
    campaigns: list[Any] | None = None,
    preferred: str = "",
    info: Any = None,
) -> None:
    ref = rq.CustomerRef(code=code or None, card_number=card_number or None)
    app.push_screen(EarnScreen(ref, name, preferred=preferred, info=info))


class EarnScreen(CampaignForm):
    def __init__(self, customer: rq.CustomerRef, name: str, *, preferred: str = "", info: Any = None) -> None:
        super().__init__()
        self.customer = customer
        self.customer_name = name
        self.preferred = preferred
        self.info: m.CustomerInfo | None = info
        self.campaigns: list[m.CampaignSummary] = []
        self.choices = self.campaigns

    def holds_card(self, number: str) -> bool:
        card = self.info.customer.card_number if self.info is not None else self.customer.card_number
        return number == card

    def heading(self) -> str:
        return f"Earn — {self.customer_name or self.customer.card_number or self.customer.code}"

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="panel form compact"):
            yield from self.compose_campaign_row()
            with Vertical(id="points-fields", classes="kind"):
                with Horizontal(classes="row"):
                    yield Label("Purchase amount", classes="label")
                    yield Field(placeholder="9.95 or 9,95", id="points-amount", compact=True)
                yield PromoRow(classes="row", id="promo-row")
            with Vertical(id="giftcard-fields", classes="kind"):
                with Horizontal(classes="row"):
                    yield Label("Load amount", classes="label")
                    yield Field(placeholder="25.00", id="load-amount", compact=True)
            with Vertical(id="buyx-fields", classes="kind"):
                with Horizontal(classes="row"):
                    yield Label("Item", classes="label")
                    yield OptionList(id="item", classes="choices", markup=False, compact=True)
                with Horizontal(classes="row"):
                    yield Label("Quantity", classes="label")
                    yield Field("1", id="quantity", compact=True)
            with Vertical(id="visit-fields", classes="kind"):
                yield Static("One visit will be recorded.", id="visit-text", markup=False)
            if self.info is None:  # an unknown card: its first purchase can register the customer
                with Horizontal(classes="row", id="new-customer"):
                    yield Label("New customer", classes="label")
                    yield Field(placeholder="name (optional)", id="new-name", compact=True)
                    yield Field(placeholder="phone", id="new-phone", compact=True)
                    yield Field(placeholder="e-mail", id="new-email", compact=True)
            yield from self.compose_note_row()
            with Horizontal(classes="row"):
                yield Label("", classes="label")
                yield Checkbox("E-mail the customer a receipt", id="email")
            yield from self.compose_error()

    def on_mount(self) -> None:
        self._ready()

    def _ready(self) -> None:
        for kind in self.query(".kind"):
            kind.display = False
        self.load_campaigns()

    @work(exclusive=True, group="earn-load", exit_on_error=False)
    async def load_campaigns(self) -> None:
        try:
            await self._load_campaigns()
        finally:
            self.welcome_keys()  # whatever happened, the keys typed meanwhile go on

    async def _load_campaigns(self) -> None:
        busy = self.till.start_busy("Loading campaigns…")
        try:
            listed = [c for c in (await self.till.services.api.campaigns_list()).campaigns if c.id]
        except errors.LoyaltyError as exc:
            if self.info is None:
                self.show_error(explain(exc)[0])
                return
            listed = [
                m.CampaignSummary(id=c.id, name=c.name, type=c.type, currency=c.currency)
                for c in self.info.campaigns
            ]
        finally:
            self.till.end_busy(busy)
        self.campaigns[:] = listed
        self.set_campaigns([(f"{c.name} — {m.KIND_TITLES.get(c.type, c.type)}", c.id) for c in listed])
        ids = [c.id for c in listed]
        first_points = next((c.id for c in listed if c.type == "points"), "")
        new_card = self.info is None  # a first purchase: the points campaign, not the last one used
        for choice in (
            self.preferred,
            first_points if new_card else self.till.last_campaign_id,
            ids[0] if len(ids) == 1 else "",
        ):
            if self.highlight(choice):
                self.show_campaign(self.campaign, focus=True)
                break
        else:
            self.query_one("#campaign", OptionList).focus()

    def show_campaign(self, campaign: Any, *, focus: bool) -> None:
        if campaign is not None and campaign.id == getattr(self, "_shown", None):
            if focus:
                self._focus_first(campaign.type)
            return
        self._shown = campaign.id if campaign else None
        for kind in self.query(".kind"):
            kind.display = False
        if campaign is None:
            return
        selector = KIND_FIELDS.get(campaign.type)
        if selector is None:
            self.show_error(f"Campaigns of kind '{campaign.type}' cannot be used from this till.")
            return
        self.query_one(selector).display = True
        self.show_error("")
        if focus:
            self._focus_first(campaign.type)
        if campaign.type == "points":
            self.query_one(PromoRow).show_for(campaign.id)
        elif campaign.type == "buyx":
            self.load_items(campaign.id)
        elif campaign.type == "earned":
            self.query_one("#visit-text", Static).update(
                "One visit will be recorded; it earns the campaign's amount."
            )
        else:
            self.query_one("#visit-text", Static).update("One visit will be recorded.")

    def _focus_first(self, kind: str) -> None:
        first = {"points": "#points-amount", "giftcard": "#load-amount", "buyx": "#item"}.get(kind, "#note")
        self.query_one(first).focus()

    @work(exclusive=True, group="earn-items", exit_on_error=False)
    async def load_items(self, campaign_id: str) -> None:
        options: dict[str, str] = {}
        if self.info is not None:
            own = self.info.campaign(campaign_id)
            for item in getattr(own, "balances", []):
                options[item.item_id or f"name:{item.name}"] = item.name
        try:
            listed = await self.till.services.api.buyx_items_list(campaign_id)
            for listed_item in listed.items:
                options[listed_item.key or f"name:{listed_item.label}"] = listed_item.label
        except errors.LoyaltyError as exc:
            if not options:
                self.show_error(explain(exc)[0])
        items = self.query_one("#item", OptionList)
        items.clear_options()
        items.add_options([Option(label, id=key) for key, label in options.items()])
        if options:
            items.highlighted = 0

    @on(OptionList.OptionSelected, "#item")
    def item_chosen(self) -> None:
        self.query_one("#quantity", Input).focus()

    @on(PromoSelect.Chosen)
    def promo_chosen(self) -> None:
        """Back to the amount: Enter there records the earn, as without a promotion."""
        self.query_one("#points-amount", Input).focus()

    def build(self) -> rq.EarnRequest:
        campaign = self.campaign
        if campaign is None:
            raise ValueError("Choose a campaign.")
        common: dict[str, Any] = {
            "customer": self.customer,
            "campaign_id": campaign.id,
            "authorization": self.note,
            "send_transaction_email": self.query_one("#email", Checkbox).value,
        }
        kind = campaign.type
        decimals = currency_decimals(campaign.currency)
        if kind == "points":
            text = self.query_one("#points-amount", Input).value
            value = parse_amount(text, decimals=decimals, unit="purchase amount")
            promo = self.query_one(PromoRow).value
            return rq.PointsEarn(**common, amount=value, promo_id=promo)
        if kind == "giftcard":
            text = self.query_one("#load-amount", Input).value
            value = parse_amount(text, decimals=decimals, unit="amount to load")
            return rq.GiftCardLoad(**common, amount=value)
        if kind == "buyx":
            items = self.query_one("#item", OptionList)
            if items.highlighted is None or items.option_count == 0:
                raise ValueError("Choose the item.")
            item = items.get_option_at_index(items.highlighted).id or ""
            quantity = parse_count(self.query_one("#quantity", Input).value or "1")
            by = {"item_identifier": item[5:]} if item.startswith("name:") else {"service_product": item}
            return rq.BuyXEarn(**common, **by, quantity=quantity)
        if kind == "events":
            return rq.EventsEarn(**common)
        if kind == "earned":
            return rq.EarnedEarn(**common)
        raise ValueError(f"Campaigns of kind '{kind}' cannot be used from this till.")

    def second_question(self, request: Any) -> tuple[str, str] | None:
        services = self.till.services
        if isinstance(request, rq.PointsEarn):
            limit, what = services.options.confirm_earn_above, "purchase"
        elif isinstance(request, rq.GiftCardLoad):
            limit, what = services.options.confirm_load_above, "gift-card load"
        else:
            return None
        if limit is None or not above_limit(request.amount, limit):
            return None
        currency = getattr(self.campaign, "currency", "")
        shown, most = money(request.amount, currency), money(limit, currency)
        who = self.customer_name or self.customer.card_number
        return (
            f"Record a {what} of {shown}?",
            f"{shown} is more than this store's limit of {most} for a {what} — for {who}.\n"
            "Check the amount before you confirm.",
        )

    def registration(self) -> dict[str, str]:
        """What the cashier typed about a new customer (empty when nothing, or a known card)."""
        if self.info is not None or not self.query("#new-name"):
            return {}
        name = self.query_one("#new-name", Input).value.split()
        typed = {
            "first_name": name[0] if name else "",
            "last_name": " ".join(name[1:]),
            "phone": self.query_one("#new-phone", Input).value.strip(),
            "email": self.query_one("#new-email", Input).value.strip(),
        }
        return typed if any(typed.values()) else {}

    async def _register(self, request: rq.EarnRequest) -> bool:
        """Register the new card's customer (record_customer) before its first purchase."""
        details = self.registration()
        if not details or self.registered:
            return True
        busy = self.till.start_busy("Registering the customer…")
        try:
            await self.till.services.api.record_customer(
                campaign_id=request.campaign_id,
                card_number=self.customer.card_number,
                first_name=details["first_name"],
                last_name=details["last_name"],
                phone=details["phone"],
                email=details["email"],
            )
        except errors.OutcomeUnknownError:
            self.show_error(
                "The loyalty service did not confirm the registration. It MAY have been done: scan the "
                "card again to check before recording the purchase."
            )
            return False
        except errors.LoyaltyError as exc:
            self.show_error(
                explain(exc)[0].replace("Nothing was recorded", "The customer was not registered")
            )
            return False
        finally:
            self.till.end_busy(busy)
        self.registered = True
        name = " ".join(p for p in (details["first_name"], details["last_name"]) if p)
        self.customer_name = name or self.customer_name
        return True

    registered = False

    async def _send(self, request: rq.EarnRequest) -> None:
        try:
            if not await self._register(request):
                return
            result = await self.till.write(request, approver=self.approver)
        finally:
            self.sending = False
        finish(self, request, result, self.customer)


def finish(screen: WriteScreen, request: Any, result: Any, customer: rq.CustomerRef) -> None:
    """After a write: its receipt; or, confirmed without one (settled by reading), back to the
    customer; or the reason, with the form kept."""
    from .receipt import ReceiptScreen

    if result.receipt is not None:
        screen.till.post_message(CampaignUsed(request.campaign_id))
        screen.app.switch_screen(ReceiptScreen(result.receipt, customer=customer, pending=result.queued))
    elif result.confirmed:
        screen.till.post_message(CampaignUsed(request.campaign_id))
        screen.notify(
            f"Recorded as transaction {result.transaction_id} (confirmed after a connection problem)."
        )
        screen.app.pop_screen()
    else:
        screen.show_error(result.message)
        screen.notify(result.message, severity="warning", timeout=15)
