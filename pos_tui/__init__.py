"""pos-tui: a keyboard-first terminal till for the Sticky Street / Loyalty Gator loyalty API."""

__version__ = "0.1.0"
