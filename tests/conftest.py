from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pos_tui.config import logs

settings.register_profile(
    "pos", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("pos")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = FIXTURES / "reference"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own settings file, data dir and log, and no inherited account."""
    monkeypatch.setenv("POS_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("POS_TUI_DATA_DIR", str(tmp_path / "data"))
    for name in list(os.environ):
        if name.startswith("POS_TUI_") and name not in {"POS_TUI_CONFIG", "POS_TUI_DATA_DIR"}:
            monkeypatch.delenv(name)
    yield
    logger = logging.getLogger("pos_tui")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)
    logs._configured = None


def reference(name: str) -> bytes:
    return (REFERENCE / f"{name}.xml").read_bytes()
