"""Themes as files: the shipped ones (``pos_tui/tui/themes/*.toml``, package data found through
``importlib.resources``; the checkout's top-level ``themes/`` points there), and a store's own in
the config dir's ``themes`` folder (a file there replaces a shipped one of the same name).

A theme file is validated when loaded (known keys, colours Textual can parse, a name); a bad file is
reported and skipped, never fatal. Read with ``tomllib`` and Textual's colour parser only, so the
store's theme is on the till's first frame.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config.paths import config_path

if TYPE_CHECKING:
    from textual.theme import Theme

DEFAULT = "pos-default"
COLOURS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
KEYS = {"name", "dark", "variables", *COLOURS}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class ThemeProblem:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def shipped_dir() -> Path:
    """The shipped themes: package data of ``pos_tui.tui``, whether installed or in a checkout."""
    from importlib.resources import files

    folder = files("pos_tui.tui") / "themes"
    # setuptools installs packages as directories, so this is a real folder; say so if not.
    if not isinstance(folder, Path):
        raise RuntimeError(f"pos-tui's themes are not in a folder ({folder!r}); install it unzipped")
    return folder


def theme_dirs() -> list[Path]:
    """Shipped themes, then the store's own (``themes`` beside the settings file)."""
    return [shipped_dir(), config_path().parent / "themes"]


def parse_theme(path: Path) -> Theme:
    """One theme file, validated. Raises ValueError with the key and the problem."""
    from textual.color import Color, ColorParseError
    from textual.theme import Theme

    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not valid TOML ({exc})") from None
    unknown = set(data) - KEYS
    if unknown:
        raise ValueError(f"unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError("'name' must be lower-case letters, digits and dashes")
    if "primary" not in data:
        raise ValueError("'primary' is required")
    for key in COLOURS:
        if key in data:
            if not isinstance(data[key], str):
                raise ValueError(f"{key!r} must be a colour in quotes")
            try:
                Color.parse(data[key])
            except ColorParseError:
                raise ValueError(f"{key!r}: {data[key]!r} is not a colour") from None
    if not isinstance(data.get("dark", True), bool):
        raise ValueError("'dark' must be true or false")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError("[variables] must map names to strings")
    return Theme(
        name=name,
        dark=data.get("dark", True),
        variables=dict(variables),
        **{key: data[key] for key in COLOURS if key in data},
    )


def load_themes(dirs: list[Path] | None = None) -> tuple[list[Theme], list[ThemeProblem]]:
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    for folder in dirs if dirs is not None else theme_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = parse_theme(path)
            except (ValueError, OSError) as exc:
                problems.append(ThemeProblem(path, str(exc)))
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems


def configured_theme() -> str:
    """The theme setting, read cheaply before the full settings load (``POS_TUI_THEME`` or the file)."""
    name = os.environ.get("POS_TUI_THEME")
    if name:
        return name
    try:
        data = tomllib.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return DEFAULT
    value = data.get("theme")
    return value if isinstance(value, str) and value else DEFAULT
