"""Scripted walks to each screen of the till, the kiosk and the manager's area. The snapshot tests
pin what they show; ``screenshots/generate.py`` renders the same scenes into the README's pictures."""
