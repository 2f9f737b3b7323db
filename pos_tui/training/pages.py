"""The training room's pages: log in, room full, and the till itself (textual-serve's client).

Everything is served by the room: the fonts come from textual-serve's own static folder, so a
trainee's browser asks no other host for anything (textual-serve's page loads a web font).
"""

from __future__ import annotations

from html import escape

from aiohttp import web

STYLE = """
@font-face { font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }
body { background: #0c181f; color: rgba(255,255,255,0.95); margin: 0;
       font-family: "Roboto Mono", menlo, monospace; }
.box { max-width: 36rem; margin: 12vh auto; padding: 2rem; background: #12232d; }
h1 { font-size: 1.3rem; margin-top: 0; }
input, button { font: inherit; padding: 0.5rem 0.8rem; margin: 0.3rem 0; }
button { background: #5e0ba7; color: white; border: none; cursor: pointer; }
.wrong { color: #ff8a80; }
"""

HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style></head>\n<body>{body}</body></html>\n"
    )
    return web.Response(text=text, status=status, content_type="text/html", headers=HEADERS)


def login(wrong: bool = False) -> web.Response:
    problem = '<p class="wrong" id="wrong">Wrong password. Ask the trainer.</p>' if wrong else ""
    return _page(
        "pos-tui training room — log in",
        '<div class="box"><h1>pos-tui training room</h1>'
        "<p>Enter the room password the trainer gave you.</p>"
        f"{problem}"
        '<form method="post" action="/login">'
        '<input type="password" name="password" id="password" autofocus autocomplete="current-password" '
        'aria-label="Room password"> <button type="submit" id="enter">Enter</button></form></div>',
        status=401 if wrong else 200,
    )


def room_full(limit: int) -> web.Response:
    tills = "The training till is" if limit == 1 else f"All {limit} training tills are"
    return _page(
        "pos-tui training room — full",
        f'<div class="box" id="full"><h1>The training room is full</h1>'
        f"<p>{tills} in use. Try again in a moment: a till is freed as soon "
        "as a trainee closes their page.</p>"
        '<p><button onclick="location.reload()">Try again</button></p></div>',
        status=503,
    )


TILL = """
<style>
  body.-first-byte .intro-dialog { display: none; }
  body .textual-terminal { opacity: 0; }
  body.-first-byte .textual-terminal { opacity: 1; transition: opacity 0.2s ease-out; }
  .dialog-container { position: absolute; width: 100vw; height: 100vh; display: flex;
                      align-items: center; justify-content: center; z-index: 10; }
  .closed-dialog { display: none; }
  body.-closed .closed-dialog { display: flex; }
  #start { display: none; }
  .textual-terminal { width: 100vw; height: 100vh; }
</style>
<div class="dialog-container intro-dialog"><div class="box">Opening a training till…</div></div>
<div class="dialog-container closed-dialog"><div class="box"><p class="message">Session ended: this
training till and its data are gone.</p><button type="button" onclick="location.reload()">Start a new
till</button></div></div>
<button type="button" id="start"></button>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{ws}" data-font-size="{size}"></div>
"""


def till(websocket_url: str, static: str, font_size: int) -> web.Response:
    head = (
        f'<link rel="stylesheet" href="{escape(static)}css/xterm.css">'
        f'<script src="{escape(static)}js/textual.js"></script>'
    )
    body = TILL.replace("{ws}", escape(websocket_url)).replace("{size}", str(int(font_size)))
    response = _page("pos-tui training till", head + body)
    return response
