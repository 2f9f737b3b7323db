"""Typed models of every response the till uses (pydantic v2, ``Decimal`` for every amount)."""

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
    CAMPAIGN_KINDS,
    KIND_TITLES,
    BuyXCampaign,
    BuyXItemBalance,
    BuyXReward,
    Campaign,
    CampaignKind,
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
from .receipts import RECEIPT_MODELS, Receipt, ReceiptResponse, decode_receipt, receipt_kind
from .reports import BalanceRow, CustomersAllReport, CustomersBalancesReport, Dashboard, ReportCustomer

__all__ = [
    "CAMPAIGN_KINDS", "KIND_TITLES", "RECEIPT_MODELS", "Account", "AccountInfo", "BalanceRow",
    "BatchResponse", "BuyXCampaign", "BuyXItem", "BuyXItemBalance", "BuyXItemsList", "BuyXReward",
    "Campaign", "CampaignKind", "CampaignRewards", "CampaignSummary", "CampaignsList", "CustomField",
    "Customer", "CustomerBalance", "CustomerInfo", "CustomerList", "CustomersAllReport",
    "CustomersBalancesReport", "Dashboard", "EarnedCampaign", "ErrorResponse", "EventsCampaign",
    "FoundCustomer", "GiftCardCampaign", "HistoryTransaction", "NoMatch", "OtherCampaign",
    "PointsCampaign", "Receipt", "ReceiptResponse", "ReportCustomer", "Reward", "Success",
    "WireModel", "decode_receipt", "receipt_kind",
]
