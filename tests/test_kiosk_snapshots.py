"""What each kiosk screen looks like, at 80×24 and at a large size (a store PC's console).
Update with ``pytest tests/test_kiosk_snapshots.py --snapshot-update`` and look at the pictures."""

from __future__ import annotations

import pytest

from screenshots.scenes.kiosk import KIOSK_SCENES, SIZES

from .kiosk_helpers import make_kiosk


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(KIOSK_SCENES))
def test_kiosk_screen(snap_compare, tmp_path, name, size):
    scene, options = KIOSK_SCENES[name]
    app = make_kiosk(tmp_path, **options)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=scene)
