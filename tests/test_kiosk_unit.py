"""The systemd unit shipped for store PCs (``contrib/pos-tui-kiosk.service``) passes
``systemd-analyze verify`` with no warning, and keeps the kiosk's lock-down settings."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from .conftest import ROOT

UNIT = ROOT / "contrib" / "pos-tui-kiosk.service"


def test_the_unit_restarts_the_kiosk_and_owns_tty1():
    text = UNIT.read_text()
    for line in (
        "Restart=always",
        "TTYPath=/dev/tty1",
        "StandardInput=tty-force",
        "Conflicts=getty@tty1.service",
        "UnsetEnvironment=TEXTUAL_ALLOW_SIGNALS",
        "User=kiosk",
    ):
        assert re.search(rf"^{re.escape(line)}$", text, re.M), line
    assert re.search(r"^ExecStart=.*/pos-tui kiosk'?$", text, re.M)


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (.ci/run installs the systemd package)",
)
@pytest.mark.parametrize("typo", [False, True], ids=["shipped", "with-a-typo"])
def test_systemd_analyze_verifies_the_unit_without_a_warning(tmp_path, typo):
    # The unit names programs at their Debian paths; any this machine lacks is replaced by a stub at
    # the same place in the copy, so that only the unit's own syntax is judged.
    text = UNIT.read_text()
    for path in sorted(set(re.findall(r"(?:ExecStart(?:Pre)?=-?)(/\S+)", text))):
        if not os.access(path, os.X_OK):
            stub = tmp_path / "bin" / path.strip("/").replace("/", "_")
            stub.parent.mkdir(exist_ok=True)
            stub.write_text("#!/bin/sh\nexit 0\n")
            stub.chmod(0o755)
            text = text.replace(path, str(stub))
    if typo:  # the check must catch what a hand edit can break
        text = text.replace("Restart=always", "Restrat=always")
    copy = tmp_path / UNIT.name
    copy.write_text(text)
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)], capture_output=True, text=True, timeout=60
    )
    problems = [
        line for line in (done.stdout + done.stderr).splitlines() if UNIT.name in line or "ignoring" in line
    ]
    if typo:
        assert any("Restrat" in line for line in problems), done.stdout + done.stderr
    else:
        assert done.returncode == 0 and not problems, done.stdout + done.stderr
