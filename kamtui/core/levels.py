"""The five maturity levels every healthcheck indicator is rated against."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    colour: str  # a colour key the TUI and the workbook map to their own palettes


LEVELS: tuple[Level, ...] = (
    Level(1, "Ad hoc", "red"),
    Level(2, "Awareness", "orange"),
    Level(3, "Repeatable", "yellow"),
    Level(4, "Predictable", "green"),
    Level(5, "Activating", "blue"),
)

LEVEL_NAMES: dict[int, str] = {level.number: level.name for level in LEVELS}

# An answer's status: rated on a level, not applicable, or the respondent cannot say (README, "Healthcheck").
RATED = "rated"
NOT_APPLICABLE = "na"
UNKNOWN = "unknown"


def level_of(score: float | Fraction | None) -> int | None:
    """Level of a score s in [1, 5]: floor(s); 5 only at exactly 5.0. None for no score.

    Pass the exact score (a Fraction) where there is one: the floor of a rounded float can fall a level.
    """
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return max(1, min(5, math.floor(score)))


def level_name(level: int | None) -> str | None:
    return None if level is None else LEVEL_NAMES[level]
