"""The sandbox over real HTTP on loopback, its fault injection, and several tills at once."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal

import httpx
import pytest

from pos_tui.api import errors
from pos_tui.api import requests as rq
from pos_tui.api.calls import decode
from pos_tui.api.client import Credentials, LoyaltyClient
from pos_tui.api.models import BuyXCampaign, CustomerInfo
from pos_tui.sandbox.faults import FaultSpecError, parse

from .sandbox_helpers import ACCOUNT, GIFT, JANE, SHOPPER, client, free_port, make_sandbox, sandbox_process

JANE_REF = rq.CustomerRef(code=JANE["code"])


@pytest.fixture
def server(tmp_path):
    """``pos-tui sandbox`` in a child process on a loopback port, with a request log."""
    log = tmp_path / "requests.jsonl"
    with sandbox_process(tmp_path / "s.db", free_port(), "--reset", "--request-log", str(log)) as url:
        yield url, log


def php_post(url: str, fields: dict[str, str]) -> bytes:
    """What a PHP client does: an urlencoded POST with curl."""
    body = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:
        return response.read()


def multipart_post(url: str, fields: dict[str, str]) -> bytes:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def test_a_plain_http_client_on_loopback(server):
    url, log = server
    creds = {"user_id": ACCOUNT["user_id"], "user_password": ACCOUNT["secret"], "account_id": ACCOUNT["id"]}
    info = decode(
        "customer_info", php_post(url, {**creds, "type": "customer_info", "card_number": "1212121212"})
    )
    assert info.customer.name == "John Doe"
    receipt = decode(
        "record_activity",
        multipart_post(
            url,
            {**creds, "type": "record_activity", "code": JANE["code"], "campaign_id": GIFT, "amount": "9,95"},
        ),
    )
    assert receipt.receipt.transaction.add.amount == Decimal("9.95")
    query = urllib.parse.urlencode({**creds, "type": "customer_info", "code": JANE["code"], "output": "json"})
    with urllib.request.urlopen(url.replace("/api.php", "/") + "?" + query, timeout=10) as response:
        assert json.loads(response.read())["campaigns"][3]["balance"] == "65.65"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["type"] for line in lines] == ["customer_info", "record_activity", "customer_info"]
    assert all(line["fields"]["user_password"] == "***" for line in lines)
    assert ACCOUNT["secret"] not in log.read_text()


def test_several_tills_never_corrupt_a_balance(server):
    """Eight tills load one gift card at once, over HTTP: every load counts, exactly once."""
    url, _ = server

    async def till(n: int) -> list[str]:
        async with LoyaltyClient(
            Credentials(ACCOUNT["user_id"], ACCOUNT["id"], ACCOUNT["secret"]), url=url
        ) as api:
            ids = []
            for _ in range(15):
                r = await api.record_activity(
                    rq.GiftCardLoad(customer=JANE_REF, campaign_id=GIFT, amount="1.01")
                )
                ids.append(r.transaction_id)
            return ids

    async def run() -> tuple[list[list[str]], Decimal]:
        results = await asyncio.gather(*(till(n) for n in range(8)))
        async with LoyaltyClient(
            Credentials(ACCOUNT["user_id"], ACCOUNT["id"], ACCOUNT["secret"]), url=url
        ) as api:
            info = await api.customer_info(code=JANE["code"])
        return results, _balance(info, GIFT)

    results, balance = asyncio.run(run())
    ids = [i for r in results for i in r]
    assert len(set(ids)) == 120
    assert balance == Decimal("55.70") + 120 * Decimal("1.01")


def test_fault_specs():
    faults = parse("record_activity:after_commit=0.25, *:delay=1.5,redeem:http502=1")
    assert [(f.call, f.kind, f.value) for f in faults] == [
        ("record_activity", "after_commit", 0.25),
        ("*", "delay", 1.5),
        ("redeem", "http502", 1.0),
    ]
    for bad in ("record_activity", "x:explode=1", "x:http502=2", "x:delay=abc", ":delay=1"):
        with pytest.raises(FaultSpecError):
            parse(bad)


async def written(sandbox) -> Decimal:
    async with client(sandbox) as api:
        return _balance(await api.customer_info(code=JANE["code"]), SHOPPER)


def _balance(info: CustomerInfo, campaign_id: str) -> Decimal:
    campaign = info.campaign(campaign_id)
    assert campaign is not None and not isinstance(campaign, BuyXCampaign) and campaign.balance is not None
    return campaign.balance


@pytest.mark.parametrize(
    "fault, applied",
    [("before_commit=1", False), ("after_commit=1", True), ("http502=1", False), ("truncate=1", True)],
)
async def test_each_fault_leaves_the_outcome_unknown_and_writes_as_it_says(tmp_path, fault, applied):
    sandbox = make_sandbox(tmp_path, faults=f"record_activity:{fault}")
    before = await written(sandbox)
    async with client(sandbox) as api:
        with pytest.raises(errors.OutcomeUnknownError):
            await api.record_activity(rq.EventsEarn(customer=JANE_REF, campaign_id=SHOPPER))
    assert await written(sandbox) == before + (1 if applied else 0)


async def test_a_delay_past_the_read_timeout(tmp_path):
    sandbox = make_sandbox(tmp_path, faults="record_activity:delay=0.6")
    before = await written(sandbox)
    async with client(sandbox, timeout=httpx.Timeout(5.0, read=0.2)) as api:
        with pytest.raises(errors.OutcomeUnknownError, match="did not answer in time"):
            await api.record_activity(rq.EventsEarn(customer=JANE_REF, campaign_id=SHOPPER))
    assert await written(sandbox) == before + 1  # committed before the delay


async def test_faults_are_seeded(tmp_path):
    async def pattern(seed: int) -> list[bool]:
        sandbox = make_sandbox(
            tmp_path / str(seed) / str(id(object())), faults="customer_info:http502=0.5", fault_seed=seed
        )
        seen = []
        async with client(sandbox) as api:
            for _ in range(20):
                try:
                    await api.customer_info(code=JANE["code"])
                    seen.append(True)
                except errors.OutcomeUnknownError:
                    seen.append(False)
        return seen

    first, again, other = await pattern(7), await pattern(7), await pattern(8)
    assert first == again and first != other and 0 < sum(first) < 20
