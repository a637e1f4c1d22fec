"""Assessments and answers as they are stored and shown (README, "Healthcheck" and "Database").

Plain records shared by the store, the workbooks and the front ends; the scoring lives in
``kamtui.core.healthcheck``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kamtui.core.survey import Survey


@dataclass(frozen=True)
class Assessment:
    id: int
    title: str
    programme: str | None
    survey: Survey
    created_at: str


@dataclass(frozen=True)
class AssessmentSummary:
    """One assessment on a list: what it is and how far it has come (no scoring)."""

    id: int
    title: str
    programme: str | None
    survey_id: str
    survey_title: str
    created_at: str
    respondents: int  # registered respondents, with or without answers
    answered: int  # answers given (rated, na or unknown) by all respondents
    rated: int  # answers that carry a level (they count toward scores)
    indicators: int

    @property
    def possible(self) -> int:
        return self.respondents * self.indicators

    @property
    def progress(self) -> float:
        """Share of the possible answers given (rated, na or unknown); 0 with no respondent."""
        return self.answered / self.possible if self.possible else 0.0

    @property
    def coverage(self) -> float:
        """Share of the possible answers that carry a level (the Results screen's "rated")."""
        return self.rated / self.possible if self.possible else 0.0


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer, as it is written to the ``answers`` table."""

    respondent: str
    role: str | None
    indicator: str
    value: int | None
    status: str | None  # None: not answered, only commented
    comment: str | None


@dataclass(frozen=True)
class Respondent:
    id: int
    name: str
    role: str | None
    answered: int
