"""Reading numbers typed by people: ``4200000``, ``4,200,000``, ``0.5``; or with ``decimal_comma``,
``4.200.000`` and ``0,5``. Anything ambiguous is refused rather than guessed."""

from __future__ import annotations

import math
import re

# Larger magnitudes are no business figure, and max - min of two of them could overflow to infinity.
MAX_MAGNITUDE = 1e15

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+(,\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")


def parse_number(text: str, *, decimal_comma: bool = False) -> float | None:
    """The number written in ``text``, or None when it is not one (blank is the caller's business)."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    if not cleaned:
        return None
    if decimal_comma:
        if _DECIMAL_COMMA.match(cleaned):
            value = float(cleaned.replace(",", "."))
        elif _THOUSANDS_DOT.match(cleaned):
            value = float(cleaned.replace(".", "").replace(",", "."))
        else:
            return None
    elif _PLAIN.match(cleaned):
        value = float(cleaned)
    elif _THOUSANDS_COMMA.match(cleaned):
        value = float(cleaned.replace(",", ""))
    else:
        return None
    return value if math.isfinite(value) else None


def number_hint(decimal_comma: bool) -> str:
    return "a number such as 4.200.000 or 0,5" if decimal_comma else "a number such as 4200000 or 0.5"


def magnitude_problem(value: float) -> str | None:
    """Why ``value`` is too large to be taken as a figure, or None."""
    if abs(value) > MAX_MAGNITUDE:
        return f"out of range: numbers up to {MAX_MAGNITUDE:.0e} in size are accepted"
    return None
