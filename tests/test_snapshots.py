"""What each screen looks like (pytest-textual-snapshot). Data seeded as of a fixed day, the clock
frozen, cursor blink off. Update with ``pytest tests/test_snapshots.py --snapshot-update``, look at
the pictures, and run ``python screenshots/generate.py`` so the README shows the same screens."""

from __future__ import annotations

import pytest

from screenshots.scenes.till import SCENES

from .till_helpers import make_app


@pytest.mark.parametrize("name", sorted(SCENES))
def test_screen(snap_compare, tmp_path, name):
    size, scene = SCENES[name]
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=scene)
