"""Formatting numbers and answers for the screens (the same rules everywhere, so tests can compare)."""

from __future__ import annotations

from kamtui.core.levels import NOT_APPLICABLE, RATED, UNKNOWN, level_name, level_of

DASH = "—"


def score(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def signed(value: float | None) -> str:
    return DASH if value is None else f"{value:+.2f}"


def percent(share: float | None) -> str:
    return DASH if share is None else f"{share:.0%}"


def level_label(level: int | None) -> str:
    return DASH if level is None else f"{level} {level_name(level)}"


def score_and_level(value: float | None) -> str:
    """``2.85 Awareness`` (or a dash)."""
    return DASH if value is None else f"{value:.2f} {level_name(level_of(value))}"


def answer_label(value: int | None, status: str | None) -> str:
    if status == RATED and value is not None:
        return level_label(value)
    if status == NOT_APPLICABLE:
        return "not applicable"
    if status == UNKNOWN:
        return "unknown"
    return "not answered yet"


def clip(text: str | None, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    text = text or ""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"
