"""The healthcheck workbook: Summary, Elements, Indicators, Answers, Comments, Prescription, Actions, About
(each sheet written by its module: healthcheck_summary, healthcheck_elements, healthcheck_sheets).

Every number comes from the scored :class:`~kamtui.core.healthcheck.Report` (never recomputed here);
every piece of user text (titles, programme, names, roles, comments) goes through
:func:`kamtui.excel.common.set_value`, so none of it can become a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kamtui.core.healthcheck import Report
from kamtui.excel import common as xl
from kamtui.excel.healthcheck_elements import (
    ELEMENT_HEAD,
    ELEMENT_TAIL,
    about_sheet,
    actions_sheet,
    element_columns,
    elements_sheet,
)
from kamtui.excel.healthcheck_sheets import (
    COMMENT_COLUMNS,
    INDICATOR_COLUMNS,
    PRESCRIPTION_COLUMNS,
    answers_sheet,
    comments_sheet,
    indicators_sheet,
    prescription_sheet,
)
from kamtui.excel.healthcheck_styles import LEVEL_FILLS, add_styles, level_label_style, score_style
from kamtui.excel.healthcheck_summary import (
    SUMMARY_FIRST_ELEMENT_ROW,
    SUMMARY_HEADER_ROW,
    SUMMARY_OVERALL_ROW,
    summary_columns,
    summary_layout,
    summary_roles,
    summary_sheet,
)

__all__ = [  # the layout the tests and the other workbooks read, kept where it always was
    "COMMENT_COLUMNS",
    "ELEMENT_HEAD",
    "ELEMENT_TAIL",
    "INDICATOR_COLUMNS",
    "LEVEL_FILLS",
    "PRESCRIPTION_COLUMNS",
    "SHEETS",
    "SUMMARY_FIRST_ELEMENT_ROW",
    "SUMMARY_HEADER_ROW",
    "SUMMARY_OVERALL_ROW",
    "add_styles",
    "element_columns",
    "level_label_style",
    "score_style",
    "summary_columns",
    "summary_layout",
    "summary_roles",
    "write_healthcheck_workbook",
]

SHEETS = ("Summary", "Elements", "Indicators", "Answers", "Comments", "Prescription", "Actions", "About")


def _respondent_fields(item: Any) -> tuple[str, str | None, int | None]:
    if isinstance(item, Mapping):
        return item["name"], item.get("role"), item.get("answered")
    return item.name, getattr(item, "role", None), getattr(item, "answered", None)


def write_healthcheck_workbook(
    report: Report,
    answers: Sequence[Any],
    respondents: Iterable[Any],
    target: Path,
    earlier_report: Report | None = None,
    *,
    exported_at: dt.datetime | None = None,
    actions: Sequence[Any] = (),
    earlier_actions: Sequence[Any] = (),
) -> Path:
    """Write the healthcheck workbook for ``report`` to ``target`` (atomically); returns ``target``.

    ``answers`` are the stored answer rows (``kamtui.store.healthchecks.load_answers``: respondent, role,
    indicator, value, status, comment); ``respondents`` the rows of ``list_respondents`` (name, role,
    answered). ``earlier_report`` is the scored assessment ``report`` was compared with (its element
    scores become the second radar and bar series). ``actions`` are the assessment's plan
    (:class:`kamtui.core.healthcheck.Action`), ``earlier_actions`` the earlier assessment's beside their
    element's trend (:class:`kamtui.core.healthcheck.ActionTrend`).
    """
    from openpyxl import Workbook

    from kamtui import __version__

    exported_at = exported_at or dt.datetime.now().astimezone()
    people = [_respondent_fields(item) for item in respondents]
    known = {name for name, _, _ in people}
    for row in answers:  # an answer whose respondent was not listed still gets a column
        if row.respondent not in known:
            known.add(row.respondent)
            people.append((row.respondent, row.role, None))

    workbook = Workbook()
    add_styles(workbook)
    meta = report.meta
    workbook.properties.title = xl.safe_text(f"KAM healthcheck: {meta.get('title') or report.survey.title}")
    workbook.properties.creator = f"kamtui {__version__}"

    summary = workbook.active
    summary.title = "Summary"
    summary_sheet(summary, report, earlier_report)
    elements_sheet(workbook.create_sheet("Elements"), report)
    indicators_sheet(workbook.create_sheet("Indicators"), report, answers)
    answers_sheet(workbook.create_sheet("Answers"), report, answers, people)
    comments_sheet(workbook.create_sheet("Comments"), report, answers)
    prescription_sheet(workbook.create_sheet("Prescription"), report)
    actions_sheet(workbook.create_sheet("Actions"), report, actions, earlier_actions)
    about_sheet(workbook.create_sheet("About"), report, earlier_report, exported_at, __version__)
    workbook.active = 0
    return xl.atomic_save(workbook, target)


# ---------------------------------------------------------------------------------------------- Summary
