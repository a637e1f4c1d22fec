"""The Results as a participant sees them, while the lead has opened them (``assessments.results_open``).

The lead app's results screen with its own keys only (refresh, back): no drill-down, heatmap, action plan
or comparison with another assessment, and the report of :func:`kamtui.service.participants.results`
(no respondent's scores, no one named). When the lead closes the Results the screen closes.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.worker import get_current_worker

from kamtui.tui.participant.app import ParticipantApp, ParticipantScreenMixin
from kamtui.tui.screens.results import PlanView, ResultsScreen


class ParticipantResultsScreen(ParticipantScreenMixin, ResultsScreen, inherit_bindings=False):
    HELP_TITLE = "Results"
    HELP_TEXT = """
The workshop's results so far: each element's score (the mean over respondents of their mean rating in
it) and its level, agreement between respondents (rwg; ! marks no consensus), and the prescription for
the elements below the target level. The screen refreshes itself while answers come in.
"""
    PALETTE = (
        ("Refresh results now", "Re-score the assessment (r)", "refresh"),
        ("Back", "Back to your survey (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "back", "Back", key_display="Esc"),
    ]

    def __init__(self, assessment_id: int) -> None:
        super().__init__(assessment_id, compare=None)
        self.trend_off = False  # no comparison is offered here: say there is none, not "c to choose one"

    @work(thread=True, exclusive=True, group="results", exit_on_error=False)
    def score(self) -> None:
        from kamtui.service.participants import results

        app = self.app
        assert isinstance(app, ParticipantApp)
        worker = get_current_worker()
        try:
            with app.thread_store() as store:
                report = results(store, self.assessment_id)
        except Exception as error:
            if not worker.is_cancelled:
                self._call(self._refused, error)
            return
        if not worker.is_cancelled:
            self._call(self.show, report, None, None, PlanView())

    def _refused(self, error: Exception) -> None:
        self._failed(error)
        self.action_back()

    def action_back(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    # The lead's actions on this screen lead elsewhere: none of them exists here.
    def action_element(self) -> None:
        pass

    def action_heatmap(self) -> None:
        pass

    def action_add_action(self) -> None:
        pass

    def action_plan(self) -> None:
        pass

    def action_compare(self) -> None:
        pass

    def action_join(self) -> None:
        pass
