from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "pos", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("pos")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = FIXTURES / "reference"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own settings file and data dir, and no inherited account."""
    monkeypatch.setenv("POS_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("POS_TUI_DATA_DIR", str(tmp_path / "data"))
    for name in ("POS_TUI_API_URL", "POS_TUI_USER_ID", "POS_TUI_ACCOUNT_ID", "POS_TUI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def reference(name: str) -> bytes:
    return (REFERENCE / f"{name}.xml").read_bytes()
