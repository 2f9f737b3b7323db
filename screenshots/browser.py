"""The training room as a trainee's browser shows it: PNGs taken by headless Chromium.

    .venv/bin/python screenshots/browser.py

Starts ``pos-tui serve`` on loopback, logs in with the room password, scans John Doe's card
(1212121212) and writes ``training-room.png`` (and ``training-room-login.png``) into this folder.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.browser_helpers import chromium, log_in, missing, terminal_input, wait_for_screen  # noqa: E402
from tests.room_helpers import PASSWORD, running_room  # noqa: E402


def main() -> int:
    from selenium.webdriver.common.keys import Keys

    if missing():
        print(f"cannot run: {missing()}")
        return 2
    with tempfile.TemporaryDirectory() as tmp, running_room(Path(tmp)) as room:
        with chromium(width=1100, height=640) as browser:
            browser.get(room.url)
            time.sleep(0.5)
            browser.save_screenshot(str(HERE / "training-room-login.png"))
            log_in(browser, room.url, PASSWORD)
            wait_for_screen(browser, "Scan the customer's card")
            terminal_input(browser).send_keys("1212121212" + Keys.ENTER)
            wait_for_screen(browser, "Frequent Buyer")
            time.sleep(1.0)  # the last frame and the fade-in
            browser.save_screenshot(str(HERE / "training-room.png"))
    print(f"wrote {HERE / 'training-room.png'} and {HERE / 'training-room-login.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
