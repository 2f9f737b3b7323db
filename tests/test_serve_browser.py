"""The training room in a real browser: headless Chromium, selenium, everything on loopback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .browser_helpers import chromium, log_in, missing, screen_text, terminal_input, wait_for_screen
from .room_helpers import PASSWORD, running_room

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no real browser here: {missing()}")


def test_a_trainee_logs_in_sees_the_training_till_and_scans_a_card(tmp_path: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    pytest.importorskip("textual_serve")
    with running_room(tmp_path) as room, chromium() as browser:
        browser.get(room.url)
        assert browser.find_element(By.ID, "password").get_attribute("type") == "password"
        log_in(browser, room.url, "not the password")
        assert "Wrong password" in browser.find_element(By.ID, "wrong").text

        log_in(browser, room.url, PASSWORD)
        screen = wait_for_screen(browser, "TRAINING")
        assert "TRAINING — sandbox data, no real customers" in screen
        wait_for_screen(browser, "Scan the customer's card")
        room.wait_for_line(r"session 1 opened")

        # A trainee types the number by hand, a key every 150 ms. (Selenium's send_keys of the
        # whole number is a reader's burst; over a WebSocket on a loaded machine its first key
        # can arrive apart from the rest, and the till reads it as a person's key before a scan.)
        keys = terminal_input(browser)
        for key in "1212121212":
            keys.send_keys(key)
            time.sleep(0.15)
        keys.send_keys(Keys.ENTER)
        screen = wait_for_screen(browser, "John Doe")
        assert "card 1212121212" in screen and "Widget Rewards" in screen
        assert "TRAINING" in screen.splitlines()[0]

        browser.get("about:blank")  # the trainee closes the page: the till and its data go
        room.wait_for_line(r"session 1 closed")
        deadline = time.monotonic() + 20
        while (room.session_pids() or room.session_dirs()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert room.session_pids() == [] and room.session_dirs() == []


def test_the_room_full_page_in_the_browser(tmp_path: Path):
    from selenium.webdriver.common.by import By

    pytest.importorskip("textual_serve")
    with running_room(tmp_path, "--max-sessions", "1") as room, chromium() as first, chromium() as second:
        log_in(first, room.url, PASSWORD)
        wait_for_screen(first, "TRAINING")
        log_in(second, room.url, PASSWORD)
        assert second.find_element(By.TAG_NAME, "h1").text == "The training room is full"
        assert screen_text(second) == ""
