"""Headless Chromium (Debian's chromium + chromium-driver) driven by selenium, on loopback only."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# textual.js keeps its xterm.js Terminal in a closure; its constructor does `this.terminal = new
# Terminal(...)`. This hook, run before any script of the page, catches that assignment, so that a
# test can read what the browser's terminal shows (the canvas/WebGL renderer has no text in the DOM).
HOOK = """
Object.defineProperty(Object.prototype, 'terminal', {configurable: true, set(value) {
  Object.defineProperty(this, 'terminal', {value, writable: true, configurable: true, enumerable: true});
  if (value && value.buffer) { window.__terminals = (window.__terminals || []).concat([value]); }
}});
"""
SCREEN = """
const t = (window.__terminals || [])[0];
if (!t) { return ''; }
const b = t.buffer.active, rows = [];
for (let y = 0; y < t.rows; y++) { const l = b.getLine(b.viewportY + y); rows.push(l ? l.translateToString(true) : ''); }
return rows.join('\\n');
"""


def missing() -> str | None:
    """Why a browser test cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if CHROMIUM is None or CHROMEDRIVER is None:
        return "Debian's chromium and chromium-driver are not installed (.ci/run installs them with apt-get)"
    return None


@contextmanager
def chromium(width: int = 1200, height: int = 760) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager never downloads anything
    profile = tempfile.mkdtemp(prefix="pos-tui-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in [*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screen_text(driver: Any) -> str:
    return str(driver.execute_script(SCREEN))


def terminal_input(driver: Any) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, "textarea.xterm-helper-textarea")


def log_in(driver: Any, url: str, password: str) -> None:
    """Log in, and wait until the page the room answers with has replaced the form (Enter only
    starts the navigation: a loaded run read the old page and found no room-full heading)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    field = driver.find_element(By.ID, "password")
    field.send_keys(password + Keys.ENTER)
    WebDriverWait(driver, 30, poll_frequency=0.05).until(expected_conditions.staleness_of(field))


def wait_for_screen(driver: Any, text: str, timeout: float = 60.0) -> str:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: text in screen_text(d))
    except TimeoutException:
        raise AssertionError(
            f"{text!r} never appeared in the browser; it shows:\n{screen_text(driver)}"
        ) from None
    return screen_text(driver)
