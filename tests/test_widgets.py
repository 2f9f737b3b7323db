"""The till's footer is rebuilt when the keys it shows change, and only then."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from pos_tui.tui.widgets import KeyFooter


class Till(App[None]):
    BINDINGS = [Binding("f5", "void", "Void"), Binding("f6", "hidden", "Hidden", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.can_void = True

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "void" and not self.can_void else True


def footer_keys(app: Till) -> list[FooterKey]:
    return list(app.query(FooterKey))


async def test_a_focus_move_keeps_the_footer_and_a_change_of_keys_rebuilds_it():
    app = Till()
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        before = footer_keys(app)
        assert [key.key for key in before] == ["f5", "ctrl+p"]  # F6 is not shown; the palette is
        assert [key.has_class("-compact") for key in before] == [False, True]  # as Textual draws them
        for _ in range(4):  # Textual's Footer rebuilt all its keys on each of these
            await pilot.press("tab")
            await pilot.pause()
        assert footer_keys(app) == before, "the footer was rebuilt though its keys did not change"

        app.can_void = False  # F5 is now disabled: the footer shows it
        app.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        after = footer_keys(app)
        assert after != before
        void = next(key for key in after if key.key == "f5")
        assert void.has_class("-disabled")
