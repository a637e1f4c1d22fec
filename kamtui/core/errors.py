"""Every failure a user can act on is a KamError.

The command line prints ``str(error)`` and exits 1; the TUI shows it in a notification. Nothing
else should ever reach the user: a traceback means a bug in kamtui, not a mistake by the user.
"""

from __future__ import annotations

import re
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


_SUBJECT = re.compile(r"\{(\w+)\}")

# What each {subject} of a message is called when no front end names it otherwise. The command line
# names the flag instead ("--top must be at least 1"), the TUI the field on its screen; below the front
# ends no message ever names a command-line flag (README, "Development").
SUBJECTS = {
    "top_k": "top K",
    "capacity": "the capacity",
    "per_kam": "the cap per KAM",
    "samples": "the number of weight samples",
    "seed": "the seed",
    "title": "a title",
    "respondent": "a name",
    "compare": "the assessment to compare with",
    "target": "the target level",
    "force": "a confirmation",
    "decimal_comma": "the decimal-comma option",
    "run": "the run",
    "criteria": "the criteria set",
    "criterion": "the column",
    "value": "the answer",
    "indicator": "the statement",
    "db": "another database file",
    "min_group": "the minimum group size",
    "element": "the element",
    "owner": "an owner",
    "due": "the due date",
    "status": "the status",
    "action_text": "the action's text",
    "saved_by": "who saved the run",
    "map": "the column map",
    "extra": "what to do with other columns",
}


class KamError(Exception):
    """A failure with a message a person can act on.

    ``message`` may name its subjects as ``{top_k}``: ``str(error)`` says "top K", a front end renders
    its own names with :meth:`render` (the command line: "--top"). ``hint`` names what would help next
    ("assessments", "accounts", ...); each front end words it its own way (see ``commands/common.py``).
    """

    def __init__(
        self,
        message: str,
        problems: tuple[Problem, ...] | list[Problem] = (),
        *,
        hint: str | None = None,
    ):
        self.problems = tuple(problems)
        self.template = message
        self.hint = hint
        super().__init__(_fill(message, SUBJECTS))

    @property
    def message(self) -> str:
        return str(self)

    def render(self, names: dict[str, str]) -> str:
        """The message with the subjects a front end calls by other names (``{"top_k": "--top"}``)."""
        if self.args and self.args[0] != _fill(self.template, SUBJECTS):
            return str(self)  # the message was rewritten after it was raised (e.g. a problem count)
        return _fill(self.template, {**SUBJECTS, **names})


def _fill(template: str, names: dict[str, str]) -> str:
    return _SUBJECT.sub(lambda m: names.get(m.group(1), m.group(0)), template)


class InvalidFileError(KamError):
    """A file the user handed us is wrong; every problem is listed, one per line."""

    def __init__(self, source: str, problems: list[Problem] | tuple[Problem, ...]):
        from kamtui.core.limits import MAX_PROBLEMS_SHOWN

        self.source = source
        problems = list(problems)
        count = len(problems)
        shown = problems
        if count > MAX_PROBLEMS_SHOWN + 1 and not problems[-1].message.startswith("... and "):
            # the first ones and how many more, whoever collected them (raise_if_problems does this too)
            shown = [*problems[:MAX_PROBLEMS_SHOWN], Problem(source, "", f"... and {count - MAX_PROBLEMS_SHOWN} more problems")]
        head = f"{source}: {count} problem{'s' if count != 1 else ''} found, nothing was changed"
        super().__init__("\n".join([head, *(str(p) for p in shown)]), shown)


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


class ProblemList:
    """The problems found in one file, in the order found: the first ``MAX_PROBLEMS_SHOWN`` are kept and
    the rest only counted, so a file with a million bad cells costs no more memory than one with fifty."""

    def __init__(self) -> None:
        from kamtui.core.limits import MAX_PROBLEMS_SHOWN

        self.kept: list[Problem] = []
        self.total = 0
        self._keep = MAX_PROBLEMS_SHOWN

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < self._keep:
            self.kept.append(problem)

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total


def raise_if_problems(
    source: str,
    problems: list[Problem] | ProblemList,
    note: str | None = None,
    *,
    total: int | None = None,
    error: type[InvalidFileError] = ImportFileError,
) -> None:
    """Raise one ``error`` listing the problems: the first ``MAX_PROBLEMS_SHOWN``, then how many more.

    ``total`` is the number of problems found when ``problems`` holds only the first of them (a
    :class:`ProblemList` knows its own); ``note`` (such as which sheet of a workbook was read) ends the
    message without counting as a problem.
    """
    from kamtui.core.limits import MAX_PROBLEMS_SHOWN

    if isinstance(problems, ProblemList):
        total, problems = problems.total, problems.kept
    total = len(problems) if total is None else total
    if not total:
        return
    shown = list(problems[:MAX_PROBLEMS_SHOWN])
    if total > len(shown):
        shown.append(Problem(source, "", f"... and {total - len(shown)} more problems"))
    raised = error(source, shown)
    template = raised.template  # rewritten as a template, so that front ends still render its subjects
    if total != len(shown):
        template = template.replace(f"{len(shown)} problems found", f"{total} problems found", 1)
    if note:
        template = f"{template}\n{source}: {note}"
    if template != raised.template:
        raised.template = template
        raised.args = (_fill(template, SUBJECTS),)
    raise raised
