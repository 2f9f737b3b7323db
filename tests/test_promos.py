"""The earn form offers the campaign's promotions by name (issue 10); the typed id when it cannot."""

from __future__ import annotations

import asyncio
import json

from textual.widgets import Input, OptionList, Select, Static

from pos_tui.sandbox.demo import JOHN, WIDGETS
from pos_tui.tui.screens.earn import EarnScreen
from pos_tui.tui.screens.promos import PromoRow, PromoSelect
from pos_tui.tui.screens.receipt import ReceiptScreen

from .till_helpers import customer_shown, make_app, scan, type_slowly, until

SIZE = (100, 32)


async def open_earn(pilot):
    """John's earn form on Widget Rewards (his last campaign), its amount field focused."""
    app = pilot.app
    await scan(pilot, JOHN["card_number"])
    await until(pilot, lambda: customer_shown(app))
    app.last_campaign_id = WIDGETS
    await pilot.press("plus")
    await until(pilot, lambda: isinstance(app.screen, EarnScreen) and app.screen.composed)
    screen = app.screen
    await until(pilot, lambda: app.focused is not None and app.focused.id == "points-amount")
    return screen


def row(screen) -> PromoRow:
    return screen.query_one(PromoRow)


def logged_promo_ids(log) -> list[str]:
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    return [e["fields"].get("promo_id", "") for e in lines if e["call"] == "record_activity"]


async def test_promotions_are_offered_by_name_and_the_chosen_id_is_sent(tmp_path):
    """Amount, Tab, the choice opened with Enter, Down to the first promotion, Enter chooses it
    and brings the focus back to the amount, where Enter records the earn with its id."""
    log = tmp_path / "requests.jsonl"
    app = make_app(tmp_path, request_log=log)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_earn(pilot)
        await until(pilot, lambda: row(screen).state == "listed")
        choice = screen.query_one(PromoSelect)
        assert [str(prompt) for prompt, _ in choice._options] == [
            "No promotion",
            "Double Points Tuesday",
            "Welcome bonus",
        ]
        assert choice.selection == ""  # "No promotion" is the default
        assert not screen.query_one("#promo", Input).display  # the typed id is not offered
        await type_slowly(pilot, "10")
        await pilot.press("tab")
        assert app.focused is choice
        await pilot.press("enter")
        await until(pilot, lambda: choice.expanded)
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "points-amount")
        assert choice.selection == "89"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert logged_promo_ids(log) == ["89"]
        info = await app.services.api.customer_info(card_number=JOHN["card_number"])
        assert info.campaign(WIDGETS).balance == 1500 + 2 * 1000  # 10.00 at 100 pts, doubled


async def test_without_a_choice_the_earn_keys_are_unchanged(tmp_path):
    """`+ 995 Enter` with the list shown: no promotion is sent."""
    log = tmp_path / "requests.jsonl"
    app = make_app(tmp_path, request_log=log)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_earn(pilot)
        await until(pilot, lambda: row(screen).state == "listed")
        await type_slowly(pilot, "995")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert logged_promo_ids(log) == [""]


async def test_a_submit_while_the_list_loads_has_no_promotion(tmp_path):
    """The list is slow: the form says it is loading, and Enter records the earn meanwhile."""
    log = tmp_path / "requests.jsonl"
    app = make_app(tmp_path, request_log=log)
    release = gated(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_earn(pilot)
        assert row(screen).state == "loading"
        assert "Loading" in str(screen.query_one("#promo-note", Static).render())
        await type_slowly(pilot, "5")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert logged_promo_ids(log) == [""]
        release.set()
        await pilot.pause(0.2)  # the late answer, for a screen that is gone, breaks nothing


async def test_the_typed_id_is_offered_when_the_list_cannot_be_read(tmp_path):
    log = tmp_path / "requests.jsonl"
    app = make_app(tmp_path, request_log=log, faults="campaign_promos:http502=1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_earn(pilot)
        await until(pilot, lambda: row(screen).state == "typed")
        assert "unavailable" in str(screen.query_one("#promo-note", Static).render())
        assert not screen.query_one(PromoSelect).display
        await type_slowly(pilot, "10")
        await pilot.press("tab")
        assert app.focused is screen.query_one("#promo", Input)
        await type_slowly(pilot, "90")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert logged_promo_ids(log) == ["90"]
        info = await app.services.api.customer_info(card_number=JOHN["card_number"])
        assert info.campaign(WIDGETS).balance == 1500 + 1000 + 250  # the welcome bonus adds 250


async def test_an_empty_list_or_an_unreadable_one_offers_the_typed_id_with_the_reason(tmp_path):
    from pos_tui.api import errors
    from pos_tui.api import models as m

    app = make_app(tmp_path)
    answers: list[object] = [m.CampaignPromos(promos=[]), errors.BadResponseError("not XML")]

    async def answer(**kwargs):
        got = answers.pop(0)
        if isinstance(got, Exception):
            raise got
        return got

    app.services.api.campaign_promos = answer
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_earn(pilot)
        await until(pilot, lambda: row(screen).state == "typed")
        assert str(screen.query_one("#promo-note", Static).render()) == "No promotions listed"
        row(screen).campaign_id = ""  # as if the campaign were chosen again: an empty list is kept
        row(screen).show_for(WIDGETS)
        assert row(screen).state == "typed" and answers  # from the cache: not read again
        row(screen)._cache.clear()
        row(screen).campaign_id = ""
        row(screen).show_for(WIDGETS)
        await until(pilot, lambda: row(screen).state == "typed" and not answers)
        assert str(screen.query_one("#promo-note", Static).render()) == "The list could not be read"


async def test_the_list_is_read_once_per_campaign_and_a_stale_answer_is_not_shown(tmp_path):
    """Each campaign's list is read once for this screen; an answer that comes after the cashier
    moved on to another campaign is kept for later, not shown for the other one."""
    from pos_tui.api import models as m

    app = make_app(tmp_path)
    gate = asyncio.Event()
    asked: list[str] = []

    async def answer(*, campaign_id):
        asked.append(campaign_id)
        if campaign_id == WIDGETS:
            await gate.wait()
            return m.CampaignPromos(promos=[m.Promo(id="89", name="Double Points Tuesday")])
        return m.CampaignPromos(promos=[m.Promo(id="7", name="Other campaign's promo")])

    app.services.api.campaign_promos = answer
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_earn(pilot)
        promos = row(screen)
        assert promos.state == "loading" and promos.campaign_id == WIDGETS
        promos.show_for("other")  # the cashier moves on (the Widget Rewards worker is cancelled)
        await until(pilot, lambda: promos.state == "listed")
        promos.show_for(WIDGETS)  # back: read again (the first read never finished)
        await until(pilot, lambda: len(asked) == 3)
        promos.show_for("other")  # and away again, before Widget Rewards answers: from the cache
        assert promos.state == "listed"
        gate.set()
        await pilot.pause(0.2)
        shown = [str(prompt) for prompt, _ in screen.query_one(PromoSelect)._options]
        assert shown == ["No promotion", "Other campaign's promo"]  # the late answer is not shown
        promos.show_for(WIDGETS)  # but kept: shown at once, not read again
        shown = [str(prompt) for prompt, _ in screen.query_one(PromoSelect)._options]
        assert shown == ["No promotion", "Double Points Tuesday"]
        assert asked == [WIDGETS, "other", WIDGETS]


async def test_hostile_names_are_shown_literally(tmp_path):
    app = make_app(tmp_path)
    with app.services.sandbox.ledger.write() as conn:
        for pid, name in (("91", "[/x] Bonus [b]big[/b]"), ("92", "Two\nlines"), ("93", "Two lines")):
            conn.execute(
                "INSERT INTO promotions (id, campaign_id, description, operation, amount) VALUES (?, ?, ?, ?, ?)",
                (pid, WIDGETS, name, "+", "1"),
            )
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_earn(pilot)
        await until(pilot, lambda: row(screen).state == "listed")
        choice = screen.query_one(Select)
        shown = [str(prompt) for prompt, _ in choice._options]
        assert shown[-3:] == ["[/x] Bonus [b]big[/b]", "Two lines (id 92)", "Two lines (id 93)"]
        await pilot.press("tab", "enter")
        await until(pilot, lambda: choice.expanded)
        await pilot.pause(0.1)  # drawn without a markup error
        await pilot.press("escape")
        await until(pilot, lambda: not choice.expanded)
        assert isinstance(app.screen, EarnScreen)


def gated(app):
    """campaign_promos answers (from the sandbox) only once the returned event is set."""
    gate = asyncio.Event()
    real = app.services.api.campaign_promos

    async def slow(**kwargs):
        await gate.wait()
        return await real(**kwargs)

    app.services.api.campaign_promos = slow
    return gate


async def test_an_id_typed_while_the_list_loads_is_kept(tmp_path):
    """Typed before the list came: one of the list's ids becomes that choice; another id stays
    typed (the service decides), with a note."""
    for typed, state, sent in (("90", "listed", "90"), ("5", "typed", "5")):
        app = make_app(tmp_path / typed)
        gate = gated(app)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_earn(pilot)
            await type_slowly(pilot, "10")
            await pilot.press("tab")
            assert app.focused is screen.query_one("#promo", Input)
            await type_slowly(pilot, typed)
            gate.set()
            promos = row(screen)
            await until(pilot, lambda s=state, r=promos: r.state == s)
            await pilot.pause()  # the focus moves when the app handles its queue (Widget.focus defers)
            assert row(screen).value == sent
            if state == "listed":
                assert app.focused is screen.query_one(PromoSelect)  # the cashier was there
            else:
                assert "not in the list" in str(screen.query_one("#promo-note", Static).render())


async def test_a_list_that_takes_too_long_gives_way_to_the_typed_id(tmp_path, monkeypatch):
    from pos_tui.tui.screens import promos

    monkeypatch.setattr(promos, "PROMOS_WAIT", 0.3)
    app = make_app(tmp_path)
    gated(app)  # never answers
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_earn(pilot)
        await until(pilot, lambda: row(screen).state == "typed")
        assert str(screen.query_one("#promo-note", Static).render()) == "The list took too long"


async def test_a_digit_on_the_promotions_opens_them_and_keeps_the_campaign(tmp_path):
    """A cashier used to typing a promotion id tabs to the list and types a digit: the campaign
    stays (the screen's number keys chose another campaign), and the list opens to choose by name."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_earn(pilot)
        await until(pilot, lambda: row(screen).state == "listed")
        choice = screen.query_one(PromoSelect)
        campaign = row(screen).campaign_id
        await type_slowly(pilot, "10")
        await pilot.press("tab")
        assert app.focused is choice
        ids = [o.id for o in screen.query_one("#campaign", OptionList).options]
        other = next(n for n, campaign_id in enumerate(ids, 1) if campaign_id != WIDGETS)
        await type_slowly(pilot, str(other))
        assert screen.campaign.id == campaign == WIDGETS
        assert choice.expanded and choice.selection == ""
        assert any("by name" in n.message for n in app._notifications)
