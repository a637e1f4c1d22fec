"""Reading numbers typed by people: ``4200000``, ``4,200,000``, ``0.5``; or with ``decimal_comma``,
``4.200.000`` and ``0,5``. Anything ambiguous is refused rather than guessed.

Without the decimal comma, ``4.200`` (a dot and exactly three digits after a first group that does not
start with 0) is refused: it is 4.2 with a decimal point and 4200 with a dot between thousands, and a file
written the second way would silently be read a thousand times too small. ``1_0`` (underscores, which
Python would read as 10) is refused in both modes. :func:`number_problem` says why a text is not a number
with the suggestion that fits; the option is named as the subject ``{decimal_comma}``, which each front
end words its own way (kamtui.core.errors.SUBJECTS; README, "Account selection").
"""

from __future__ import annotations

import math
import re

# Larger magnitudes are no business figure, and max - min of two of them could overflow to infinity.
MAX_MAGNITUDE = 1e15

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+(,\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
# 4.200: a decimal point or a dot between thousands? (0.125 is no thousands group: it is a fraction)
AMBIGUOUS_DOT = re.compile(r"^[+-]?(?!0\.)\d{1,3}\.\d{3}$")
DECIMAL_COMMA_EXAMPLE = "4.200,50"


def _cleaned(text: str) -> str:
    return text.strip().replace("\u00a0", "").replace(" ", "")


def parse_number(text: str, *, decimal_comma: bool = False) -> float | None:
    """The number written in ``text``, or None when it is not one (blank is the caller's business)."""
    cleaned = _cleaned(text)
    if not cleaned or "_" in cleaned:
        return None
    if decimal_comma:
        if _DECIMAL_COMMA.match(cleaned):
            value = float(cleaned.replace(",", "."))
        elif _THOUSANDS_DOT.match(cleaned):
            value = float(cleaned.replace(".", "").replace(",", "."))
        else:
            return None
    elif AMBIGUOUS_DOT.match(cleaned):
        return None
    elif _PLAIN.match(cleaned):
        value = float(cleaned)
    elif _THOUSANDS_COMMA.match(cleaned):
        value = float(cleaned.replace(",", ""))
    else:
        return None
    return value if math.isfinite(value) else None


def plain(value: float) -> str:
    """``value`` written the plain way (``4200``, ``4.2``, ``0.0001``), never in exponent notation."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text if float(text) == value else repr(value)


def number_problem(text: str, *, decimal_comma: bool = False) -> str | None:
    """Why ``text`` is not read as a number, with the suggestion that fits it; None when it is a number
    (or blank), and None too for text that looks like no number at all (the caller then says which number
    it expected, with :func:`number_hint`). The reason is a KamError message template: it may name the
    subject ``{decimal_comma}``, which the error fills in."""
    cleaned = _cleaned(text)
    if not cleaned or parse_number(text, decimal_comma=decimal_comma) is not None:
        return None
    shown = text.strip()
    if "_" in cleaned:  # no guess at the number meant: 0_5 could be 0.5 as well as 05
        example = "1000 or 0,5" if decimal_comma else "1000 or 0.5"
        return (
            f"{shown} holds an underscore, which is no part of a number: write digits only, such as {example}"
        )
    option = f"use {{decimal_comma}} if the numbers are written like {DECIMAL_COMMA_EXAMPLE}"
    if decimal_comma:
        value = parse_number(cleaned)
        if value is None:
            return None
        return (
            f"{shown} is written with a decimal point or commas between thousands, but the numbers are "
            f"read with a decimal comma: write {_in_mode(value, True)}, "
            "or do not use {decimal_comma}"
        )
    if AMBIGUOUS_DOT.match(cleaned):
        sign = "-" if cleaned.startswith("-") else ""
        thousands = sign + cleaned.lstrip("+-").replace(".", "")
        return f"{shown} is ambiguous: write {thousands} or {plain(float(cleaned))}, or {option}"
    value = parse_number(cleaned, decimal_comma=True)
    if value is None:
        return None
    written = "is written with a decimal comma or dots between thousands"
    return f"{shown} {written}: write {plain(value)}, or {option}"


def _in_mode(value: float, decimal_comma: bool) -> str:
    text = plain(value)
    return text.replace(".", ",") if decimal_comma else text


def number_hint(decimal_comma: bool) -> str:
    return "a number such as 4.200.000 or 0,5" if decimal_comma else "a number such as 4200000 or 0.5"


def magnitude_problem(value: float) -> str | None:
    """Why ``value`` is too large to be taken as a figure, or None."""
    if abs(value) > MAX_MAGNITUDE:
        return f"out of range: numbers up to {MAX_MAGNITUDE:.0e} in size are accepted"
    return None
