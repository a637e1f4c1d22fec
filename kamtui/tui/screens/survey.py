"""The survey: one statement at a time, answered with a single key and saved at once.

Every answer is written with ``save_answer`` in its own transaction, synchronously, before the screen moves
on (a write takes ~0.1 ms): killing the process right after a key loses nothing. Reopening the same
respondent resumes at the first statement they have not answered.
"""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Label, Static

from kamtui.core.assessments import AnswerRow, Assessment
from kamtui.core.healthcheck import NOT_APPLICABLE, RATED, UNKNOWN
from kamtui.core.levels import LEVELS
from kamtui.core.survey import Indicator
from kamtui.tui import format as fmt
from kamtui.tui.errors import guarded
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.widgets.answer_progress import AnswerProgress
from kamtui.tui.widgets.element_progress import ElementProgress
from kamtui.tui.widgets.level_picker import LevelPicker, LevelRow

LEVEL_NAME_WIDTH = 18  # the level chip (16) and the description's padding


def _lines(text: str, width: int) -> int:
    return len(textwrap.wrap(text, width)) or 1


class StatementPanel(VerticalScroll, can_focus=False):
    """The right-hand side: scrolls when a statement does not fit, never takes the keys."""


class SurveyScreen(KamScreen):
    HELP_TITLE = "Survey"
    HELP_TEXT = """
Rate each statement on the five levels, as things are today:
1 Ad hoc · 2 Awareness · 3 Repeatable · 4 Predictable · 5 Activating.
Beside each level is what it means for this statement: the survey's scale (for example "absent" to
"improving"), or the statement's own five steps where it has them.

Press 1-5 to rate, n when the statement does not apply, u when you cannot judge it. The answer is saved
at once and the next statement comes up. c adds a comment. Move with ← → (or k = previous, j = next),
PgUp / PgDn jump to the previous / next element, g to the first statement not answered yet.
↑ / ↓ move a cursor over the five levels and Enter rates with it. Every description is shown in full:
when the window is small the level names start their descriptions, and the panel scrolls if need be.
Left: each element's answered statements. Top: your progress over the whole survey.
"""
    PALETTE = (
        *(
            (
                f"Rate {level.number}: {level.name}",
                f"Answer level {level.number} ({level.number})",
                f"answer({level.number})",
            )
            for level in LEVELS
        ),
        ("Not applicable", "The statement does not apply here (n)", "not_applicable"),
        ("Unknown", "You cannot judge this statement (u)", "unknown"),
        ("Comment", "Add or change the comment on this statement (c)", "comment"),
        ("Previous statement", "Go back one statement (← or k)", "previous"),
        ("Next statement", "Go on one statement (→ or j)", "next"),
        ("Previous element", "Jump to the previous element (PgUp)", "previous_element"),
        ("Next element", "Jump to the next element (PgDn)", "next_element"),
        (
            "First unanswered statement",
            "Jump to the first statement not answered yet (g)",
            "first_unanswered",
        ),
        ("Results of this assessment", "Scores so far (r)", "results"),
        ("Back", "Back to the assessments (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "answer(1)", "Rate", key_display="1-5"),
        *(Binding(str(n), f"answer({n})", f"Rate {n}", show=False) for n in range(2, 6)),
        Binding("n", "not_applicable", "N/A"),
        Binding("u", "unknown", "Unknown"),
        Binding("c", "comment", "Comment"),
        Binding("left,k", "previous", "Prev", key_display="←/k"),
        Binding("right,j", "next", "Next", key_display="→/j"),
        Binding("pageup", "previous_element", "Prev element", show=False),
        Binding("pagedown", "next_element", "Next element", show=False),
        Binding("g", "first_unanswered", "First unanswered", show=False),
        Binding("up", "look(-1)", "Level above", show=False),
        Binding("down", "look(1)", "Level below", show=False),
        Binding("enter", "answer_looked", "Rate the level under the cursor", show=False),
        Binding("r", "results", "Results"),
        Binding("escape", "back", "Back", key_display="Esc"),
    ]

    def __init__(self, assessment: Assessment, respondent_id: int, name: str, role: str | None) -> None:
        super().__init__()
        self.assessment = assessment
        self.survey = assessment.survey
        self.respondent_id = respondent_id
        self.respondent = name
        self.role = role
        self.indicators: tuple[Indicator, ...] = self.survey.indicators
        self.answers: dict[str, AnswerRow] = {}
        self.index = 0
        self.looking: int | None = None  # the level under the up/down cursor
        self._shown: dict[str, str | Text] = {}
        self._shown_index: int | None = None
        self._fitted: tuple[str, int, int, bool] | None = None
        self._complete_told = False

    # -- layout ---------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="survey-top"):
            yield Label("", id="survey-who")
            yield AnswerProgress(len(self.indicators), id="survey-progress")
            yield Label("", id="survey-count")
        with Horizontal(id="survey-body"):
            with Vertical(id="survey-elements", classes="panel"):
                yield Static("Elements", classes="panel-title")
                yield ElementProgress(self.survey.elements, id="element-progress")
            with StatementPanel(id="statement", classes="panel"):
                yield Static("", id="statement-head")
                yield Static("", id="statement-text", markup=False)
                yield Static("", id="statement-answer")
                yield Static("", id="statement-comment", markup=False)
                yield LevelPicker(id="levels")
        yield Footer()

    def on_mount(self) -> None:
        from kamtui.service.healthcheck import respondent_answers

        self.set_header(f"Survey · {self.assessment.title}", self.assessment.programme)
        who = self.respondent + (f" ({self.role})" if self.role else "")
        self.query_one("#survey-who", Label).update(Text(who))
        self.answers = respondent_answers(self.kam.store, self.respondent_id)
        self.index = self.first_unanswered()
        self._complete_told = self.answered_count() == len(self.indicators)
        self.show()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Compact mode (one line per level) when an element's statements and five levels do not fit."""
        panel = self.query_one(StatementPanel)
        gutter = panel.styles.gutter  # border and padding; the scrollbar (2) is always set aside, so
        width = panel.region.width - gutter.width - 2  # the decision never flips when it shows up
        height = panel.region.height - gutter.height
        if width <= 0 or height <= 0:
            return
        element = self.survey.element(self.indicator.element_id)
        assert element is not None
        narrow = self.has_class("narrow")  # the participant app on a phone: tall chips of its own
        key = (element.id, width, height, narrow)
        if key == self._fitted:
            return
        self._fitted = key
        desc_width = max(8, width - LEVEL_NAME_WIDTH - 2)
        longest = max(_lines(ind.text, width) for ind in element.indicators)  # decided per element
        # head, statement, answer and comment lines with their margins, then the five anchors
        anchors = max(
            (self.survey.anchors_for(ind.id) for ind in element.indicators),
            key=lambda a: sum(_lines(d, desc_width) for d in a),
        )
        need = 6 + longest + sum(_lines(d, desc_width) for d in anchors)
        compact = need > height
        if compact != self.has_class("compact"):  # restyling the screen costs ~30 ms: only on a change
            self.set_class(compact, "compact")
        # compact: each level's name starts its description, which wraps in full over the panel's width
        # (what still does not fit scrolls; the level under the up/down cursor is kept in view)
        self.query_one(LevelPicker).set_inline(compact and not narrow)

    # -- state ----------------------------------------------------------------------------------------

    @property
    def indicator(self) -> Indicator:
        return self.indicators[self.index]

    def is_answered(self, indicator_id: str) -> bool:
        row = self.answers.get(indicator_id)
        return row is not None and row.status is not None

    def answered_count(self) -> int:
        return sum(1 for ind in self.indicators if self.is_answered(ind.id))

    def first_unanswered(self) -> int:
        """Index of the first statement without an answer (0 when all are answered)."""
        for index, ind in enumerate(self.indicators):
            if not self.is_answered(ind.id):
                return index
        return 0

    def show(self) -> None:
        """Redraw everything from the current statement and answers."""
        self._draw()
        self._fit()

    def _draw(self) -> None:
        indicator = self.indicator
        element = self.survey.element(indicator.element_id)
        assert element is not None
        position = next(i for i, ind in enumerate(element.indicators, 1) if ind.id == indicator.id)
        answered = {
            e.id: sum(1 for ind in e.indicators if self.is_answered(ind.id)) for e in self.survey.elements
        }
        self.query_one(ElementProgress).show(answered, element.id)
        count = self.answered_count()
        total = len(self.indicators)
        self.query_one(AnswerProgress).update(total=total, progress=count)
        self._update("#survey-count", f"{count}/{total}")

        head = Text()
        head.append(indicator.id, style="bold reverse")
        head.append(f"  {element.name}", style="bold")
        head.append(f"  {position}/{len(element.indicators)}")
        self._update("#statement-head", head)
        self._update("#statement-text", indicator.text)

        row = self.answers.get(indicator.id)
        value = row.value if row is not None else None
        status = row.status if row is not None else None
        anchors = self.survey.anchors_for(indicator.id)  # the statement's own, the survey's scale, or the element's
        self.query_one(LevelPicker).show(anchors, value if status == RATED else None, self.looking)
        answer = Text("Answer: ", style="bold")
        answer.append(fmt.answer_label(value, status), style="bold" if status else "italic")
        for key, label, this_status in (("n", "N/A", NOT_APPLICABLE), ("u", "unknown", UNKNOWN)):
            answer.append(f"  {key} ", style="bold")
            answer.append(label, style="bold reverse" if status == this_status else "")
        self._update("#statement-answer", answer)
        comment = row.comment if row is not None else None
        self._update(
            "#statement-comment", f"Comment: {comment}" if comment else "Comment: none (c to add one)"
        )
        if self._shown_index != self.index:
            self._shown_index = self.index
            self.query_one(StatementPanel).scroll_home(animate=False)

    def _update(self, selector: str, content: str | Text) -> None:
        """Update a Static only when its content changes (every update costs a layout pass)."""
        if self._shown.get(selector) != content:
            self._shown[selector] = content
            self.query_one(selector, Static).update(content)

    # -- answering ------------------------------------------------------------------------------------

    def _save(self, value: int | None, status: str) -> None:
        from kamtui.service.healthcheck import save_answer

        indicator = self.indicator
        save_answer(self.kam.store, self.respondent_id, indicator.id, value, status)
        previous = self.answers.get(indicator.id)
        self.answers[indicator.id] = AnswerRow(
            self.respondent,
            self.role,
            indicator.id,
            value if status == RATED else None,
            status,
            previous.comment if previous is not None else None,
        )
        if self.index < len(self.indicators) - 1:
            self.index += 1
        self.looking = None
        self.show()
        if not self._complete_told and self.answered_count() == len(self.indicators):
            self._complete_told = True
            self.notify(f"All {len(self.indicators)} statements answered. Press r for the results.")

    def action_answer(self, level: int) -> None:
        self._save(level, RATED)

    def action_look(self, step: int) -> None:
        """Move the level cursor (its description is shown in full even in compact mode)."""
        if self.looking is None:
            row = self.answers.get(self.indicator.id)
            current = row.value if row is not None and row.status == RATED else None
            self.looking = current if current is not None else (1 if step > 0 else len(LEVELS))
            if current is None:
                self._draw()
                self._show_looked()
                return
        self.looking = max(1, min(len(LEVELS), self.looking + step))
        self._draw()
        self._show_looked()

    def _show_looked(self) -> None:
        rows = [row for row in self.query(LevelRow) if row.level == self.looking]
        if rows:
            self.query_one(StatementPanel).scroll_to_widget(rows[0], animate=False)

    def action_answer_looked(self) -> None:
        if self.looking is not None:
            self._save(self.looking, RATED)

    def action_not_applicable(self) -> None:
        self._save(None, NOT_APPLICABLE)

    def action_unknown(self) -> None:
        self._save(None, UNKNOWN)

    @on(LevelPicker.Picked)
    @guarded
    def _level_clicked(self, event: LevelPicker.Picked) -> None:
        self._save(event.level, RATED)

    def action_comment(self) -> None:
        from kamtui.tui.screens.comment import CommentModal

        indicator = self.indicator
        row = self.answers.get(indicator.id)
        self.app.push_screen(
            CommentModal(indicator.id, indicator.text, row.comment if row else None),
            lambda text: self._comment_given(indicator.id, text),
        )

    @guarded
    def _comment_given(self, indicator_id: str, text: str | None) -> None:
        from kamtui.service.healthcheck import save_comment

        if text is None:
            return
        save_comment(self.kam.store, self.respondent_id, indicator_id, text)
        row = self.answers.get(indicator_id)
        comment = text.strip() or None
        if row is None:
            row = AnswerRow(self.respondent, self.role, indicator_id, None, None, comment)
        else:
            row = AnswerRow(row.respondent, row.role, row.indicator, row.value, row.status, comment)
        self.answers[indicator_id] = row
        self.show()

    # -- moving ---------------------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        self.index = max(0, min(len(self.indicators) - 1, index))
        self.looking = None
        self.show()

    def action_previous(self) -> None:
        self._go(self.index - 1)

    def action_next(self) -> None:
        self._go(self.index + 1)

    def _element_start(self, element_id: str) -> int:
        return next(i for i, ind in enumerate(self.indicators) if ind.element_id == element_id)

    def _jump_element(self, step: int) -> None:
        ids = [e.id for e in self.survey.elements]
        position = ids.index(self.indicator.element_id) + step
        if 0 <= position < len(ids):
            self._go(self._element_start(ids[position]))

    def action_previous_element(self) -> None:
        self._jump_element(-1)

    def action_next_element(self) -> None:
        self._jump_element(+1)

    def action_first_unanswered(self) -> None:
        self._go(self.first_unanswered())

    @on(ElementProgress.Chosen)
    def _element_clicked(self, event: ElementProgress.Chosen) -> None:
        element = self.survey.element(event.element_id)
        if element is None:
            return
        for ind in element.indicators:
            if not self.is_answered(ind.id):
                self._go(self.indicators.index(ind))
                return
        self._go(self._element_start(element.id))

    def action_results(self) -> None:
        self.kam.open_results(self.assessment.id)

    def action_back(self) -> None:
        self.app.pop_screen()
