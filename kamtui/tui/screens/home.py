"""Home: the healthcheck assessments, and a summary of the account-selection data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from kamtui.tui import format as fmt
from kamtui.tui.errors import call_ui, guarded, reported
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.screens.home_forms import FormsActions
from kamtui.tui.widgets.account_summary import AccountSummary

if TYPE_CHECKING:  # the service loads in the rows' worker, not before the first frame (startup)
    from kamtui.service.healthcheck import AssessmentRow


@dataclass(frozen=True)
class HomeData:
    """What Home shows: the assessments, and the account-selection counts."""

    rows: list[AssessmentRow]
    accounts: int
    runs: int


def load_home(db) -> HomeData:
    """Every assessment with progress and overall, and the selection counts (runs in a worker thread)."""
    from kamtui.service import accounts
    from kamtui.service.healthcheck import assessment_rows

    return HomeData(assessment_rows(db), accounts.count(db), accounts.count_runs(db))


def level_text(row: AssessmentRow) -> str:
    return fmt.score_and_level(row.overall)


class RowTable(DataTable):
    """A row-cursor table where Home and End go to the first and last row (the stock table scrolls
    sideways with them, which does nothing when it fits); ← → still scroll sideways."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_home", "First row", show=False),
        Binding("end", "scroll_end", "Last row", show=False),
    ]

    def action_scroll_home(self) -> None:
        if self.cursor_type == "row":
            self.action_scroll_top()
        else:
            super().action_scroll_home()

    def action_scroll_end(self) -> None:
        if self.cursor_type == "row":
            self.action_scroll_bottom()
        else:
            super().action_scroll_end()


SHARED = ("programme", "survey")  # columns left empty (width 0) when every row has the same value
TITLE_CAP = 48  # the title column never takes more than this (its longest title, if shorter)

COLUMNS = (
    ("id", "#"),
    ("title", "Title"),
    ("programme", "Programme"),
    ("survey", "Survey"),
    ("respondents", "Resp."),
    ("progress", "Progress"),
    ("rated", "Rated"),
    ("overall", "Overall"),
)


class HomeScreen(FormsActions, KamScreen):
    HELP_TITLE = "Assessments"
    HELP_TEXT = """
The healthcheck assessments stored in this database. An assessment is one survey of a KAM programme,
answered by one person or a whole workshop.

Columns: Resp. = respondents registered (with or without answers); Progress = share of the possible
answers (respondents x statements) given, na and unknown counting as answered; Rated = share that carry a
level, the answers that count toward scores (Results says the same: "progress" and "rated"); Overall =
mean of the element scores and its maturity level.

c compares assessments side by side (several business units or regions that took the same survey).

f writes one answer form (an Excel workbook) per person for the highlighted assessment, for people who
answer offline; i collects the returned forms from a folder, showing what will be written before it is.

Open an assessment to answer it (you pick or add the respondent first), or look at its results.
Below: how many candidate accounts and selection runs the database holds.
"""
    PALETTE = (
        ("New assessment", "Create a healthcheck assessment (n)", "new_assessment"),
        ("Open assessment", "Answer the highlighted assessment (Enter or o)", "open"),
        (
            "Results",
            "Scores, agreement, gaps, trend and prescription of the highlighted assessment (r)",
            "results",
        ),
        ("Delete assessment", "Delete the highlighted assessment with its answers (d)", "delete"),
        ("Write answer forms", "One Excel form per person for the highlighted assessment (f)", "write_forms"),
        ("Collect answer forms", "Read returned forms, with a preview before writing (i)", "collect_forms"),
        (
            "Compare assessments",
            "Assessments side by side: elements x assessments, levels, differences (c)",
            "compare",
        ),
    )  # the account-selection screens (a, w, k, p) come from the app's palette commands
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_assessment", "New"),
        Binding("o", "open", "Open", key_display="Enter/o"),
        Binding("r", "results", "Results"),
        Binding("d", "delete", "Delete"),
        Binding("c", "compare", "Compare", id="kam.home.compare"),
        Binding("f", "write_forms", "Forms", show=False, id="kam.home.forms"),
        Binding("i", "collect_forms", "Collect forms", show=False, id="kam.home.collect"),
        Binding("a", "app.accounts", "Accounts", show=False, id="kam.home.accounts"),
        Binding("w", "app.weights", "Weights", show=False, id="kam.home.weights"),
        Binding("k", "app.ranking", "Ranking", show=False, id="kam.home.ranking"),
        Binding("p", "app.portfolio", "Portfolio", show=False, id="kam.home.portfolio"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AssessmentRow] = []
        self._want_cursor: int | None = None
        self._filled_for: tuple[object, bool] | None = None  # see _relayout

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield Static("Healthcheck assessments", classes="section-title", id="home-title")
            table: DataTable = RowTable(id="assessments", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static("", id="home-empty")
            yield AccountSummary(id="account-summary", classes="panel")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Assessments")
        table = self.query_one("#assessments", DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        table.focus()

    def on_resize(self) -> None:
        if self.rows:
            self.call_after_refresh(self._relayout)

    def _relayout(self) -> None:
        """Fill the table again for a new terminal size, once per size: filling it can add or remove its
        scrollbar or wrap the title line, which resizes the table again; measuring the table on every such
        resize never settled (a resize loop that hung the screen)."""
        table = self.query_one("#assessments", DataTable)
        if self._filled_for == self._fill_key(table):
            return
        shown = {key.value: column.content_width for key, column in table.columns.items()}
        if self.rows and self._widths(self.rows) != shown:
            summary = self.query_one(AccountSummary)
            self.show_rows(self.rows, summary.accounts, summary.runs)

    def _fill_key(self, table: DataTable) -> tuple[object, bool]:
        """What a fill of the table was measured for: the terminal's size, and whether the table was laid
        out (its first fill, before layout, is measured on the terminal's size and done again once)."""
        return (self.app.size, bool(table.size.width))

    @staticmethod
    def _shared(rows: list[AssessmentRow], key: str) -> str | None:
        """The value every row has in column ``key`` (programme or survey), or None when they differ."""
        values = {(r.summary.programme or "") if key == "programme" else r.summary.survey_id for r in rows}
        return values.pop() if len(values) == 1 else None

    def _widths(self, rows: list[AssessmentRow]) -> dict[str, int]:
        """Column widths: the numbers and the overall level whole; a programme or survey that every row
        shares is said once above the table (its column left empty); the title comes first, then the
        programme, then the survey share what is left."""
        table = self.query_one("#assessments", DataTable)
        widths = {
            "id": max([1, *(len(str(r.summary.id)) for r in rows)]),
            "respondents": 5,
            "progress": 8,
            "rated": 5,
            "overall": max([7, *(len(level_text(r)) for r in rows)]),
        }
        visible = (table.size.height or self.app.size.height - 10) - 1  # rows below the header
        scrollbar = 2 if len(rows) > visible else 0
        body = self.query_one("#home-body").styles.gutter.width  # its padding: wider in the projector theme
        room = (table.size.width or self.app.size.width - body) - scrollbar - 2 * len(COLUMNS)
        free = max(12, room - sum(widths.values()))  # title, programme and survey share it
        shared = {key: len(rows) > 1 and self._shared(rows, key) is not None for key in SHARED}
        survey_need = max([6, *(len(r.summary.survey_id) for r in rows)])
        programme_need = max([9, *(len(r.summary.programme or fmt.DASH) for r in rows)])
        title_need = min(TITLE_CAP, max([5, *(len(r.summary.title) for r in rows)]))
        survey_w = 0 if shared["survey"] else min(survey_need, max(6, free // 5))
        programme_w = 0 if shared["programme"] else min(programme_need, max(9, (free - survey_w) // 3))
        title_w = max(5, min(title_need, free - survey_w - programme_w))
        spare = free - survey_w - programme_w - title_w  # a wide window: programme, then survey, grow
        if spare > 0 and programme_w:
            grow = min(spare, programme_need - programme_w)
            programme_w, spare = programme_w + grow, spare - grow
        if spare > 0 and survey_w:
            survey_w += min(spare, survey_need - survey_w)
        return {**widths, "title": title_w, "programme": programme_w, "survey": survey_w}

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self, select: int | None = None) -> None:
        if select is not None:
            self._want_cursor = select
        if not self.rows:  # the first load shows a loading indicator; later ones update in place
            self.query_one("#assessments", DataTable).loading = True
        self.load()

    @work(thread=True, exclusive=True, group="home", exit_on_error=False)
    def load(self) -> None:
        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                data = load_home(store)
                app.call_from_thread(self.show_rows, data.rows, data.accounts, data.runs)
        finally:
            call_ui(app, self._loaded)

    def _loaded(self) -> None:
        self.loaded(self.query_one("#assessments", DataTable))
        # Repaint every line once the list is in: a browser resized while it loaded kept stale rows
        # below the footer (the terminal's old lines, which a partial update never overwrote).
        self.call_after_refresh(self.refresh, repaint=True, layout=True)

    def show_rows(self, rows: list[AssessmentRow], accounts: int, runs: int) -> None:
        table = self.query_one("#assessments", DataTable)
        current = self._want_cursor if self._want_cursor is not None else self.highlighted_id()
        self._want_cursor = None
        self.rows = rows
        widths = self._widths(rows)
        self._filled_for = self._fill_key(table)
        if not table.size.width:  # not laid out yet: measured again once it is
            self.call_after_refresh(self._relayout)
        table.clear(columns=True)
        for key, label in COLUMNS:
            table.add_column(label, key=key, width=widths.get(key))
        title_w, programme_w, survey_w = widths["title"], widths["programme"], widths["survey"]
        for row in rows:
            summary = row.summary
            table.add_row(
                Text(str(summary.id), justify="right"),
                fmt.clip(summary.title, title_w),
                fmt.clip(summary.programme or fmt.DASH, programme_w),
                fmt.clip(summary.survey_id, survey_w),
                Text(str(summary.respondents), justify="right"),
                Text(fmt.percent(summary.progress), justify="right"),
                Text(fmt.percent(summary.coverage), justify="right"),
                level_text(row),
                key=str(summary.id),
            )
        if current is not None and any(r.summary.id == current for r in rows):
            table.move_cursor(row=table.get_row_index(str(current)))
        shared = [self._shared(rows, key) if widths[key] == 0 else None for key in SHARED]
        said = [f"{key}: {value}" for key, value in zip(SHARED, shared, strict=True) if value]
        self.query_one("#home-title", Static).update(Text(" · ".join(["Healthcheck assessments", *said])))
        empty = self.query_one("#home-empty", Static)
        empty.update("" if rows else "No assessments yet: press n to create one (or run `kamtui demo`).")
        empty.display = not rows
        self.query_one(AccountSummary).show_counts(accounts, runs)
        self._show_programme()

    # -- the highlighted assessment -------------------------------------------------------------------

    def highlighted(self) -> AssessmentRow | None:
        table = self.query_one("#assessments", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        index = table.cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def highlighted_id(self) -> int | None:
        row = self.highlighted()
        return None if row is None else row.summary.id

    def _need_highlighted(self) -> AssessmentRow | None:
        row = self.highlighted()
        if row is None:
            self.notify("No assessment here yet: press n to create one.", severity="warning")
        return row

    @on(DataTable.RowHighlighted, "#assessments")
    def _show_programme(self) -> None:
        row = self.highlighted()
        self.set_header("Assessments", row.summary.programme if row else None)

    @on(DataTable.RowSelected, "#assessments")
    @guarded
    def _row_selected(self) -> None:
        self.action_open()

    # -- actions --------------------------------------------------------------------------------------

    def action_new_assessment(self) -> None:
        from kamtui.core.survey import builtin_survey_ids
        from kamtui.tui.screens.new_assessment import NewAssessmentModal

        programmes = sorted({r.summary.programme for r in self.rows if r.summary.programme})
        current = self.highlighted()
        self.app.push_screen(
            NewAssessmentModal(builtin_survey_ids(), programmes, current.summary.programme if current else None),
            self._create,
        )

    @guarded
    def _create(self, wanted) -> None:
        if wanted is None:
            return
        self.query_one("#assessments", DataTable).loading = True
        self.create(wanted)

    @work(thread=True, group="home-create", exit_on_error=False)
    def create(self, wanted) -> None:
        from kamtui.service.healthcheck import create_assessment

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                assessment_id = create_assessment(
                    store,
                    wanted.title,
                    wanted.survey_id,
                    wanted.programme,
                    anonymous=wanted.anonymous,
                    min_group=wanted.min_group,
                )
                app.call_from_thread(self._created, assessment_id)
        finally:
            call_ui(app, self._loaded)

    def _created(self, assessment_id: int) -> None:
        self._want_cursor = assessment_id
        self.notify(f"Assessment {assessment_id} created. Who is answering?")
        self._open(assessment_id)

    def action_open(self) -> None:
        row = self._need_highlighted()
        if row is not None:
            self._open(row.summary.id)

    def _open(self, assessment_id: int) -> None:
        from kamtui.tui.screens.respondents import RespondentScreen

        self._want_cursor = assessment_id
        self.app.push_screen(RespondentScreen(assessment_id))

    def action_results(self) -> None:
        row = self._need_highlighted()
        if row is not None:
            self._want_cursor = row.summary.id
            self.kam.open_results(row.summary.id)

    def action_compare(self) -> None:
        """Choose assessments (the highlighted one ticked) and set them side by side."""
        from kamtui.tui.screens.compare_programmes import choose_and_compare

        choose_and_compare(self, self.highlighted_id())

    def action_delete(self) -> None:
        from kamtui.tui.screens.confirm import ConfirmModal

        found = self._need_highlighted()
        if found is None:
            return
        row = found.summary
        people = f"{row.respondents} respondent{'' if row.respondents == 1 else 's'}"
        message = (
            f"Delete assessment {row.id} “{row.title}” with its {people} and all "
            "their answers? This cannot be undone."
        )

        @guarded
        def done(screen: HomeScreen, confirmed: bool | None) -> None:
            if confirmed:
                from kamtui.service.healthcheck import delete_assessment

                delete_assessment(screen.kam.store, row.id)
                screen.notify(f"Assessment {row.id} deleted.")
                screen.reload()

        self.app.push_screen(ConfirmModal("Delete assessment?", message), lambda ok: done(self, ok))
