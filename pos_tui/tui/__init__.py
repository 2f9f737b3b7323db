"""The Textual till. Everything here talks to the API through ``Services``; nothing below
``pos_tui.api`` or ``pos_tui.sandbox`` knows this package exists."""
