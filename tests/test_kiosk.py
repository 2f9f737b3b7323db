"""The kiosk's rules (what a customer sees, limits, the manager PIN, the account check) and the kiosk
app driven by Pilot against the in-process sandbox."""

from __future__ import annotations

import logging

import pytest

from pos_tui.api import models as m
from pos_tui.sandbox.demo import JANE, JANE_PASSWORD, JOHN
from pos_tui.till.kiosk import (
    CARD_LOCK_SECONDS,
    PIN_TRIES_PER_CARD,
    SCANS_PER_MINUTE,
    Guard,
    KioskRefused,
    Window,
    check_kiosk_account,
    kiosk_view,
)
from pos_tui.till.manager_pin import hash_pin, valid_pin, verify_pin
from pos_tui.tui.screens.kiosk import (
    KioskCustomerScreen,
    KioskManagerScreen,
    KioskPinScreen,
    KioskScanScreen,
    big_lines,
)

from .kiosk_helpers import Clock, make_kiosk
from .till_helpers import scan, until

# Everything of Jane's that a kiosk must never show.
JANE_PRIVATE = [JANE["code"], JANE["card_number"], "555-5555", "jdoe@workemail.com", "Doe"]


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


# What the customer sees ----------------------------------------------------------------------------


def test_the_view_holds_only_the_first_name_balances_and_ready_rewards():
    info = m.CustomerInfo.model_validate(
        {
            "customer": {
                "code": "C0DE123",
                "card_number": "4444",
                "first_name": "Zoë [/b]",
                "last_name": "Secret",
                "phone": "555-1234",
                "email": "z@example.com",
                "street1": "1 Hidden Lane",
                "custom_field": "VIP note",
            },
            "campaigns": [
                {
                    "id": "1",
                    "name": "Points",
                    "type": "points",
                    "balance": "1500",
                    "monetary_balance": "10",
                    "currency": "EUR",
                    "available_rewards": [
                        {"id": "a", "description": "Free Widget", "needed_to_redeem": "1000"},
                        {"id": "b", "description": "Big Widget", "needed_to_redeem": "2500"},
                    ],
                },
                {"id": "2", "name": "Gift", "type": "giftcard", "balance": "55.7", "currency": "EUR"},
                {"id": "3", "name": "Visits", "type": "events", "balance": "21"},
                {
                    "id": "4",
                    "name": "Coffee Club",
                    "type": "buyx",
                    "balances": [{"name": "Coffees", "balance": "10", "earned": "1"}],
                    "available_rewards": [{"name": "Coffees", "item_id": "7"}],
                },
            ],
        }
    )
    view = kiosk_view(info)
    assert view.first_name == "Zoë [/b]"
    points, gift, visits, coffee = view.tiles
    assert (points.figure, points.unit, points.ready) == (
        "1,500",
        "points · worth 10.00 EUR",
        ("Free Widget",),
    )
    assert (gift.figure, gift.unit) == ("55.70", "EUR on your gift card")
    assert (visits.figure, visits.unit) == ("21", "visits")
    assert coffee.ready == ("free Coffees",)  # not "a free Coffees"
    everything = repr(view)
    for private in ("C0DE123", "4444", "Secret", "555-1234", "z@example.com", "Hidden", "VIP"):
        assert private not in everything


def test_big_lettering_fits_the_width_or_falls_back_to_plain_text():
    wide = big_lines("Scan your card", 200)
    narrow = big_lines("Scan your card", 80)
    assert len(wide) == 5 and max(map(len, wide)) <= 200
    assert len(narrow) == 3 and max(map(len, narrow)) <= 80
    assert big_lines("Scan your card", 20) == ["Scan your card"]
    assert big_lines("Hello 李", 200) == ["Hello 李"]  # a letter no font has: plain text


# Limits and PINs ---------------------------------------------------------------------------------


def test_a_window_allows_limit_events_per_period():
    window = Window(3, 60)
    assert [window.allow(t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert window.wait(3) == pytest.approx(57)
    assert window.allow(60.5)


def test_scans_per_minute_are_limited():
    clock = Clock()
    guard = Guard(clock=clock)
    assert all(guard.scan_allowed() for _ in range(SCANS_PER_MINUTE))
    assert not guard.scan_allowed()
    clock.now += 61
    assert guard.scan_allowed()


def test_pin_tries_are_limited_per_card_and_per_minute():
    clock = Clock()
    guard = Guard(clock=clock)
    assert [guard.pin_try_allowed("A") for _ in range(PIN_TRIES_PER_CARD)] == [""] * PIN_TRIES_PER_CARD
    assert guard.pin_try_allowed("A") == "card" and guard.card_locked("A")
    assert guard.pin_try_allowed("B") == "" and guard.pin_try_allowed("B") == ""
    assert guard.pin_try_allowed("C") == "minute"  # five tries this minute, whatever the card
    clock.now += 61
    assert guard.pin_try_allowed("C") == "" and guard.card_locked("A")
    clock.now += CARD_LOCK_SECONDS
    assert not guard.card_locked("A")
    guard.pin_accepted("B")
    assert "B" not in guard.card_tries


def test_the_manager_pin_is_stored_as_a_salted_scrypt_hash():
    stored = hash_pin("4321")
    assert stored.startswith("scrypt$16384$8$1$") and "4321" not in stored
    assert stored != hash_pin("4321")  # a new salt each time
    assert verify_pin("4321", stored)
    assert not verify_pin("4322", stored)
    assert (
        not verify_pin("4321", "")
        and not verify_pin("4321", "scrypt$x$y")
        and not verify_pin("1", "md5$a$b$c$d$e")
    )
    assert valid_pin("0000") and valid_pin("123456789012")
    assert not valid_pin("123") and not valid_pin("12a4") and not valid_pin("1234567890123")
    assert not valid_pin("١٢٣٤")  # Arabic-Indic digits: str.isdigit said yes


def test_the_kiosk_refuses_the_tills_user_or_secret():
    with pytest.raises(KioskRefused, match="no kiosk user"):
        check_kiosk_account("john1970", "")
    with pytest.raises(KioskRefused, match="till's own user"):
        check_kiosk_account("john1970", "John1970 ")
    with pytest.raises(KioskRefused, match="secret is the till's"):
        check_kiosk_account("john1970", "kiosk", "s3cret", "s3cret")
    check_kiosk_account("john1970", "kiosk", "s3cret", "other")
    check_kiosk_account("", "kiosk", None, "other")  # a store PC with only the kiosk's account


# The app -------------------------------------------------------------------------------------------


async def test_a_scan_shows_first_name_balances_and_rewards_and_nothing_private(tmp_path):
    app = make_kiosk(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await scan(pilot, JANE["card_number"])
        await until(pilot, lambda: isinstance(app.screen, KioskCustomerScreen))
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "██" in text  # "Hello Jane" in big letters
        for shown in (
            "Widget Rewards",
            "points · worth 31.27 EUR",
            "Ready now: Free Widget",
            "Coffees: 12 bought",
        ):
            assert shown in text
        for private in JANE_PRIVATE:
            assert private not in text
        assert app.screen.view.first_name == "Jane"


async def test_no_key_leaves_or_changes_the_kiosk(tmp_path):
    app = make_kiosk(tmp_path)
    keys = ["ctrl+c", "ctrl+q", "ctrl+z", "ctrl+backslash", "ctrl+d", "ctrl+p", "ctrl+w", "escape", "tab"]
    keys += [f"f{n}" for n in range(1, 13)] + [f"alt+{c}" for c in "aqxz"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JOHN["card_number"])
        await until(pilot, lambda: isinstance(app.screen, KioskCustomerScreen))
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.3)
        assert app.is_running and isinstance(app.screen, KioskCustomerScreen)
        assert len(app.screen_stack) == 2 and app.focused is None


async def test_whatever_is_pressed_the_kiosk_only_reads(tmp_path):
    """No key that writes anything: the till's earn, redeem, void, history and print keys, digits
    and Enter on every kiosk screen reach the API as reads only (the sandbox's request log)."""
    import json

    log = tmp_path / "requests.jsonl"
    app = make_kiosk(tmp_path, customer_pin=True, guard=Guard(clock=Clock()), request_log=log)
    till_keys = ["plus", "minus", "asterisk", "e", "r", "h", "v", "y", "p", "s", "w", "f2", "f5", "f9"]
    till_keys += ["1", "0", "full_stop", "5", "enter", "y", "enter", "delete", "backspace"]
    async with app.run_test(size=(80, 24)) as pilot:
        for key in till_keys:  # on "Scan your card"
            await pilot.press(key)
        await pilot.pause(0.35)
        await scan(pilot, JANE["card_number"])
        await until(pilot, lambda: isinstance(app.screen, KioskPinScreen))
        for key in JANE_PASSWORD:
            await pilot.press(key)
        await pilot.pause(0.35)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, KioskCustomerScreen))
        for key in till_keys:  # on the customer's balances
            await pilot.press(key)
        await pilot.pause(0.5)
        assert app.is_running
    calls = [json.loads(line)["call"] for line in log.read_text().splitlines()]
    assert "customer_info" in calls and "validate_customer_password" in calls
    assert set(calls) <= {"customer_info", "validate_customer_password"}, calls


async def test_the_idle_wipe_returns_to_scan_your_card(tmp_path):
    clock = Clock()  # moved by hand: a loaded machine's slow pauses cannot wipe early
    app = make_kiosk(tmp_path, idle_seconds=2, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JANE["card_number"])
        await until(pilot, lambda: isinstance(app.screen, KioskCustomerScreen))
        clock.now += 1.5
        await pilot.pause(0.6)  # two ticks of the idle check
        assert isinstance(app.screen, KioskCustomerScreen)
        await pilot.press("down")  # a key keeps the customer's screen up
        clock.now += 1.5  # 3 s after the balances appeared, 1.5 s after the key
        await pilot.pause(0.6)
        assert isinstance(app.screen, KioskCustomerScreen)
        clock.now += 0.6
        await until(pilot, lambda: isinstance(app.screen, KioskScanScreen))
        await pilot.pause(0.1)
        assert "Jane" not in screen_text(app) and "Widget" not in screen_text(app)


async def test_an_unknown_card_says_so_without_echoing_it(tmp_path):
    app = make_kiosk(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "99887766")
        await until(pilot, lambda: "We do not know this card" in str(app.scan_screen.message.render()))
        assert "99887766" not in screen_text(app)


async def test_too_many_scans_a_minute_are_refused(tmp_path):
    app = make_kiosk(tmp_path, guard=Guard(clock=Clock()))
    async with app.run_test(size=(80, 24)) as pilot:
        for n in range(SCANS_PER_MINUTE):
            await scan(pilot, f"5500{n:04d}")
            await pilot.pause(0.05)
        await scan(pilot, JANE["card_number"])
        await pilot.pause(0.3)
        assert "Please wait a moment" in screen_text(app)
        assert not isinstance(app.screen, KioskCustomerScreen)


async def test_the_customer_pin_comes_before_the_balance(tmp_path):
    app = make_kiosk(tmp_path, customer_pin=True, guard=Guard(clock=Clock()))
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JANE["card_number"])
        await until(pilot, lambda: isinstance(app.screen, KioskPinScreen))
        for _ in range(2):
            for key in "1111":
                await pilot.press(key)
            await pilot.pause(0.35)  # past the wedge's wait: a person typing
            assert "●  ●  ●  ●" in screen_text(app)
            await pilot.press("enter")
            await until(pilot, lambda: "not right" in screen_text(app))
        for key in JANE_PASSWORD:
            await pilot.press(key)
        await pilot.pause(0.35)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, KioskCustomerScreen))
        assert "Jane" == app.screen.view.first_name and JANE_PASSWORD not in screen_text(app)


async def test_three_wrong_pins_lock_the_card(tmp_path):
    app = make_kiosk(tmp_path, customer_pin=True, guard=Guard(clock=Clock()))
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JANE["card_number"])
        await until(pilot, lambda: isinstance(app.screen, KioskPinScreen))
        for _ in range(PIN_TRIES_PER_CARD):
            for key in "9999":
                await pilot.press(key)
            await pilot.pause(0.35)
            await pilot.press("enter")
            await pilot.pause(0.3)
        await until(pilot, lambda: isinstance(app.screen, KioskScanScreen))
        assert "Too many PIN tries" in screen_text(app)
        await scan(pilot, JANE["card_number"])  # the right card, again: still locked
        await pilot.pause(0.3)
        assert isinstance(app.screen, KioskScanScreen) and "Too many PIN tries" in screen_text(app)


async def test_the_hidden_chord_and_the_manager_pin_close_the_kiosk(tmp_path):
    app = make_kiosk(tmp_path, manager_pin_hash=hash_pin("4321"), training=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+k", "ctrl+x")
        await until(pilot, lambda: isinstance(app.screen, KioskManagerScreen))
        for key in "1234":
            await pilot.press(key)
        await pilot.pause(0.35)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, KioskScanScreen))  # wrong: back, nothing said
        assert app.is_running
        await pilot.press("ctrl+k", "ctrl+x")
        await until(pilot, lambda: isinstance(app.screen, KioskManagerScreen))
        for key in "4321":
            await pilot.press(key)
        await pilot.pause(0.35)
        await pilot.press("enter")
        await until(pilot, lambda: not app.is_running)
    assert app.return_code == 0 and not app.crashed


async def test_without_a_manager_pin_the_chord_does_nothing(tmp_path):
    app = make_kiosk(tmp_path, training=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+k", "ctrl+x")
        await pilot.pause(0.3)
        assert app.is_running and isinstance(app.screen, KioskScanScreen)


async def test_a_crash_goes_to_the_log_not_the_screen(tmp_path, monkeypatch, caplog):
    import pos_tui.tui.kiosk as kiosk_module

    def broken(raw):
        raise RuntimeError("boom with card 11112222")

    monkeypatch.setattr(kiosk_module, "parse_card", broken)
    app = make_kiosk(tmp_path)
    caplog.set_level(logging.CRITICAL, logger="pos_tui.till.kiosk")
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await scan(pilot, JANE["card_number"])
            await until(pilot, lambda: app.crashed)
    assert app.crashed and app.return_code == 70
    assert not app._exit_renderables
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


async def test_a_failing_lookup_says_sorry_and_logs_the_trace(tmp_path, monkeypatch, caplog):
    import pos_tui.tui.kiosk as kiosk_module

    def broken(info):
        raise RuntimeError("unexpected shape")

    monkeypatch.setattr(kiosk_module, "kiosk_view", broken)
    app = make_kiosk(tmp_path)
    caplog.set_level(logging.ERROR, logger="pos_tui.till.kiosk")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, JANE["card_number"])
        await until(pilot, lambda: "cannot be shown right now" in screen_text(app))
        assert app.is_running and not app.crashed
    assert any(r.exc_info and "unexpected shape" in str(r.exc_info[1]) for r in caplog.records)


async def test_a_card_scanned_while_the_kiosk_starts_is_shown_once_it_has(tmp_path):
    import threading

    from pos_tui.till.kiosk import KioskOptions
    from pos_tui.tui.kiosk import KioskApp

    services = make_kiosk(tmp_path)._services
    release = threading.Event()

    def slow_start():
        release.wait(10)
        return services

    app = KioskApp(slow_start, KioskOptions(training=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.1)
        assert "Starting" in screen_text(app)
        await scan(pilot, JOHN["card_number"])
        release.set()
        await until(pilot, lambda: isinstance(app.screen, KioskCustomerScreen))
        assert app.screen.view.first_name == "John"


def test_the_kiosks_first_screen_needs_no_api_models_or_http():
    from .test_project import imported_after

    modules = imported_after("import pos_tui.cli.kiosk, pos_tui.tui.kiosk, pos_tui.tui.screens.kiosk")
    for heavy in ("pos_tui.api.models", "httpx", "lxml", "starlette", "uvicorn", "sqlite3", "pyfiglet"):
        assert heavy not in modules, f"{heavy} is imported before the kiosk's first screen"
