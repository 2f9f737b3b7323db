"""The log: a rotating file in the data dir. Tracebacks go here, never to the screen."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

_configured: Path | None = None
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def configured_level() -> str:
    """``POS_TUI_LOG_LEVEL`` (default INFO); a bad value is a ValueError in one sentence."""
    value = os.environ.get("POS_TUI_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if value not in LEVELS:
        raise ValueError(
            f"environment variable POS_TUI_LOG_LEVEL: {value.lower()!r} is not a log level "
            f"(one of {', '.join(LEVELS)})"
        )
    return value


def log_path() -> Path:
    from .paths import data_dir

    return data_dir() / "logs" / "pos-tui.log"


def setup_logging(level: int | None = None) -> Path | None:
    """Send the ``pos_tui`` loggers to the rotating log file. Returns its path (None if unwritable)."""
    global _configured
    if _configured is not None:
        return _configured
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("pos_tui")
    root.addHandler(handler)
    if level is None:
        try:
            level = logging.getLevelNamesMapping()[configured_level()]
        except ValueError:  # reported by the command line before it gets here; never fatal here
            level = logging.INFO
    root.setLevel(level)
    root.propagate = False
    _configured = path
    return path
