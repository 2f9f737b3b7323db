"""Manager calls: ``reports`` (``customers_all``, ``customers_balances``, ``transactions_all``) and
``dashboard``."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field

from .common import Amount, Text, WireDate, WireDateTime, WireModel, wrapped

_CUSTOMERS = AliasChoices("customers", "customer")


class ReportCustomer(WireModel):
    """A row of ``customers_all``."""

    first_name: Text = ""
    last_name: Text = ""
    phone: Text = ""
    email: Text = ""
    address1: Text = ""
    address2: Text = ""
    city: Text = ""
    state: Text = ""
    zip: Text = ""
    country: Text = ""
    custom1: Text = ""
    custom_date: WireDate = None
    customer_username: Text = ""
    customer_code: Text = ""
    card_number: Text = ""


class CustomersAllReport(WireModel):
    status: Text = "success"
    customers: Annotated[list[ReportCustomer], wrapped("customer")] = Field(
        default_factory=list, validation_alias=_CUSTOMERS
    )


class BalanceRow(WireModel):
    """A row of ``customers_balances``: one customer's balance in one campaign (or the coalition)."""

    card_number: Text = ""
    code: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    email: Text = ""
    phone: Text = ""
    address1: Text = ""
    address2: Text = ""
    city: Text = ""
    state: Text = ""
    zip: Text = ""
    country: Text = ""
    custom1: Text = ""
    custom_date: WireDate = None
    customer_username: Text = ""
    record_timestamp: WireDateTime = None
    earned: Amount = None
    redeemed: Amount = None
    balance: Amount = None
    balance_equivalent: Amount = None
    earned_equivalent: Amount = None
    redeemed_equivalent: Amount = None


class CustomersBalancesReport(WireModel):
    status: Text = "success"
    customers: Annotated[list[BalanceRow], wrapped("customer")] = Field(
        default_factory=list, validation_alias=_CUSTOMERS
    )


class ReportTransaction(WireModel):
    """A row of ``transactions_all``."""

    card_number: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    redeemed: Text = ""
    authorization: Text = ""
    amount_number: Amount = None
    record_timestamp: WireDateTime = None

    @property
    def is_redemption(self) -> bool:
        """``R`` marks a redemption (``Y`` is read the same way, as the dashboard writes it)."""
        return self.redeemed.strip().upper() in {"R", "Y", "YES"}


class TransactionsAllReport(WireModel):
    status: Text = "success"
    transactions_count: Amount = None
    transactions: Annotated[list[ReportTransaction], wrapped("transaction")] = Field(
        default_factory=list, validation_alias=AliasChoices("transactions", "transaction")
    )


class ActiveCustomer(WireModel):
    code: Text = ""
    card_number: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    transactions: Amount = None


class CustomerTotals(WireModel):
    all_time: Amount = None
    this_month: Amount = None
    last_month: Amount = None
    same_period_last_month: Amount = None


class TransactionTotals(WireModel):
    this_month: Amount = None
    last_month: Amount = None
    same_period_last_month: Amount = None


class DayCount(WireModel):
    date: WireDate = None
    quantity: Amount = None


class CampaignActivity(WireModel):
    campaign_id: Text = ""
    campaign_name: Text = ""
    campaign_type: Text = ""
    days: Annotated[list[DayCount], wrapped("day")] = Field(
        default_factory=list, validation_alias=AliasChoices("days", "day")
    )


class DashboardTransaction(WireModel):
    transaction_id: Text = ""
    campaign_id: Text = ""
    campaign_name: Text = ""
    campaign_type: Text = ""
    code: Text = ""
    card_number: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    date: WireDate = None
    amount: Amount = None
    redeemed: Text = ""
    item: Text = ""
    description: Text = ""
    user: Text = ""


class RecentCustomer(WireModel):
    code: Text = ""
    card_number: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    time_stamp: WireDateTime = None


class Dashboard(WireModel):
    """``dashboard``: each part is present only when it was asked for."""

    status: Text = "success"
    most_active: Annotated[list[ActiveCustomer], wrapped("customer")] = Field(default_factory=list)
    total_customers: CustomerTotals | None = None
    total_transactions: TransactionTotals | None = None
    active_campaigns_count: Amount = None
    campaigns_per_day_activity: Annotated[list[CampaignActivity], wrapped("campaign")] = Field(
        default_factory=list
    )
    last_X_transactions: Annotated[
        list[DashboardTransaction], wrapped("transaction", siblings=("transactions",))
    ] = Field(default_factory=list)
    last_X_customers: Annotated[list[RecentCustomer], wrapped("customer")] = Field(default_factory=list)
