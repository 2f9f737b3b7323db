"""Where pos-tui keeps its files (light: importing this costs nothing at start-up)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "pos-tui"


def config_path() -> Path:
    """The settings file: ``POS_TUI_CONFIG``, or config.toml in platformdirs' config dir."""
    explicit = os.environ.get("POS_TUI_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    """Local data (logs, journal, sandbox database): ``POS_TUI_DATA_DIR`` or platformdirs' data dir."""
    explicit = os.environ.get("POS_TUI_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)
