"""Typed models of every response the till uses (pydantic v2, ``Decimal`` for every amount)."""

from ..kinds import CAMPAIGN_KINDS, KIND_TITLES, CampaignKind
from .catalog import (
    Account,
    AccountInfo,
    BatchResponse,
    BuyXItem,
    BuyXItemsList,
    CampaignRewards,
    CampaignsList,
    CampaignSummary,
    CustomerBalance,
    ErrorResponse,
    HistoryTransaction,
    NoMatch,
    Success,
)
from .common import CustomField, WireModel
from .customer import (
    BuyXCampaign,
    BuyXItemBalance,
    BuyXReward,
    Campaign,
    Customer,
    CustomerInfo,
    CustomerList,
    EarnedCampaign,
    EventsCampaign,
    FoundCustomer,
    GiftCardCampaign,
    OtherCampaign,
    PointsCampaign,
    Reward,
)
from .members import CampaignPromos, Promo, RecordCustomerResponse
from .receipts import RECEIPT_MODELS, Receipt, ReceiptResponse, decode_receipt, receipt_kind
from .reports import (
    BalanceRow,
    CustomersAllReport,
    CustomersBalancesReport,
    Dashboard,
    ReportCustomer,
    ReportTransaction,
    TransactionsAllReport,
)

__all__ = [
    "CAMPAIGN_KINDS",
    "KIND_TITLES",
    "RECEIPT_MODELS",
    "Account",
    "AccountInfo",
    "BalanceRow",
    "BatchResponse",
    "BuyXCampaign",
    "BuyXItem",
    "BuyXItemBalance",
    "BuyXItemsList",
    "BuyXReward",
    "Campaign",
    "CampaignKind",
    "CampaignPromos",
    "CampaignRewards",
    "CampaignSummary",
    "CampaignsList",
    "CustomField",
    "Customer",
    "CustomerBalance",
    "CustomerInfo",
    "CustomerList",
    "CustomersAllReport",
    "CustomersBalancesReport",
    "Dashboard",
    "EarnedCampaign",
    "ErrorResponse",
    "EventsCampaign",
    "FoundCustomer",
    "GiftCardCampaign",
    "HistoryTransaction",
    "NoMatch",
    "OtherCampaign",
    "PointsCampaign",
    "Promo",
    "Receipt",
    "ReceiptResponse",
    "RecordCustomerResponse",
    "ReportCustomer",
    "ReportTransaction",
    "Reward",
    "Success",
    "TransactionsAllReport",
    "WireModel",
    "decode_receipt",
    "receipt_kind",
    "warm",
]


def warm() -> None:
    """Build the validators of the models a till decodes at the counter. Every model defers its
    build (``defer_build``) so that a command that decodes one answer does not build a hundred;
    the till calls this in its start-up thread, so the first scan does not pay for it."""
    models: list[type[WireModel]] = [CustomerInfo, CustomerBalance, ErrorResponse, NoMatch, CampaignRewards]
    for model in [*models, *RECEIPT_MODELS.values()]:
        model.model_rebuild(force=True)
