"""The quirks of real responses decode; anything that is not a whole API response never does."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.api import models as m
from pos_tui.api.calls import CALLS, decode
from pos_tui.api.errors import BadResponseError

from .conftest import REFERENCE, reference

INFO = b"""<response status="success"><customer><code>1</code><first_name>%s</first_name></customer>
<campaigns><campaign><id>9</id><type>points</type><balance>%s</balance>
<available_rewards><reward><id>5</id><description>Tea</description><needed_to_redeem>10</needed_to_redeem></reward></available_rewards>
</campaign></campaigns></response>"""


def info(name: bytes = b"Ann", balance: bytes = b"12") -> bytes:
    return INFO % (name, balance)


def test_a_single_child_is_still_a_list():
    result = decode("customer_info", info())
    assert len(result.campaigns) == 1
    assert result.campaigns[0].available_rewards[0].needed_to_redeem == Decimal(10)


def test_json_single_object_where_a_list_is_expected():
    body = {
        "status": "success",
        "customer": {"code": "1"},
        "campaigns": {"id": "9", "type": "giftcard", "balance": "5,50", "currency": "EUR"},
    }
    result = decode("customer_info", json.dumps(body).encode())
    assert isinstance(result.campaigns[0], m.GiftCardCampaign)
    assert result.campaigns[0].balance == Decimal("5.50")


def test_empty_wrappers_and_empty_elements():
    body = (
        b'<response status="success"><customer><code>1</code><custom_date>0000-00-00</custom_date>'
        b"</customer><campaigns><campaign><id>9</id><type>events</type><balance></balance>"
        b"<last_transaction>0000-00-00</last_transaction><available_rewards></available_rewards>"
        b"</campaign></campaigns></response>"
    )
    result = decode("customer_info", body)
    campaign = result.campaigns[0]
    assert result.customer.custom_date is None
    assert campaign.balance is None and campaign.last_transaction is None
    assert campaign.available_rewards == []


def test_raw_ampersands_and_html_entities():
    result = decode("customer_info", info(b"Coffees & Teas &amp; caf&eacute; &bogus; &#233;"))
    assert result.customer.first_name == "Coffees & Teas & caf\u00e9 &bogus; \u00e9"


def test_byte_order_mark_and_declared_encoding():
    body = b"\xef\xbb\xbf" + info(b"Zo\xc3\xab")
    assert decode("customer_info", body).customer.first_name == "Zo\u00eb"
    latin = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + info(b"Zo\xeb")
    assert decode("customer_info", latin).customer.first_name == "Zo\u00eb"
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + info("Zoë".encode()).decode()).encode("utf-16")
    assert decode("customer_info", utf16).customer.first_name == "Zo\u00eb"


def test_decimal_comma_in_responses():
    assert decode("customer_info", info(balance=b"9,95")).campaigns[0].balance == Decimal("9.95")


def test_unknown_elements_and_campaign_kinds_are_kept():
    body = (
        b'<response status="success"><customer><code>1</code><loyalty_tier>Gold</loyalty_tier></customer>'
        b"<campaigns><campaign><id>9</id><type>stamps</type><name>Stamps</name><balance>3</balance>"
        b"<stamp_colour>red</stamp_colour></campaign></campaigns><server>b2</server></response>"
    )
    result = decode("customer_info", body)
    assert result.customer.model_extra == {"loyalty_tier": "Gold"}
    assert isinstance(result.campaigns[0], m.OtherCampaign)
    assert result.campaigns[0].balance == Decimal(3)
    wire = result.wire()
    assert wire["server"] == "b2" and wire["campaigns"][0]["stamp_colour"] == "red"


def test_live_receipt_extras():
    body = (
        b'<response status="success"><receipt><campaign><id>1</id><type>giftcard</type></campaign>'
        b"<transaction><id>77</id><deduct><amount>-1</amount><currency>USD</currency><glyph>$</glyph></deduct>"
        b"<balance><amount>4</amount></balance><cummulative_balance><amount>9</amount></cummulative_balance>"
        b"<coalition_cumulative_balance><amount>20</amount></coalition_cumulative_balance>"
        b"</transaction></receipt></response>"
    )
    receipt = decode("redeem", body).receipt
    assert receipt.kind == "giftcard"
    assert receipt.transaction.deduct.amount == Decimal(-1)
    assert receipt.transaction.deduct.glyph == "$"
    assert receipt.transaction.cumulative_balance.amount == Decimal(9)
    assert receipt.transaction.model_extra["coalition_cumulative_balance"] == {"amount": "20"}


def test_campaign_type_of_a_live_receipt_settles_the_kind():
    body = reference("transactions-10").replace(
        b"<name>GateKeeper Rewards</name>", b"<name>GateKeeper Rewards</name><type>earned</type>"
    )
    assert decode("redeem", body).receipt.kind == "earned"


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"status": "error", "error": "Invalid card"}', ["Invalid card"]),
        (b'{"status": "error", "errors": ["Bad amount", "Bad campaign"]}', ["Bad amount", "Bad campaign"]),
        (b'<response status="error"><error>A</error><error>B</error></response>', ["A", "B"]),
        (b'<response status="error"><errors><error>A</error></errors></response>', ["A"]),
        (b'<response status="ERROR"><error>x</error></response>', ["x"]),
    ],
)
def test_error_shapes(body, message):
    result = decode("redeem", body)
    assert isinstance(result, m.ErrorResponse) and result.messages == message


def test_jsonp_and_condensed():
    body = b'/**/cb_1({"status":"no_match","message":"No Customers Match Criteria"});'
    assert decode("customer_info", body).message == "No Customers Match Criteria"


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", "web page"),
        (b"<!DOCTYPE html><html><body>Proxy error</body></html>", "web page"),
        (b"Service Unavailable", "not an API response"),
        (b'<response status="success"><customer><code>1</code>', "cut short"),
        (b'{"status": "success", "customer": {"code": "1"', "cut short"),
        (b'cb({"status": "success"', "cut short"),
        (b'<result status="success"></result>', "not an API response"),
        (b"<response><customer/></response>", "no status"),
        (b'{"status": "maybe"}', "no status"),
        (b"[1, 2]", "not an API response"),
        (b'<response status="success"><a>1<b></a></response', "cut short"),
    ],
)
def test_not_an_api_response(body, reason):
    with pytest.raises(BadResponseError) as caught:
        decode("customer_info", body)
    assert reason in str(caught.value)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<response status="success"><customer><first_name>&lol2;</first_name></customer></response>"""
EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<response status="success"><customer><first_name>&xxe;</first_name></customer></response>"""


@pytest.mark.parametrize(
    "body",
    [BILLION_LAUGHS, EXTERNAL, b'<!DOCTYPE response SYSTEM "http://x/y.dtd"><response status="success"/>'],
)
def test_dtds_and_entities_are_refused(body):
    with pytest.raises(BadResponseError, match="DTD"):
        decode("customer_info", body)


# Properties --------------------------------------------------------------------------------

ALL_FIXTURES = sorted(p.stem for p in REFERENCE.glob("*.xml"))
RECOGNISED = (m.WireModel,)


@given(body=st.binary(max_size=400), call=st.sampled_from(sorted(CALLS)))
def test_random_bytes_never_crash(body, call):
    try:
        result = decode(call, body)
    except BadResponseError:
        return
    assert isinstance(result, RECOGNISED)


@given(name=st.sampled_from(ALL_FIXTURES), data=st.data())
def test_a_cut_short_body_is_never_a_success(name, data):
    body = reference(name).rstrip()
    cut = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    with pytest.raises(BadResponseError):
        decode("customer_info", body[:cut])


@given(name=st.sampled_from(ALL_FIXTURES), data=st.data())
def test_a_cut_short_json_body_is_never_a_success(name, data):
    from .test_reference import EXAMPLES

    call, hint, _, _ = EXAMPLES[name]
    body = json.dumps(decode(call, reference(name), hint=hint).wire()).encode()
    cut = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    with pytest.raises(BadResponseError):
        decode(call, body[:cut], hint=hint)


@given(name=st.sampled_from(ALL_FIXTURES), data=st.data())
def test_mangled_bodies_never_crash(name, data):
    """Any byte flipped, dropped or inserted: a model or a BadResponseError, nothing else."""
    from .test_reference import EXAMPLES

    call, hint, _, _ = EXAMPLES[name]
    body = bytearray(reference(name))
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(body) - 1))
        action = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        byte = data.draw(st.sampled_from(list(b"<>&/\"';\x00\xff") + [data.draw(st.integers(0, 255))]))
        if action == "flip":
            body[at] = byte
        elif action == "drop":
            del body[at]
        else:
            body.insert(at, byte)
    try:
        result = decode(call, bytes(body), hint=hint)
    except BadResponseError:
        return
    assert isinstance(result, RECOGNISED)


@given(
    tree=st.recursive(
        st.text(max_size=10) | st.integers() | st.none() | st.booleans(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "status",
                        "customer",
                        "campaigns",
                        "receipt",
                        "transaction",
                        "balance",
                        "type",
                        "id",
                        "error",
                        "customers",
                        "batch",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=20,
    ),
    call=st.sampled_from(sorted(CALLS)),
)
def test_arbitrary_json_never_crashes(tree, call):
    body = json.dumps({"status": "success", "x": tree} if not isinstance(tree, dict) else tree).encode()
    try:
        result = decode(call, body)
    except BadResponseError:
        return
    assert isinstance(result, RECOGNISED)
