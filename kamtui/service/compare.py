"""Assessments side by side (README, "Healthcheck"): several business units or regions take the same
survey as separate programmes; their element scores are set out as elements x assessments, with the
overall of each and the largest differences."""

from __future__ import annotations

from collections.abc import Sequence

from kamtui.core.comparison import Comparison
from kamtui.core.errors import InvalidValueError
from kamtui.core.healthcheck import DEFAULT_TARGET
from kamtui.service import healthcheck as hc
from kamtui.service.database import Database

MIN_COMPARED = 2


def compare_assessments(db: Database, ids: Sequence[int], *, target: int = DEFAULT_TARGET) -> Comparison:
    """The assessments ``ids`` (at least two, each once) side by side, in the order given. Each is scored
    on its own (no trend), through the same report as everywhere, so a confidential assessment shows
    only what its report shows."""
    from kamtui.core.comparison import compare_reports

    if len(ids) < MIN_COMPARED:
        raise InvalidValueError("a comparison needs two assessments or more", hint="assessments")
    seen: set[int] = set()
    for assessment_id in ids:
        if assessment_id in seen:
            raise InvalidValueError(f"assessment {assessment_id} is named twice: name each assessment once")
        seen.add(assessment_id)
    return compare_reports(
        [hc.report(db, assessment_id, target=target, compare=None) for assessment_id in ids]
    )


def comparable(db: Database) -> list[dict]:
    """Id, title and programme of every assessment, oldest first (to choose which to compare)."""
    from kamtui.store.healthchecks import assessment_titles

    return list(reversed(assessment_titles(db)))
