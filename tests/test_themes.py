"""Themes: shipped files validate, a bad file is a notice and a fallback, a store adds its own,
the stylesheet uses theme variables only, and the main screen in each theme."""

from __future__ import annotations

import re

import pytest

from pos_tui.tui.theming import DEFAULT, load_themes, parse_theme
from screenshots.scenes.till import customer_five_kinds

from .conftest import ROOT
from .till_helpers import make_app

SHIPPED = ["pos-default", "pos-high-contrast", "pos-kiosk-low-glare"]


def test_shipped_themes_are_valid():
    themes, problems = load_themes([ROOT / "themes"])
    assert [t.name for t in themes] == SHIPPED and problems == []


@pytest.mark.parametrize(
    "text, words",
    [
        ('name = "x"\nprimary = "blu"\n', "'blu' is not a colour"),
        ('name = "x"\n', "'primary' is required"),
        ('name = "Bad Name"\nprimary = "#fff"\n', "'name' must be"),
        ('name = "x"\nprimary = "#fff"\nsparkle = true\n', "unknown key 'sparkle'"),
        ('name = "x"\nprimary = #fff\n', "not valid TOML"),
        ('name = "x"\nprimary = "#fff"\ndark = "yes"\n', "'dark' must be"),
    ],
)
def test_a_bad_theme_file_says_what_is_wrong(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(words)):
        parse_theme(path)
    themes, problems = load_themes([ROOT / "themes", tmp_path])
    assert [t.name for t in themes] == SHIPPED
    assert len(problems) == 1 and problems[0].path == path and words in str(problems[0])


async def test_the_till_reports_a_bad_file_and_falls_back(tmp_path, monkeypatch):
    store = tmp_path / "store-themes"
    store.mkdir()
    (store / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    monkeypatch.setenv("POS_TUI_THEME", "broken")
    app = make_app(tmp_path, theme_dirs=[ROOT / "themes", store])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause(0.1)
        messages = [n.message for n in app._notifications]
        assert any("broken.toml" in m and "is not a colour" in m for m in messages)
        assert any("'broken' is not installed" in m for m in messages)
        assert app.theme == DEFAULT


async def test_a_store_brand_theme_in_the_config_folder(tmp_path, monkeypatch):
    folder = tmp_path / "themes"  # beside POS_TUI_CONFIG (tmp_path / config.toml)
    folder.mkdir()
    (folder / "acme.toml").write_text('name = "acme-brand"\nprimary = "#8A2BE2"\nbackground = "#101010"\n')
    (tmp_path / "config.toml").write_text('theme = "acme-brand"\n')
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
        assert app.theme == "acme-brand"
        assert set(SHIPPED) <= set(app.available_themes)  # all offered by the palette's "Change theme"
        app.theme = "pos-high-contrast"
        await pilot.pause(0.05)
        assert app.theme == "pos-high-contrast"


RAW_COLOUR = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsl\(|:\s*(red|green|blue|white|black|yellow|grey|gray)\b"
)


def test_the_stylesheets_use_theme_variables_only():
    sources = [ROOT / "pos_tui" / "tui" / "pos.tcss", *(ROOT / "pos_tui" / "tui").rglob("*.py")]
    for path in sources:
        text = path.read_text()
        css = (
            text
            if path.suffix == ".tcss"
            else "\n".join(re.findall(r'DEFAULT_CSS = """(.*?)"""', text, re.S))
        )
        assert not RAW_COLOUR.search(css), f"{path} uses a raw colour"


@pytest.mark.parametrize("theme", SHIPPED)
def test_main_screen_in_each_theme(snap_compare, tmp_path, monkeypatch, theme):
    monkeypatch.setenv("POS_TUI_THEME", theme)
    assert snap_compare(make_app(tmp_path), terminal_size=(120, 32), run_before=customer_five_kinds)
