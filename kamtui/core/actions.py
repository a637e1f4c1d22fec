"""Action plans (README, "Action plan"): actions per assessment and element, and how each earlier action
sits beside its element's trend at the next assessment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kamtui.core.healthcheck import Report

ACTION_STATUSES = ("open", "doing", "done", "dropped")
OPEN_STATUSES = ("open", "doing")  # what carries over to the next assessment


@dataclass(frozen=True)
class Action:
    """One action of an assessment's plan (README, "Database": the ``actions`` table)."""

    id: int
    assessment_id: int
    element: str
    text: str
    owner: str | None
    due: str | None  # YYYY-MM-DD
    status: str
    carried_from: int | None
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "assessment": self.assessment_id,
            "element": self.element,
            "text": self.text,
            "owner": self.owner,
            "due": self.due,
            "status": self.status,
            "carried_from": self.carried_from,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class ActionTrend:
    """An action of the earlier assessment beside its element's trend since then."""

    action: Action
    name: str  # the element's name
    earlier_score: float | None
    score: float | None
    delta: float | None


def actions_beside_trend(report: Report, earlier_actions: Sequence[Action]) -> list[ActionTrend]:
    """Each action of the assessment ``report`` is compared with, by element in survey order, with the
    element's score then and now (the report's trend)."""
    order = {e.id: position for position, e in enumerate(report.elements)}
    rows = []
    for action in sorted(earlier_actions, key=lambda a: (order.get(a.element, len(order)), a.id)):
        element = report.element(action.element)
        score = None if element is None else element.score
        delta = None if element is None else element.delta
        earlier = score - delta if score is not None and delta is not None else None
        rows.append(ActionTrend(action, element.name if element else action.element, earlier, score, delta))
    return rows
