"""Programmes side by side (README, "Healthcheck": ``healthcheck compare``): elements x assessments, the
overall per assessment and the largest differences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kamtui.core.healthcheck import Report

TOP_DIFFERENCES = 5


@dataclass(frozen=True)
class ComparedElement:
    id: str
    name: str
    scores: tuple[float | None, ...]  # one per assessment, in the order given
    levels: tuple[int | None, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "scores": list(self.scores), "levels": list(self.levels)}


@dataclass(frozen=True)
class Difference:
    """An element's largest difference between two of the assessments compared."""

    element: str
    name: str
    high: int  # assessment id with the higher score
    low: int
    difference: float

    def to_json(self) -> dict[str, Any]:
        return {
            "element": self.element,
            "name": self.name,
            "high": self.high,
            "low": self.low,
            "difference": self.difference,
        }


@dataclass(frozen=True)
class Comparison:
    """Assessments side by side (README, "Healthcheck"): element scores, overall, largest differences."""

    reports: tuple[Report, ...]
    elements: tuple[ComparedElement, ...]
    differences: tuple[Difference, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "assessments": [
                {
                    "id": r.meta.get("assessment"),
                    "title": r.meta.get("title"),
                    "programme": r.meta.get("programme"),
                    "survey": r.survey.id,
                    "respondents": r.respondents,
                    "overall": r.overall,
                    "level": r.level,
                    "level_name": r.level_name,
                }
                for r in self.reports
            ],
            "elements": [e.to_json() for e in self.elements],
            "differences": [d.to_json() for d in self.differences],
        }


def compare_reports(reports: Sequence[Report], top: int = TOP_DIFFERENCES) -> Comparison:
    """Elements (matched by id, in the order they first appear) x reports, and per element its highest
    minus its lowest score, the ``top`` largest first (elements scored in fewer than two left out)."""
    names: dict[str, str] = {}
    for report in reports:
        for element in report.elements:
            names.setdefault(element.id, element.name)
    compared, differences = [], []
    for element_id, name in names.items():
        found = [report.element(element_id) for report in reports]
        exact = [None if e is None else e.exact_score for e in found]
        compared.append(
            ComparedElement(
                element_id,
                name,
                tuple(None if e is None else e.score for e in found),
                tuple(None if e is None else e.level for e in found),
            )
        )
        ids = [report.meta.get("assessment") for report in reports]
        scored = [(value, ident) for value, ident in zip(exact, ids, strict=True) if value is not None]
        if len(scored) >= 2:
            high = max(scored, key=lambda item: item[0])
            low = min(scored, key=lambda item: item[0])
            differences.append(Difference(element_id, name, high[1], low[1], float(high[0] - low[0])))
    differences.sort(key=lambda d: -d.difference)
    return Comparison(tuple(reports), tuple(compared), tuple(differences[:top]))


# ---------------------------------------------------------------------------------------------- action plan
