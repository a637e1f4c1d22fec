"""What the workshop server sends to a browser (README, "Workshops"): the app page, one-line pages, statics.

The app page is kamtui's own (textual-serve's template loads a font from the internet and writes the
server's listening address into the page). Every URL in it is relative: the page works under whatever
address the browser came in on, a LAN address, a name or an https proxy, and never names ``0.0.0.0``.
``static/serve.js`` builds the websocket address from the page's own location. A Content-Security-
Policy forbids anything from another origin. Statics are a fixed list of files: no directory is listed.
"""

from __future__ import annotations

import html
from pathlib import Path

import textual_serve
from aiohttp import web

NOT_FOUND = "Not found: ask the workshop lead for the link."
WRONG_HOST = "Refused: this address is not the workshop server; ask the workshop lead for the link."
WRONG_ORIGIN = "Refused: this page may only be opened from the workshop's own link."
FULL = "The workshop is full (at most {limit} at a time): try again in a minute or ask the workshop lead."

# Close reasons carried by the websocket close frame (at most 123 bytes); serve.js shows them.
CLOSE_FULL = 4001
CLOSE_IDLE = 4002
CLOSE_APP_ENDED = 4003
CLOSE_SERVER_STOPPED = 1001

_OWN_STATIC = Path(__file__).parent / "static"
_TEXTUAL_STATIC = Path(textual_serve.__file__).parent / "static"
STATIC_FILES: dict[str, tuple[Path, str]] = {
    "js/textual.js": (_TEXTUAL_STATIC / "js" / "textual.js", "text/javascript"),
    "css/xterm.css": (_TEXTUAL_STATIC / "css" / "xterm.css", "text/css"),
    "fonts/RobotoMono-VariableFont_wght.ttf": (
        _TEXTUAL_STATIC / "fonts" / "RobotoMono-VariableFont_wght.ttf",
        "font/ttf",
    ),
    "fonts/RobotoMono-Italic-VariableFont_wght.ttf": (
        _TEXTUAL_STATIC / "fonts" / "RobotoMono-Italic-VariableFont_wght.ttf",
        "font/ttf",
    ),
    "kamtui/serve.css": (_OWN_STATIC / "serve.css", "text/css"),
    "kamtui/serve.js": (_OWN_STATIC / "serve.js", "text/javascript"),
}

APP_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
MESSAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
COMMON_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

APP_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="preload" href="../static/fonts/RobotoMono-VariableFont_wght.ttf" as="font" type="font/ttf" crossorigin>
<link rel="stylesheet" href="../static/css/xterm.css">
<link rel="stylesheet" href="../static/kamtui/serve.css">
<script src="../static/kamtui/serve.js"></script>
<script src="../static/js/textual.js"></script>
</head>
<body>
<div class="dialog-container intro-dialog">
<div class="intro"><div>{title}</div><div class="hint">starting&hellip;</div>
<button type="button" id="start">Start</button></div>
</div>
<div class="dialog-container closed-dialog">
<div class="intro"><div class="message" id="closed-message">Session ended.</div>
<button type="button" id="restart">Start again</button></div>
</div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="" data-font-size="{font_size}"></div>
</body>
</html>
"""

MESSAGE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kamtui</title>
<link rel="icon" href="data:,">
<style>body {{ background: #0c181f; color: #f2f2f2; font: 1.1rem monospace; margin: 3rem 1.5rem; }}</style>
</head>
<body><p>{message}</p></body>
</html>
"""


def font_size(value: str | None, default: int = 16) -> int:
    """The ``?fontsize=`` of the page (larger for a projector), kept between 8 and 48."""
    try:
        size = int(value) if value is not None else default
    except ValueError:
        size = default
    return max(8, min(48, size))


def app_page(title: str, size: int) -> web.Response:
    body = APP_PAGE.format(title=html.escape(title), font_size=size)
    response = web.Response(text=body, content_type="text/html", charset="utf-8")
    response.headers.update(COMMON_HEADERS)
    response.headers["Content-Security-Policy"] = APP_POLICY
    return response


def message_page(status: int, message: str) -> web.Response:
    body = MESSAGE_PAGE.format(message=html.escape(message))
    response = web.Response(status=status, text=body, content_type="text/html", charset="utf-8")
    response.headers.update(COMMON_HEADERS)
    response.headers["Content-Security-Policy"] = MESSAGE_POLICY
    return response


def not_found() -> web.Response:
    return message_page(404, NOT_FOUND)


def static_file(name: str) -> web.StreamResponse:
    """One file of :data:`STATIC_FILES`; any other name (a folder included) is not found."""
    found = STATIC_FILES.get(name)
    if found is None:
        return not_found()
    path, content_type = found
    response = web.FileResponse(path, headers={"Content-Type": content_type})
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def close_reason(text: str) -> bytes:
    """``text`` as a websocket close reason (UTF-8, cut to the 123 bytes a close frame carries)."""
    data = text.encode("utf-8")
    return data if len(data) <= 123 else data[:120].decode("utf-8", "ignore").encode("utf-8") + b"..."
