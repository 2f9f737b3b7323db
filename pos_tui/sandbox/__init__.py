"""An embedded, faithful simulator of the loyalty API (ASGI, SQLite), for the demo, training
rooms and every test. No Textual here."""
