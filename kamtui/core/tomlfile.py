"""Read a TOML file and check its tables key by key, collecting every problem.

Surveys and criteria sets are both TOML files written by people: a check reports all that is
wrong at once, each problem named by file and key path, instead of stopping at the first.
:func:`read_toml`, which both call, reads only a regular file within the limits of
``kamtui.core.limits`` (size, nesting, list lengths, elements, indicators, criteria): a file beyond one
is refused with the limit named, its cost bounded (README, "Reliability").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamtui.core.errors import Problem
from kamtui.core.files import FileRefused, open_regular_file
from kamtui.core.limits import (
    MAX_CRITERIA,
    MAX_ELEMENT_INDICATORS,
    MAX_SURVEY_ELEMENTS,
    MAX_SURVEY_INDICATORS,
    MAX_TOML_BYTES,
    MAX_TOML_DEPTH,
    MAX_TOML_LIST,
    over_limit,
)

_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    list: "a list",
    dict: "a table",
    bool: "true/false",
}


def describe_type(expected: type | tuple[type, ...]) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)


# A dotted key or table header of more parts than the depth limit: tomllib takes quadratic time over them
# (16,000 parts, 32 kB, take 5 s), so such a line is refused before parsing. Keys are on one line.
_LONG_KEY = re.compile(
    r"^[ \t]*\[*[ \t]*(?:(?:[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')[ \t]*\.[ \t]*){"
    + str(MAX_TOML_DEPTH)
    + "}",
    re.MULTILINE,
)
# Lists with their own limit, by key path ([] for any item of a list).
_LIST_LIMITS = {
    "elements": (MAX_SURVEY_ELEMENTS, "elements"),
    "elements[].indicators": (MAX_ELEMENT_INDICATORS, "indicators in one element"),
    "criteria": (MAX_CRITERIA, "criteria"),
}


def read_toml(path: Path, source: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse ``path``; return (data, []) or (None, [problem]) naming the line of a syntax error, or the limit
    the file goes beyond."""
    try:
        with open_regular_file(
            path, expected="a .toml file", max_bytes=MAX_TOML_BYTES, what="TOML file"
        ) as f:
            raw = f.read(MAX_TOML_BYTES + 1)
    except FileRefused as refused:
        return None, [Problem(source, "", refused.message)]
    except OSError as exc:
        return None, [Problem(source, "", f"cannot be read ({exc.strerror or exc})")]
    if len(raw) > MAX_TOML_BYTES:  # grew after it was opened
        return None, [Problem(source, "", over_limit("is larger", f"{MAX_TOML_BYTES:,} bytes per TOML file"))]
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors save, is not an error
    except UnicodeDecodeError as exc:
        return None, [Problem(source, "", f"is not UTF-8 text (bad byte at offset {exc.start})")]
    long_key = _LONG_KEY.search(text)
    if long_key:
        line = text.count("\n", 0, long_key.start()) + 1
        found = f"a key of more than {MAX_TOML_DEPTH} dotted parts"
        return None, [Problem(source, f"line {line}", over_limit(found, f"{MAX_TOML_DEPTH} parts"))]
    try:
        data = tomllib.loads(text)
    except MemoryError:
        return None, [Problem(source, "", "is too large to read in the memory this computer has free")]
    except RecursionError:
        return None, [
            Problem(source, "", "TOML nested too deeply to be read (arrays or tables inside each other)")
        ]
    except ValueError as exc:
        if not isinstance(exc, tomllib.TOMLDecodeError):  # e.g. an integer of thousands of digits
            reason = "a number has too many digits" if "digits" in str(exc) else str(exc)
            return None, [Problem(source, "", f"TOML value cannot be read: {reason}")]
        msg = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg).strip() or "invalid TOML"
        if match:
            where = f"line {match.group(1)}"
            reason = f"TOML syntax error at line {match.group(1)}, column {match.group(2)}: {reason}"
        else:
            where = ""
            reason = f"TOML syntax error: {reason}"
        return None, [Problem(source, where, reason)]
    problem = _size_problem(data, source)
    return (None, [problem]) if problem else (data, [])


def _size_problem(data: dict[str, Any], source: str) -> Problem | None:
    """The first limit the parsed document goes beyond (nesting, list lengths, indicators), or None."""
    indicators = 0
    stack: list[tuple[Any, str, str, int]] = [(data, "", "", 0)]  # (value, key path, pattern, depth)
    while stack:
        value, where, pattern, depth = stack.pop()
        if depth > MAX_TOML_DEPTH:
            found = f"tables or lists nested more than {MAX_TOML_DEPTH} deep"
            return Problem(source, where, over_limit(found, f"{MAX_TOML_DEPTH} levels"))
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, dict | list):
                    stack.append((item, _join(where, key), _join(pattern, key), depth + 1))
        elif isinstance(value, list):
            limit, what = _LIST_LIMITS.get(pattern, (MAX_TOML_LIST, "items in one list"))
            if len(value) > limit:
                return Problem(source, where, over_limit(f"holds {len(value):,} {what}", f"{limit:,} {what}"))
            if pattern == "elements[].indicators":
                indicators += len(value)
                if indicators > MAX_SURVEY_INDICATORS:
                    found = f"holds more than {MAX_SURVEY_INDICATORS:,} indicators"
                    return Problem(
                        source, "", over_limit(found, f"{MAX_SURVEY_INDICATORS:,} indicators per survey")
                    )
            for index, item in enumerate(value):
                if isinstance(item, dict | list):
                    stack.append((item, f"{where}[{index}]", f"{pattern}[]", depth + 1))
    return None


@dataclass
class TableChecker:
    """Collects problems while checking tables of a parsed TOML document."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.source, where, message))

    def keys(
        self, table: Any, where: str, required: dict[str, Any], optional: dict[str, Any]
    ) -> dict[str, Any]:
        """Check required/optional keys and their types; return the keys whose values are usable."""
        label = where or "top level"
        if not isinstance(table, dict):
            self.add(where, f"expected a table, found {type(table).__name__}")
            return {}
        good: dict[str, Any] = {}
        for key in required:
            if key not in table:
                self.add(_join(where, key), f"missing key '{key}' (in {label})")
        for key, value in table.items():
            path = _join(where, key)
            if key in required:
                expected = required[key]
            elif key in optional:
                expected = optional[key]
            else:
                allowed = ", ".join(sorted([*required, *optional]))
                self.add(path, f"unknown key '{key}' (allowed here: {allowed})")
                continue
            if not _is_instance(value, expected):
                self.add(path, f"expected {describe_type(expected)}, found {_show(value)}")
                continue
            good[key] = value
        return good

    def text(self, value: Any, where: str) -> str | None:
        """A non-empty string, or a problem."""
        if not isinstance(value, str):
            self.add(where, f"expected text, found {_show(value)}")
            return None
        if not value.strip():
            self.add(where, "empty text")
            return None
        return value.strip()

    def text_list(self, value: list[Any], where: str, count: int, what: str) -> list[str] | None:
        """A list of exactly ``count`` non-empty strings, or problems."""
        ok = True
        if len(value) != count:
            self.add(where, f"expected exactly {count} {what}, found {len(value)}")
            ok = False
        items = []
        for index, item in enumerate(value):
            text = self.text(item, f"{where}[{index}]")
            if text is None:
                ok = False
            items.append(text)
        return items if ok else None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _is_instance(value: Any, expected: type | tuple[type, ...]) -> bool:
    types = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool) and bool not in types:
        return False
    if float in types and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, types)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
