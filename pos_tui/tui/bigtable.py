"""A table for 100,000 rows and more: only the visible lines are drawn (Textual's Line API).

``DataTable`` builds every row up front (over a minute for 100,000); this widget keeps the rows as
tuples of text and draws a line when Textual asks for it (``render_line``), so a page of rows is
on screen as soon as it arrives. Drawn lines are kept (an LRU cache, as toolong does), and a cursor
move that does not scroll redraws only the two rows it leaves and enters: a key costs a few lines,
not a screenful. Filter as you type (a case-insensitive substring of any cell),
sort by any column (numbers by value), a cursor row, and ``RowChosen`` on Enter.
Cells are drawn literally: text from the service never becomes markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..till.reporting import Column, sort_key

GAP = 1
#: Control characters from the service (newlines, tabs, escapes) are drawn as spaces.
_CONTROL = {n: " " for n in (*range(32), 127)}


class BigTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    BigTable { height: 1fr; }
    BigTable > .bigtable--header { text-style: bold; background: $panel; }
    BigTable > .bigtable--cursor { background: $accent; color: $text; }
    BigTable > .bigtable--sorted { text-style: bold underline; background: $panel; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"bigtable--header", "bigtable--cursor", "bigtable--sorted"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("left", "column(-1)", "Column", show=False),
        Binding("right", "column(1)", "Column", show=False),
        Binding("s", "sort", "Sort"),
        Binding("enter", "choose", "Open", show=False),
    ]

    #: The cursor row (an index into ``view``); its watcher redraws only the lines that change.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    #: The column that ``s`` sorts by (shown underlined).
    column: reactive[int] = reactive(0)

    class RowChosen(Message):
        def __init__(self, table: BigTable, row: tuple[str, ...]) -> None:
            super().__init__()
            self.table = table
            self.row = row

    def __init__(self, columns: Sequence[Column] = (), *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.columns: tuple[Column, ...] = ()
        self.rows: list[tuple[str, ...]] = []
        self.view: list[int] = []  # indices into rows: filtered, sorted
        self._haystack: list[str] = []
        self.query_text = ""
        self.sorted_by: tuple[int, bool] | None = None  # (column, descending)
        #: Drawn rows, by (row, scroll x, width, style): rows are only appended (or all cleared),
        #: so a row's index names its text for as long as the table holds it; a new theme or the
        #: cursor is a new style, so a new key.
        self._strips: LRUCache[tuple[int, int, int, Style], Strip] = LRUCache(1024)
        self.set_columns(columns)

    # Data ----------------------------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.widths = [max(c.width, cell_len(c.title)) for c in self.columns]
        self._right = [c.numeric for c in self.columns]
        self.clear()

    def clear(self) -> None:
        self.rows, self.view, self._haystack = [], [], []
        self._strips.clear()
        self.sorted_by = None
        self.cursor = 0
        self._resize()

    def add_rows(self, rows: Sequence[tuple[str, ...]]) -> None:
        """Append a page: it shows at once (filtered; a sorted view is re-sorted)."""
        start = len(self.rows)
        self.rows.extend(rows)
        self._haystack.extend("\x00".join(row).casefold() for row in rows)
        needle = self.query_text.casefold()
        self.view.extend(i for i in range(start, len(self.rows)) if needle in self._haystack[i])
        if self.sorted_by is not None:
            self._sort()
        self._resize()

    def filter(self, text: str) -> None:
        self.query_text = text
        needle = text.casefold()
        hay = self._haystack
        self.view = (
            [i for i in range(len(self.rows)) if needle in hay[i]] if needle else list(range(len(self.rows)))
        )
        if self.sorted_by is not None:
            self._sort()
        self.cursor = 0
        self._resize()

    def sort(self, column: int, descending: bool = False) -> None:
        self.sorted_by = (column, descending)
        self._sort()
        self.cursor = 0
        self.refresh()

    def _sort(self) -> None:
        assert self.sorted_by is not None
        index, descending = self.sorted_by
        key = sort_key(self.columns[index])
        rows = self.rows
        self.view.sort(key=lambda i: key(rows[i][index]), reverse=descending)

    def visible_rows(self) -> list[tuple[str, ...]]:
        """The rows as shown: filtered and sorted (for export)."""
        return [self.rows[i] for i in self.view]

    @property
    def current(self) -> tuple[str, ...] | None:
        return self.rows[self.view[self.cursor]] if 0 <= self.cursor < len(self.view) else None

    def _resize(self) -> None:
        width = sum(self.widths) + GAP * max(0, len(self.widths) - 1)
        self.virtual_size = Size(width, len(self.view) + 1)
        self.refresh()

    # Drawing -------------------------------------------------------------------------------------

    def _line(self, cells: Sequence[str]) -> str:
        parts = []
        for cell, width, right in zip(cells, self.widths, self._right, strict=False):
            text = cell.translate(_CONTROL)
            if right and cell_len(text) < width:
                text = text.rjust(width)
            parts.append(set_cell_size(text, width))
        return (" " * GAP).join(parts)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.visual_style.rich_style  # cached by Textual until the styles change
        if y == 0:
            header = self._header()
            return header.crop(scroll_x, scroll_x + width).extend_cell_length(width, base)
        index = scroll_y + y - 1
        if index >= len(self.view):
            return Strip.blank(width, base)
        row = self.view[index]
        style = base + self.get_component_rich_style("bigtable--cursor") if index == self.cursor else base
        key = (row, scroll_x, width, style)
        strip = self._strips.get(key)
        if strip is None:
            strip = Strip([Segment(self._line(self.rows[row]), style)])
            strip = strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, style)
            self._strips[key] = strip
        return strip

    def _header(self) -> Strip:
        header = self.get_component_rich_style("bigtable--header")
        marked = self.get_component_rich_style("bigtable--sorted")
        segments = []
        for i, (column, width) in enumerate(zip(self.columns, self.widths, strict=True)):
            title = column.title
            if self.sorted_by and self.sorted_by[0] == i:
                title = title + (" ▼" if self.sorted_by[1] else " ▲")
            style = marked if i == self.column else header
            title = title.rjust(width) if column.numeric else title
            segments.append(Segment(set_cell_size(title, width), style))
            if i < len(self.columns) - 1:
                segments.append(Segment(" " * GAP, header))
        return Strip(segments)

    # Keys ----------------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.view:
            return
        top = round(self.scroll_offset.y)
        rows_shown = max(1, self.scrollable_content_region.height - 1)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + rows_shown:
            self.scroll_to(y=new - rows_shown + 1, animate=False, immediate=True)
        if round(self.scroll_offset.y) != top:
            self.refresh()  # scrolled: every line
            return
        for index in {old, new}:  # the same page: the row left and the row entered
            line = index - top + 1  # under the header
            if 1 <= line <= rows_shown:
                self.refresh(Region(0, line, self.size.width, 1))

    def watch_column(self) -> None:
        start = sum(self.widths[: self.column]) + GAP * self.column
        end = start + self.widths[self.column] if self.widths else 0
        width = self.scrollable_content_region.width
        if start < self.scroll_offset.x:
            self.scroll_to(x=start, animate=False, immediate=True)
        elif end > self.scroll_offset.x + width:
            self.scroll_to(x=end - width, animate=False, immediate=True)
        self.refresh()

    def action_move(self, delta: int) -> None:
        if self.view:
            self.cursor = max(0, min(len(self.view) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, end: int) -> None:
        if self.view:
            self.cursor = len(self.view) - 1 if end else 0

    def action_column(self, delta: int) -> None:
        if self.columns:
            self.column = max(0, min(len(self.columns) - 1, self.column + delta))

    def action_sort(self) -> None:
        descending = self.sorted_by == (self.column, False)
        self.sort(self.column, descending)

    def action_choose(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.RowChosen(self, row))
