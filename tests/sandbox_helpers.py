"""Shared helpers for tests that run against the sandbox."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from pos_tui.api.client import Credentials, LoyaltyClient
from pos_tui.sandbox.app import InProcessTransport, Sandbox, open_sandbox
from pos_tui.sandbox.demo import ACCOUNT, BUYER, EMPLOYEE, GIFT, JANE, JOHN, SHOPPER, WIDGETS

__all__ = ["ACCOUNT", "BUYER", "EMPLOYEE", "GIFT", "JANE", "JOHN", "SHOPPER", "WIDGETS"]


def make_sandbox(tmp_path: Path, **kw: Any) -> Sandbox:
    kw.setdefault("customers", 40)
    return open_sandbox(tmp_path / "sandbox.db", **kw)


def client(
    sandbox: Sandbox,
    *,
    secret: str = ACCOUNT["secret"],
    account: str = ACCOUNT["id"],
    user: str = ACCOUNT["user_id"],
    **kw: Any,
) -> LoyaltyClient:
    return LoyaltyClient(
        Credentials(user, account, secret, **kw.pop("creds", {})),
        url="http://sandbox/api.php",
        transport=InProcessTransport(sandbox),
        **kw,
    )


async def raw(
    sandbox: Sandbox, fields: dict[str, str], *, method: str = "POST", headers: dict[str, str] | None = None
) -> httpx.Response:
    async with httpx.AsyncClient(transport=InProcessTransport(sandbox), base_url="http://sandbox") as http:
        if method == "GET":
            return await http.get("/api.php", params=fields, headers=headers)
        return await http.post("/api.php", data=fields, headers=headers)


def auth(**fields: str) -> dict[str, str]:
    return {
        "user_id": ACCOUNT["user_id"],
        "user_password": ACCOUNT["secret"],
        "account_id": ACCOUNT["id"],
        **fields,
    }


def balance_of(info: Any, campaign_id: str) -> Decimal | None:
    return info.campaign(campaign_id).balance
