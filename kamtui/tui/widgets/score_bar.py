"""Horizontal score bars drawn with block characters (eighths for precision, no thin lines)."""

from __future__ import annotations

from rich.text import Text

EIGHTHS = " ▏▎▍▌▋▊▉"
MAX_SCORE = 5.0


def score_bar(score: float | None, width: int, colour: str, track: str | None = None) -> Text:
    """``score`` (0-5) as a bar ``width`` cells wide in ``colour``; the rest is the track colour."""
    text = Text(no_wrap=True, overflow="crop")
    if width <= 0:
        return text
    if score is None:
        text.append(" " * width, style=f"on {track}" if track else "")
        return text
    eighths = round(max(0.0, min(MAX_SCORE, score)) / MAX_SCORE * width * 8)
    full, part = divmod(eighths, 8)
    text.append("█" * full, style=colour)
    used = full
    if part and used < width:
        text.append(EIGHTHS[part], style=f"{colour} on {track}" if track else colour)
        used += 1
    if used < width:
        text.append(" " * (width - used), style=f"on {track}" if track else "")
    return text
