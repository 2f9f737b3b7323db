from pos_tui.cli import run

run()
