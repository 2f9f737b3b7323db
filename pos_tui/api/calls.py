"""The calls the till uses: their API ``type``, whether they write, and how to decode them.

:func:`decode` is the one way a body becomes a model, used by the client and by
``pos-tui decode``. It returns the success model, an :class:`ErrorResponse` or a
:class:`NoMatch`; it raises :class:`BadResponseError` for anything that is not an API response.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from . import models as m
from .decoding import Tree, error_messages, parse_body
from .errors import BadResponseError


@dataclass(frozen=True)
class CallSpec:
    name: str
    type: str
    decoder: Callable[[Tree, str | None], m.WireModel]
    write: bool = False
    api15: bool = False  # sent with API=1.5 and the secret as user_api_key
    report: str | None = None
    #: Fields sent unless the caller gives them (``record_customer``'s ``customer_action=new``).
    defaults: tuple[tuple[str, str], ...] = ()


def _model(model: type[m.WireModel]) -> Callable[[Tree, str | None], m.WireModel]:
    return lambda tree, hint: model.model_validate(tree)


CALLS: dict[str, CallSpec] = {
    spec.name: spec
    for spec in (
        CallSpec("customer_info", "customer_info", _model(m.CustomerInfo)),
        CallSpec("customer_search", "customer_search", _model(m.CustomerList)),
        CallSpec("customer_find", "customer_find", _model(m.CustomerList)),
        CallSpec(
            "record_activity", "record_activity", lambda t, h: m.decode_receipt(t, "earn", h), write=True
        ),
        CallSpec("redeem", "redeem", lambda t, h: m.decode_receipt(t, "redeem", h), write=True),
        CallSpec("batch_transactions", "batch_transactions", _model(m.BatchResponse), write=True, api15=True),
        CallSpec("transaction_delete", "transaction_delete", _model(m.Success), write=True),
        CallSpec("customers_all", "reports", _model(m.CustomersAllReport), report="customers_all"),
        CallSpec(
            "customers_balances", "reports", _model(m.CustomersBalancesReport), report="customers_balances"
        ),
        CallSpec("transactions_all", "reports", _model(m.TransactionsAllReport), report="transactions_all"),
        CallSpec("dashboard", "dashboard", _model(m.Dashboard), api15=True),
        CallSpec("campaign_rewards", "campaign_rewards", _model(m.CampaignRewards)),
        CallSpec("buyx_items_list", "buyx_items_list", _model(m.BuyXItemsList), api15=True),
        CallSpec("campaigns_list", "campaigns_list", _model(m.CampaignsList)),
        CallSpec("account_info", "account_info", _model(m.AccountInfo)),
        CallSpec("customer_balance", "customer_balance", _model(m.CustomerBalance)),
        CallSpec(
            "record_customer",
            "record_customer",
            _model(m.RecordCustomerResponse),
            write=True,
            defaults=(("customer_action", "new"),),
        ),
        CallSpec("validate_customer_password", "validate_customer_password", _model(m.Success)),
        CallSpec("campaign_promos", "campaign_promos", _model(m.CampaignPromos), api15=True),
    )
}


#: Other ``type`` names the service answers to, as public clients send them.
ALIASES = {"find_customer": "customer_find"}


def spec_for(name: str, fields: dict[str, str] | None = None) -> CallSpec:
    """The call named by its ``type`` or, for reports, by the report's name."""
    name = ALIASES.get(name, name)
    if name == "reports" and fields and fields.get("report") in CALLS:
        name = fields["report"]
    try:
        return CALLS[name]
    except KeyError:
        known = ", ".join(sorted(CALLS))
        raise KeyError(f"unknown call {name!r}; known calls: {known}") from None


def decode(call: str | CallSpec, body: bytes, *, hint: str | None = None) -> m.WireModel:
    """Decode a response body of ``call``. ``hint`` is the campaign kind, for receipts."""
    spec = call if isinstance(call, CallSpec) else spec_for(call)
    tree = parse_body(body)
    return decode_tree(spec, tree, hint=hint)


def decode_tree(spec: CallSpec, tree: Tree, *, hint: str | None = None) -> m.WireModel:
    status = tree["status"]
    if status == "error":
        extra = {k: v for k, v in tree.items() if k not in {"status", "error", "errors"}}
        return m.ErrorResponse(status="error", messages=error_messages(tree), **extra)
    if status == "no_match":
        message = tree.get("message")
        return m.NoMatch(status="no_match", message=message if isinstance(message, str) else "")
    try:
        return spec.decoder(tree, hint)
    except ValidationError as exc:
        raise BadResponseError(f"The answer to {spec.name} has an unexpected shape: {_first(exc)}") from None


def _first(exc: ValidationError) -> str:
    error = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in error["loc"]) or "response"
    return f"{where}: {error['msg']}"
