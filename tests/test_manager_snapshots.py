"""What each manager screen looks like, at 80×24 and at 120×36 (pytest-textual-snapshot).

The sandbox's dashboard and the shift report read the wall clock: both are frozen here."""

from __future__ import annotations

from datetime import datetime

import pytest

from screenshots.scenes.manager import SCENES, SIZES

from .till_helpers import FROZEN, make_app


class _Frozen(datetime):
    @classmethod
    def now(cls, tz=None):  # noqa: ANN001, ANN206
        return FROZEN


@pytest.fixture(autouse=True)
def _frozen_clocks(monkeypatch):
    import pos_tui.sandbox.reports as sandbox_reports
    import pos_tui.till.shift as shift

    monkeypatch.setattr(sandbox_reports, "datetime", _Frozen)
    monkeypatch.setattr(shift, "datetime", _Frozen)


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(SCENES))
def test_manager_screen(snap_compare, tmp_path, name, size):
    assert snap_compare(make_app(tmp_path), terminal_size=SIZES[size], run_before=SCENES[name])
