"""A progress bar drawn with full blocks (no thin lines, so it stays visible on a projector)."""

from __future__ import annotations

from textual.renderables.bar import Bar as BarRenderable
from textual.widgets import ProgressBar


class BlockBar(BarRenderable):
    HALF_BAR_LEFT = "▐"
    BAR = "█"
    HALF_BAR_RIGHT = "▌"


class AnswerProgress(ProgressBar):
    """``ProgressBar`` of answered statements, without an ETA (the count is shown beside it)."""

    BAR_RENDERABLE = BlockBar

    DEFAULT_CSS = """
    AnswerProgress {
        width: 1fr;
        height: 1;
        & > Bar {
            width: 1fr;
        }
        & > Bar > .bar--bar, & > Bar > .bar--complete {
            background: $bar-track;
        }
    }
    """

    def __init__(self, total: int, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(total=total, show_eta=False, show_percentage=True, id=id, classes=classes)
