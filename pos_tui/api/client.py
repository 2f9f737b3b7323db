"""The async client of the loyalty API: one long-lived ``httpx.AsyncClient``, one method per call.

Every failure becomes one of :mod:`pos_tui.api.errors`. Writes are never retried here: a write
that provably never left raises :class:`NotSentError`; one that may have reached the server
raises :class:`OutcomeUnknownError`, and the journal decides what to do. TLS verification is
always on; the secret travels only in the form or the ``api_access_key`` header and never in a
log line, a ``repr`` or an exception.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal, TypeVar

import httpx

from . import models as m
from .calls import CallSpec, spec_for
from .credentials import Credentials
from .errors import ApiError, AuthenticationError, CustomerPasswordRejected, LoyaltyError, NoMatchError
from .masking import mask_card
from .requests import Batch, Earn, Redemption, TransactionDelete
from .transport import exchange

__all__ = ["Credentials", "LoyaltyClient", "PRODUCTION_URL", "mask_card"]

log = logging.getLogger("pos_tui.api")
_M = TypeVar("_M", bound=m.WireModel)

PRODUCTION_URL = "https://api.clienttoolbox.com/api.php"
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)
# A refusal about the till's own account (not a customer's password).
_ACCOUNT_WORDS = re.compile(
    r"user[ _-]?id|account[ _-]?id|api[ _-]?key|user_password|access denied|permission", re.IGNORECASE
)


class LoyaltyClient:
    """The loyalty API. Use as ``async with LoyaltyClient(...) as api:`` or call :meth:`aclose`."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        url: str = PRODUCTION_URL,
        output: Literal["xml", "json"] = "xml",
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.credentials = credentials
        self.url = url
        self.output = output
        self._http = httpx.AsyncClient(
            timeout=timeout,
            transport=transport,
            verify=True,
            follow_redirects=False,
            trust_env=True,
            headers={"User-Agent": "pos-tui"},
        )

    def __repr__(self) -> str:
        return f"LoyaltyClient(url={self.url!r}, account_id={self.credentials.account_id!r})"

    async def __aenter__(self) -> LoyaltyClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # The calls ---------------------------------------------------------------------------

    async def customer_info(
        self,
        *,
        card_number: str | None = None,
        code: str | None = None,
        include_balances: bool = True,
        campaign_id: str | None = None,
        hide_custom_field: bool = False,
        show_only_belong_to: bool = False,
    ) -> m.CustomerInfo:
        fields = _customer(card_number, code)
        if not include_balances:
            fields["include_balances"] = "N"
        _put(fields, campaign_id=campaign_id)
        if hide_custom_field:
            fields["hide_custom_field"] = "Y"
        if show_only_belong_to:
            fields["show_only_belong_to"] = "Y"
        return await self._typed("customer_info", fields, m.CustomerInfo)

    async def customer_search(
        self,
        *,
        exact_match: bool = False,
        include_balances: bool = False,
        campaign_id: str | None = None,
        **criteria: str,
    ) -> m.CustomerList:
        """Search by fields such as ``phone``, ``email``, ``last_name`` (partial, any case).

        With ``campaign_id`` (and ``include_balances``) each match carries that campaign only.
        """
        fields = {k: v for k, v in criteria.items() if v}
        if not fields:
            raise ValueError("give at least one search field")
        _put(fields, campaign_id=campaign_id)
        if exact_match:
            fields["exact_match"] = "Y"
        if include_balances:
            fields["include_balances"] = "Y"
        return await self._typed("customer_search", fields, m.CustomerList)

    async def customer_find(self, text: str, *, include_balances: bool = False) -> m.CustomerList:
        """Free-text search: a space means AND, a comma means OR."""
        fields = {"find_customer": text}
        if include_balances:
            fields["include_balances"] = "Y"
        return await self._typed("customer_find", fields, m.CustomerList)

    async def record_activity(self, earn: Earn) -> m.ReceiptResponse:
        return await self._typed("record_activity", earn.fields(), m.ReceiptResponse, hint=earn.kind)

    async def redeem(self, redemption: Redemption) -> m.ReceiptResponse:
        return await self._typed("redeem", redemption.fields(), m.ReceiptResponse, hint=redemption.kind)

    async def batch_transactions(self, batch: Batch) -> m.BatchResponse:
        return await self._typed("batch_transactions", batch.fields(), m.BatchResponse)

    async def transaction_delete(self, delete: TransactionDelete) -> m.Success:
        return await self._typed("transaction_delete", delete.fields(), m.Success)

    async def customers_all(
        self,
        *,
        date_start: date | None = None,
        date_end: date | None = None,
        selected_campaigns: Iterable[str] = (),
        last: str | None = None,
    ) -> m.CustomersAllReport:
        campaigns = ",".join(selected_campaigns)
        if campaigns and last is not None:
            raise ValueError("'last' and 'selected_campaigns' cannot be used together")
        fields = {"report": "customers_all"}
        _put(
            fields,
            date_start=date_start.isoformat() if date_start else None,
            date_end=date_end.isoformat() if date_end else None,
            selected_campaigns=campaigns or None,
            last=last,
        )
        return await self._typed("customers_all", fields, m.CustomersAllReport)

    async def customers_balances(
        self,
        *,
        campaign_id: str,
        coalition_balance: Literal["coalition_points", "coalition_storedvalue"] | None = None,
        offset: int | None = None,
        limit: int | None = None,
    ) -> m.CustomersBalancesReport:
        fields = {"report": "customers_balances", "campaign_id": campaign_id}
        _put(
            fields,
            coalition_balance=coalition_balance,
            offset=None if offset is None else str(offset),
            limit=None if limit is None else str(limit),
        )
        return await self._typed("customers_balances", fields, m.CustomersBalancesReport)

    async def transactions_all(
        self,
        *,
        date_start: date | None = None,
        date_end: date | None = None,
        selected_campaigns: Iterable[str] = (),
    ) -> m.TransactionsAllReport:
        fields = {"report": "transactions_all"}
        _put(
            fields,
            date_start=date_start.isoformat() if date_start else None,
            date_end=date_end.isoformat() if date_end else None,
            selected_campaigns=",".join(selected_campaigns) or None,
        )
        return await self._typed("transactions_all", fields, m.TransactionsAllReport)

    async def dashboard(
        self,
        *,
        most_active: int | None = None,
        customer_count: bool = False,
        total_customers_this_month: bool = False,
        total_transactions_this_month: bool = False,
        active_campaigns_count: bool = False,
        campaigns_per_day_activity: int | None = None,
        last_X_transactions: int | None = None,  # noqa: N803 - the API's own name
        last_X_customers: int | None = None,  # noqa: N803
    ) -> m.Dashboard:
        fields: dict[str, str] = {}
        for name, flag in (
            ("customer_count", customer_count),
            ("total_customers_this_month", total_customers_this_month),
            ("total_transactions_this_month", total_transactions_this_month),
            ("active_campaigns_count", active_campaigns_count),
            # The vendor's example spells it without the "s"; send both.
            ("active_campaign_count", active_campaigns_count),
        ):
            if flag:
                fields[name] = "Yes"
        for name, number in (
            ("most_active", most_active),
            ("campaigns_per_day_activity", campaigns_per_day_activity),
            ("last_X_transactions", last_X_transactions),
            ("last_X_customers", last_X_customers),
        ):
            if number is not None:
                fields[name] = str(number)
        return await self._typed("dashboard", fields, m.Dashboard)

    async def campaign_rewards(self, campaign_id: str) -> m.CampaignRewards:
        return await self._typed("campaign_rewards", {"campaign_id": campaign_id}, m.CampaignRewards)

    async def buyx_items_list(self, campaign_id: str) -> m.BuyXItemsList:
        return await self._typed("buyx_items_list", {"campaign_id": campaign_id}, m.BuyXItemsList)

    async def campaigns_list(self, *, type_restrict: str | None = None) -> m.CampaignsList:
        """The account's campaigns; ``type_restrict`` (``points``, ``giftcard``, …) keeps one kind."""
        fields: dict[str, str] = {}
        _put(fields, type_restrict=type_restrict)
        return await self._typed("campaigns_list", fields, m.CampaignsList)

    async def account_info(self) -> m.AccountInfo:
        return await self._typed("account_info", {}, m.AccountInfo)

    async def customer_balance(
        self,
        *,
        campaign_id: str,
        card_number: str | None = None,
        code: str | None = None,
        transactions_number: int | None = None,
    ) -> m.CustomerBalance:
        fields = {**_customer(card_number, code), "campaign_id": campaign_id}
        if transactions_number is not None:
            fields["transactions_number"] = str(transactions_number)
        return await self._typed("customer_balance", fields, m.CustomerBalance)

    async def record_customer(
        self,
        *,
        campaign_id: str,
        card_number: str | None = None,
        card_number_generate: int | None = None,
        first_name: str = "",
        last_name: str = "",
        email: str = "",
        phone: str = "",
        customer_username: str = "",
        customer_password: str = "",
    ) -> m.RecordCustomerResponse:
        """Register a new customer (``customer_action=new``) in ``campaign_id``.

        Give the card's number, or ``card_number_generate=N`` to have the service make an N-digit
        one. Returns the registered customer: ``.code`` (its unique id, for ``redeem``) and
        ``.card_number``. A write: when the answer is lost it raises
        :class:`OutcomeUnknownError` (the customer may exist: look the card up before trying
        again); a card already in use or a bad field raises :class:`ApiError`. The password is
        sent only in the form, never logged.
        """
        if bool(card_number) == (card_number_generate is not None):
            raise ValueError("give either card_number or card_number_generate")
        if card_number_generate is not None and not 4 <= card_number_generate <= 32:
            raise ValueError("card_number_generate is the number of digits to generate (4 to 32)")
        fields = {"customer_action": "new", "campaign_id": campaign_id}
        _put(
            fields,
            card_number=card_number,
            card_number_generate=None if card_number_generate is None else str(card_number_generate),
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            customer_username=customer_username,
            customer_password=customer_password,
        )
        return await self._typed("record_customer", fields, m.RecordCustomerResponse)

    async def validate_customer_password(self, *, card_number: str, customer_password: str) -> bool:
        """Check a customer's own password (the kiosk's PIN) for ``card_number``.

        Returns True when the service accepts it. Raises :class:`CustomerPasswordRejected`
        (an :class:`ApiError`) when it refuses the password or does not know the card, and
        :class:`AuthenticationError` only when the refusal concerns the till's own account.
        An empty card number or password raises ``ValueError`` (nothing is sent).
        """
        if not card_number or not customer_password:
            raise ValueError("a card number and a password are needed")
        fields = {"card_number": card_number, "customer_password": customer_password}
        try:
            await self._typed("validate_customer_password", fields, m.Success)
        except ApiError as exc:
            if isinstance(exc, AuthenticationError) and any(_ACCOUNT_WORDS.search(x) for x in exc.messages):
                raise
            raise CustomerPasswordRejected(exc.messages) from None
        except NoMatchError as exc:
            raise CustomerPasswordRejected([exc.message]) from None
        return True

    async def campaign_promos(self, *, campaign_id: str) -> m.CampaignPromos:
        """The promotions of ``campaign_id`` (``.promos``: each with ``.id`` and ``.label``).

        The answer's shape is not public; it is read tolerantly. When it cannot be read this
        raises :class:`BadResponseError`: let the cashier type the promotion id instead.
        """
        return await self._typed("campaign_promos", {"campaign_id": campaign_id}, m.CampaignPromos)

    # The machinery -----------------------------------------------------------------------

    async def call(self, name: str, fields: Mapping[str, str], *, hint: str | None = None) -> m.WireModel:
        """Perform any call by name (its ``type``, or a report's name) with raw form fields.

        Returns the success model; raises for ``error``, ``no_match`` and every failure.
        """
        spec = spec_for(name, dict(fields))
        return await self._request(spec, dict(fields), hint=hint)

    async def _typed(self, name: str, fields: dict[str, str], model: type[_M], **kw: Any) -> _M:
        result = await self._request(spec_for(name), fields, **kw)
        assert isinstance(result, model)
        return result

    def form(self, spec: CallSpec, fields: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """The form fields and headers of a call (with the secret: never log these)."""
        creds = self.credentials
        form: dict[str, str] = {"user_id": creds.user_id, "account_id": creds.account_id}
        headers: dict[str, str] = {}
        secret = creds.secret.get_secret_value()
        if spec.api15:
            form["API"] = "1.5"
        if creds.in_header:
            headers["api_access_key"] = secret
        elif spec.api15 or creds.secret_kind == "api_key":
            form["user_api_key"] = secret
            form["API"] = "1.5"
        else:
            form["user_password"] = secret
        form["type"] = spec.type
        if spec.report:
            form["report"] = spec.report
        if self.output == "json":
            form["output"] = "JSON"
        for key, value in fields.items():
            if key in {"user_id", "user_password", "user_api_key", "account_id", "type", "API"}:
                continue  # the account's own fields are not the caller's to change
            form[key] = value
        for key, value in spec.defaults:
            form.setdefault(key, value)
        return form, headers

    async def _request(
        self, spec: CallSpec, fields: dict[str, str], *, hint: str | None = None
    ) -> m.WireModel:
        form, headers = self.form(spec, fields)
        who = fields.get("card_number") or fields.get("code") or ""
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await exchange(self._http, self.url, spec, form, headers, hint)
            outcome = "success"
            return result
        except LoyaltyError as exc:
            outcome = type(exc).__name__
            raise
        finally:
            log.info(
                "call=%s customer=%s duration_ms=%.0f outcome=%s",
                spec.name,
                mask_card(who) if who else "-",
                (time.perf_counter() - started) * 1000,
                outcome,
            )


def _customer(card_number: str | None, code: str | None) -> dict[str, str]:
    if code:
        return {"code": code}
    if card_number:
        return {"card_number": card_number}
    raise ValueError("a card number or a customer code is needed")


def _put(fields: dict[str, str], **values: str | None) -> None:
    for key, value in values.items():
        if value is not None and value != "":
            fields[key] = value
