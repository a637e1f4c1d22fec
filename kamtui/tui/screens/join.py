"""The Join screen (README, "Workshops"): the join link of the served assessment and its QR code, drawn as
large as the screen allows so a room can scan it from a projected wall (``j`` on Results, or the palette).

The lead's app knows the link only under ``kamtui serve --assessment ID``: the server hands it to the
lead's app process (``KAMTUI_JOIN_URL``, ``KAMTUI_JOIN_ASSESSMENT``). Elsewhere the screen says how to
start the server. ``o`` opens (or closes) the Results to participants.
"""

from __future__ import annotations

import os
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static

from kamtui.core.served import JOIN_ASSESSMENT_ENV, JOIN_URL_ENV
from kamtui.tui.errors import guarded
from kamtui.tui.screens.base import KamScreen

QUIET_ZONE = 4  # light modules around the code (the standard's); 2 when the screen is too small
DARK, LIGHT = "#000000", "#ffffff"


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code of ``url`` (segno), dark modules True, without its quiet zone."""
    import segno

    return [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]


def qr_scale(size: int, width: int, height: int) -> tuple[int, int]:
    """(scale, quiet zone) of the largest code that fits ``width`` x ``height`` cells: a module is
    ``scale`` cells wide and ``scale / 2`` tall (half blocks: a cell is about twice as tall as wide)."""
    for zone in (QUIET_ZONE, 2):
        side = size + 2 * zone
        scale = min(width // side, (2 * height) // side)
        if scale >= 1:
            return scale, zone
    return 1, 2


def qr_text(url: str, width: int, height: int) -> tuple[Text, int]:
    """The code as half-block characters in black on white (whatever the theme), and its scale."""
    matrix = qr_matrix(url)
    scale, zone = qr_scale(len(matrix), width, height)
    side = len(matrix) + 2 * zone

    def dark(x: int, y: int) -> bool:
        mx, my = x // scale - zone, y // scale - zone
        return 0 <= mx < len(matrix) and 0 <= my < len(matrix) and matrix[my][mx]

    pixels = side * scale
    styles = {
        (top, bottom): Style(color=DARK if top else LIGHT, bgcolor=DARK if bottom else LIGHT)
        for top in (False, True)
        for bottom in (False, True)
    }
    text = Text(no_wrap=True, overflow="crop")
    for row in range(0, pixels, 2):
        for x in range(pixels):
            text.append("▀", styles[(dark(x, row), row + 1 < pixels and dark(x, row + 1))])
        if row + 2 < pixels:
            text.append("\n")
    return text, scale


class QRCode(Static):
    """The QR code of a URL, redrawn to fill the widget at every resize."""

    def __init__(self, url: str, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.url = url
        self.scale = 0

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        width, height = self.content_region.width, self.content_region.height
        if width <= 0 or height <= 0:
            return
        text, self.scale = qr_text(self.url, width, height)
        self.update(text)


def served_join() -> tuple[str | None, int | None]:
    """The join link and its assessment, as ``kamtui serve`` gave them to this app (None, None outside)."""
    url = os.environ.get(JOIN_URL_ENV) or None
    try:
        assessment = int(os.environ.get(JOIN_ASSESSMENT_ENV, ""))
    except ValueError:
        assessment = None
    return url, assessment


class JoinScreen(KamScreen):
    HELP_TITLE = "Join link"
    HELP_TEXT = """
Participants scan the QR code (or type the link) to answer this assessment on their phone or laptop.
The link opens only the survey of this assessment: each participant registers with their name (in an
anonymous assessment only a role) and sees nothing of anyone else.

o opens the Results to participants (or closes them again). The link exists while `kamtui serve
--assessment ID` runs; the lead link it prints opens this app with the join link known.
"""
    PALETTE = (
        ("Open or close the Results to participants", "Whether participants may see the Results (o)", "toggle_results"),
        ("Back", "Back to the previous screen (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "toggle_results", "Results for participants", id="kam.join.results"),
        Binding("escape", "back", "Back", key_display="Esc"),
    ]

    def __init__(self, assessment_id: int | None = None) -> None:
        super().__init__()
        self.url, served = served_join()
        self.assessment_id = assessment_id if assessment_id is not None else served
        self.served = served
        self.title_text = ""

    @property
    def joinable(self) -> bool:
        """The served link joins the assessment shown here."""
        return self.url is not None and self.served is not None and self.assessment_id == self.served

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="join-screen"):
            if self.joinable:
                assert self.url is not None
                yield QRCode(self.url, id="join-qr")
            with Vertical(id="join-side", classes="" if self.joinable else "alone"):
                yield Static("", id="join-what")
                yield Static("", id="join-url", markup=False)
                yield Static("", id="join-status")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Join")
        self.refresh_status()

    @guarded
    def refresh_status(self) -> None:
        from kamtui.service.healthcheck import assessment_title
        from kamtui.service.participants import options

        what = Text()
        status = Text()
        title = assessment_title(self.kam.store, self.assessment_id) if self.assessment_id is not None else None
        self.set_header(f"Join · {title}" if title else "Join")
        if self.joinable:
            what.append("Scan to answer", style="bold")
            what.append(f"\nassessment {self.assessment_id}: {title or ''}\n")
            self.query_one("#join-url", Static).update(self.url or "")
        else:
            shown = self.assessment_id if self.assessment_id is not None else "ID"
            what.append("No join link here", style="bold")
            if self.url is not None and self.served is not None:
                what.append(
                    f"\nThe workshop server lets participants join assessment {self.served}, not this one. "
                    f"To let them answer this one, restart it with `kamtui serve --assessment {shown}`."
                )
            else:
                what.append(
                    "\nParticipants join through the workshop server. Start it with "
                    f"`kamtui serve --assessment {shown}` and open the lead link it prints: the join link "
                    "and its QR code then appear here."
                )
        if self.assessment_id is not None and title is not None:
            opts = options(self.kam.store, self.assessment_id)
            status.append("\n\nAnonymous: ", style="bold")
            status.append(
                f"yes (roles with fewer than {opts.min_group} respondents are not shown)" if opts.anonymous else "no"
            )
            status.append("\nResults for participants: ", style="bold")
            status.append("open (o closes them)" if opts.results_open else "closed (o opens them)")
        self.query_one("#join-what", Static).update(what)
        self.query_one("#join-status", Static).update(status)

    def action_toggle_results(self) -> None:
        from kamtui.service.participants import options, set_results_open

        if self.assessment_id is None:
            self.notify("Open the join link from an assessment's Results.", severity="warning")
            return
        now = set_results_open(self.kam.store, self.assessment_id, not options(self.kam.store, self.assessment_id).results_open)
        self.notify("Participants can now see the Results." if now.results_open else "Results closed to participants.")
        self.refresh_status()

    def action_back(self) -> None:
        self.app.pop_screen()
