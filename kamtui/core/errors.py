"""Every failure a user can act on is a KamError.

The command line prints ``str(error)`` and exits 1; the TUI shows it in a notification. Nothing
else should ever reach the user: a traceback means a bug in kamtui, not a mistake by the user.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located precisely enough to fix it.

    ``source`` is the file (or database) as the user named it; ``where`` is a TOML key path
    (``elements[2].levels``), or ``row:column`` for tables (``7:value``), or ``line N`` for syntax.
    """

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        if self.where:
            return f"{self.source}:{self.where}: {self.message}"
        return f"{self.source}: {self.message}"


class KamError(Exception):
    """A failure with a message a person can act on."""

    def __init__(self, message: str, problems: tuple[Problem, ...] | list[Problem] = ()):
        self.problems = tuple(problems)
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self)


class InvalidFileError(KamError):
    """A file the user handed us is wrong; every problem is listed, one per line."""

    def __init__(self, source: str, problems: list[Problem] | tuple[Problem, ...]):
        self.source = source
        lines = [str(p) for p in problems]
        count = len(lines)
        head = f"{source}: {count} problem{'s' if count != 1 else ''} found, nothing was changed"
        super().__init__("\n".join([head, *lines]), problems)


class SurveyError(InvalidFileError):
    """A survey TOML file is wrong."""


class CriteriaError(InvalidFileError):
    """A criteria-set TOML file is wrong."""


class ImportFileError(InvalidFileError):
    """A CSV/XLSX file of accounts or answers is wrong; nothing was imported."""


class DatabaseError(KamError):
    """The database cannot be used (not a kamtui file, newer schema, unwritable...)."""


class NotFoundError(KamError):
    """An id or name the user gave does not exist."""


class InvalidValueError(KamError):
    """A single value typed by the user is wrong (an answer, a weight, a score)."""
