"""A real install: the wheel, installed outside the checkout, runs the till.

Every other test uses the editable install, which reads the stylesheet and the themes from the
checkout; only this one would notice a wheel without them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

import pytest

from pos_tui.config.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_THEMES = ["pos-default", "pos-high-contrast", "pos-kiosk-low-glare"]
# One worker builds the wheel and the venv (``installed`` is per module, and so per worker): dealt
# out one by one, the three tests that use them built them three times, 5 s of CPU.
pytestmark = pytest.mark.xdist_group("install")


def _build_wheel(tmp_path: Path) -> Path:
    """Build from a copy of the sources (the checkout gets no build/ or egg-info), offline."""
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache"),
    )
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, source],
        check=True,
        timeout=300,
    )
    (wheel,) = dist.glob("pos_tui-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new venv holding the wheel; its dependencies come from this interpreter's site-packages
    (a plain path in a .pth: the editable install's finder there is not run), so no network."""
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel],
        check=True,
        timeout=300,
    )
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "_pos_tui_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("install")
    return _fresh_venv(tmp_path, _build_wheel(tmp_path))


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "POS_TUI_DATA_DIR": str(tmp_path / "data"),
        "POS_TUI_CONFIG": str(tmp_path / "config.toml"),
        **extra,
    }


@pytest.mark.slow
def test_the_wheel_carries_the_stylesheet_and_themes(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    done = subprocess.run(
        [
            python,
            "-c",
            "import pos_tui, pos_tui.tui.theming as t; from importlib.resources import files; "
            "print(pos_tui.__file__); print((files('pos_tui.tui') / 'pos.tcss').is_file()); "
            "print(' '.join(p.stem for p in sorted(t.shipped_dir().glob('*.toml'))))",
        ],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    where, tcss, themes = done.stdout.splitlines()
    assert Path(where).is_relative_to(installed)  # the wheel's copy, not the checkout
    assert tcss == "True"
    assert themes.split() == SHIPPED_THEMES
    # Every stylesheet of the checkout is in the installed package too.
    package = Path(where).parent
    for sheet in (ROOT / "pos_tui").rglob("*.tcss"):
        assert (package / sheet.relative_to(ROOT / "pos_tui")).is_file(), sheet


@pytest.mark.slow
def test_python_dash_m_pos_tui_runs_from_anywhere(installed: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [installed / "bin" / "python", "-m", "pos_tui", "--help"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: pos-tui")


@pytest.mark.slow
@pytest.mark.terminal
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_the_installed_demo_starts_in_a_terminal_with_its_themes(installed: Path, tmp_path: Path) -> None:
    from tests.test_terminal import Tmux

    socket = tmp_path / "tmux.sock"
    env = _env(tmp_path)
    command = " ".join(f"{k}={v}" for k, v in env.items()) + f" {installed / 'bin' / 'pos-tui'} demo"
    subprocess.run(
        [
            "tmux",
            "-S",
            str(socket),
            "new-session",
            "-d",
            "-s",
            "installed",
            "-x",
            "80",
            "-y",
            "24",
            "-c",
            str(tmp_path),
            command,
        ],
        check=True,
        timeout=30,
    )
    try:
        tmux = Tmux("installed", socket)
        screen = tmux.wait_for("Scan the customer's card", timeout=90)
        assert "TRAINING" in screen
        log = (tmp_path / "data" / "logs" / "pos-tui.log").read_text(encoding="utf-8")
        assert re.search(r"themes: 3 loaded \(" + ", ".join(SHIPPED_THEMES) + r"\)", log), log
        assert "Traceback" not in log and "StylesheetError" not in log
        # The command palette offers them.
        tmux.run("send-keys", "-t", "installed", "C-p")
        tmux.wait_for("Search for commands")
        type_by_hand(tmux, "theme")  # a burst ending in Enter would be a card reader's scan
        tmux.wait_for("Change the current theme")
        tmux.run("send-keys", "-t", "installed", "Enter")
        tmux.wait_for("Search for themes")
        type_by_hand(tmux, "pos-")
        screen = tmux.wait_for("pos-kiosk-low-glare")
        assert "pos-default" in screen and "pos-high-contrast" in screen
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True, timeout=30)


def type_by_hand(tmux: Any, text: str) -> None:
    for character in text:
        tmux.type_raw(character)
        time.sleep(0.15)


def test_a_bad_log_level_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pos_tui", "demo"],
        cwd=tmp_path,
        env=_env(tmp_path, POS_TUI_LOG_LEVEL="verbose"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "pos-tui: environment variable POS_TUI_LOG_LEVEL: 'verbose' is not a log level "
        "(one of DEBUG, INFO, WARNING, ERROR)\n"
    )


def test_the_readme_settings_table_names_every_file_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    file_keys = set()
    for row in re.findall(r"^\| (.+?) \| `POS_TUI_", section, flags=re.M):
        file_keys |= set(re.findall(r"`([a-z_]+)`", row))
    assert file_keys == set(Settings.model_fields) - {
        "api_key",
        "kiosk_api_key",
    }  # secrets: never in the file
