"""The pictures of pos-tui: scenes that walk the till to each screen, and the script that renders them."""
