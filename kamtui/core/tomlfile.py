"""Read a TOML file and check its tables key by key, collecting every problem.

Surveys and criteria sets are both TOML files written by people: a check reports all that is
wrong at once, each problem named by file and key path, instead of stopping at the first.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamtui.core.errors import Problem

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


def read_toml(path: Path, source: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse ``path``; return (data, []) or (None, [problem]) naming the line of a syntax error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(source, "", "file not found")]
    except IsADirectoryError:
        return None, [Problem(source, "", "is a folder, expected a .toml file")]
    except OSError as exc:
        return None, [Problem(source, "", f"cannot be read ({exc.strerror or exc})")]
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors save, is not an error
    except UnicodeDecodeError as exc:
        return None, [Problem(source, "", f"is not UTF-8 text (bad byte at offset {exc.start})")]
    try:
        return tomllib.loads(text), []
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
