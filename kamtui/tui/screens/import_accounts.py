"""Import candidate accounts from a CSV or XLSX file: pick the file, check its columns, see a preview,
then confirm.

The file's header is read first (``kamtui.service.accounts.read_columns``): when a column was guessed (a
common CRM name, a map remembered for the criteria set) or set aside, the mapping step
(:mod:`kamtui.tui.screens.import_columns`) shows how each column will be read and lets the person change
it (``m`` reaches it from the preview too). The file is then checked in full
(``kamtui.service.accounts.check_import``): either the preview of every account it would create or update,
with the values that change (old -> new), or the list of its problems (nothing is written). ``c`` reads
the numbers with a decimal comma, ``b`` keeps stored values where a cell is blank (by default a blank cell
clears the stored value). Confirming writes the whole file in one transaction and remembers the columns
the person chose.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, DirectoryTree, Input, Static

from kamtui.core.column_map import ColumnPlan, ImportPreview, extras_line, plan_columns
from kamtui.core.criteria import CriteriaSet
from kamtui.core.errors import ImportFileError, KamError
from kamtui.core.names import name_key
from kamtui.tui.errors import call_ui, guarded
from kamtui.tui.format import clip
from kamtui.tui.screens.import_columns import ColumnPickModal, column_rows, needs_review

SUFFIXES = (".csv", ".xlsx")
PREVIEW_ROWS = 200
CHANGES_SHOWN = 6  # changes listed per account in the preview


class AccountFileTree(DirectoryTree):
    """Folders and .csv/.xlsx files only (hidden entries left out)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in SUFFIXES)
        ]


class ImportModal(ModalScreen[tuple[int, int] | None]):
    """Dismisses with (created, updated) after an import, None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Import", id="kam.import.confirm"),
        Binding("p", "check", "Preview", id="kam.import.check"),
        Binding("m", "columns", "Columns", id="kam.import.columns"),
        Binding("c", "toggle_comma", "Decimal comma", id="kam.import.comma"),
        Binding("b", "toggle_blank", "Blank cells", id="kam.import.blank"),
        Binding("n", "back", "Back", id="kam.import.back"),
        Binding("escape", "cancel", "Cancel", key_display="Esc", id="kam.import.cancel"),
    ]

    def __init__(
        self, criteria: CriteriaSet, existing: set[str] | None = None, start: Path | None = None
    ) -> None:
        super().__init__()
        self.criteria = criteria
        self.existing = existing or set()
        self.start = start or Path.cwd()
        self.path: Path | None = None
        self.table = None
        self.remembered: dict[str, str] = {}
        self.plan: ColumnPlan | None = None
        self.maps: dict[
            str, tuple[str, str]
        ] = {}  # the person's choices: name_key(column) -> (column, target)
        self.decimal_comma = False
        self.keep_blank = False
        self.checked: ImportPreview | None = None
        self.problems: tuple = ()
        self.stage = "pick"  # pick -> columns -> preview | problems
        self._generation = 0

    @property
    def updates(self):
        return None if self.checked is None else self.checked.imported.updates

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="dialog"):
            yield Static("Import accounts (CSV or XLSX)", classes="dialog-title")
            with Vertical(id="import-pick"):
                yield Input(placeholder="path to a .csv or .xlsx file, then Enter", id="import-path")
                yield AccountFileTree(self.start, id="import-tree")
            with Vertical(id="import-columns"):
                yield Static("", id="import-columns-summary")
                yield DataTable(id="import-columns-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="import-preview"):
                yield Static("", id="import-summary")
                yield DataTable(id="import-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="import-problems"):
                yield Static("", id="import-problem-list", markup=False)
            yield Static("", id="import-options", classes="dialog-hint")
            yield Static("", id="import-status", classes="dialog-hint")

    def on_mount(self) -> None:
        self._stage("pick")
        self.query_one("#import-path", Input).focus()

    def _stage(self, stage: str) -> None:
        self.stage = stage
        for name in ("pick", "columns", "preview", "problems"):
            self.query_one(f"#import-{name}").display = stage == name
        hints = {
            "pick": "Type a path and Enter, or choose a file in the tree · Esc cancels",
            "columns": "Enter changes how the highlighted column is read · p checks the file · n picks "
            "another file · Esc cancels",
            "preview": "y imports the whole file · m changes the columns · n picks another file · Esc cancels",
            "problems": "m changes the columns · n picks another file · Esc cancels",
        }
        self.query_one("#import-status", Static).update(hints[stage])
        self._show_options()

    def _show_options(self) -> None:
        options = self.query_one("#import-options", Static)
        if self.stage == "pick":
            options.update("")
            return
        comma = "decimal comma (4.200,50)" if self.decimal_comma else "decimal point (4200.50)"
        blank = "keep the stored value" if self.keep_blank else "clear the stored value"
        options.update(f"c: numbers read with a {comma} · b: a blank cell will {blank}")

    # -- picking -------------------------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.read_file(Path(event.value.strip()).expanduser())

    @on(DirectoryTree.FileSelected, "#import-tree")
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#import-path", Input).value = str(event.path)
        self.read_file(event.path)

    def read_file(self, path: Path) -> None:
        """Read ``path``'s columns in a worker, then show the mapping step or check the file."""
        self.path = path
        self.maps = {}
        self.table = self.plan = self.checked = None
        self.query_one("#import-status", Static).update(f"Reading {path.name}…")
        self._read(path)

    @work(thread=True, exclusive=True, group="import-read", exit_on_error=False)
    def _read(self, path: Path) -> None:
        from kamtui.service.accounts import read_columns

        app = self.app
        try:
            with app.thread_store() as store:
                table, plan, remembered = read_columns(store, self.criteria, path)
        except KamError as error:
            call_ui(app, self._show_problems, error)
        except Exception as error:  # an unreadable file is the user's problem, not a crash
            call_ui(app, app.report_error, error)
            call_ui(app, self._stage, "pick")
        else:
            call_ui(app, self._columns_read, table, plan, remembered)

    def _columns_read(self, table, plan: ColumnPlan, remembered: dict[str, str]) -> None:
        self.table, self.plan, self.remembered = table, plan, remembered
        if needs_review(plan):
            self._show_columns()
        else:
            self.action_check()

    # -- the mapping step ----------------------------------------------------------------------------

    def _replan(self) -> None:
        assert self.table is not None
        self.plan = plan_columns(self.table.header, self.criteria, maps=self.maps, remembered=self.remembered)

    def _show_columns(self, keep_row: int = 0) -> None:
        assert self.plan is not None and self.table is not None
        table = self.query_one("#import-columns-table", DataTable)
        table.clear(columns=True)
        for label in ("File column", "Read as", "Because", "First values"):
            table.add_column(label)
        for row in column_rows(self.plan, self.table, self.criteria):
            table.add_row(*row)
        summary = Text()
        summary.append(
            f"{self.path.name if self.path else ''}: {len(self.plan.choices)} columns", style="bold"
        )
        summary.append(f" · {len(self.table.rows)} rows")
        if self.plan.problems:
            summary.append(" · " + "; ".join(message for _, message in self.plan.problems), style="bold red")
        self.query_one("#import-columns-summary", Static).update(summary)
        self._stage("columns")
        if table.row_count:
            table.move_cursor(row=min(keep_row, table.row_count - 1))
        table.focus()

    @on(DataTable.RowSelected, "#import-columns-table")
    def _change_column(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.plan is None:
            return
        row = event.cursor_row
        choice = self.plan.choices[row]
        if not choice.header:
            self.notify("A column without a name cannot be read: give it a name in the file.")
            return

        def chosen(target: str | None) -> None:
            if target is None or target == choice.target:
                return
            self.maps[name_key(choice.header)] = (choice.header, target)
            self._replan()
            self._show_columns(keep_row=row)

        self.app.push_screen(ColumnPickModal(choice.header, choice.target, self.criteria), chosen)

    def action_columns(self) -> None:
        if self.stage in ("preview", "problems") and self.plan is not None and self.table is not None:
            self._show_columns()

    # -- checking ------------------------------------------------------------------------------------

    def action_check(self) -> None:
        if self.table is None or self.plan is None:
            return
        self._generation += 1
        self.query_one("#import-status", Static).update("Checking the file…")
        self._check(self._generation, dict(self.maps), self.decimal_comma, self.keep_blank)

    @work(thread=True, exclusive=True, group="import-check", exit_on_error=False)
    def _check(self, generation: int, maps: dict, decimal_comma: bool, keep_blank: bool) -> None:
        from kamtui.service.accounts import check_import

        app = self.app
        try:
            with app.thread_store() as store:
                checked = check_import(
                    store,
                    self.criteria,
                    self.table,
                    maps=maps,
                    decimal_comma=decimal_comma,
                    keep_blank=keep_blank,
                )
        except KamError as error:
            call_ui(app, self._checked_failed, generation, error)
        except Exception as error:
            call_ui(app, app.report_error, error)
        else:
            call_ui(app, self._show_preview, generation, checked)

    def _checked_failed(self, generation: int, error: KamError) -> None:
        if generation == self._generation:
            self._show_problems(error)

    def _show_problems(self, error: KamError) -> None:
        self.checked = None
        self.problems = error.problems if isinstance(error, ImportFileError) else ()
        lines = str(error).splitlines()
        text = Text()
        text.append(lines[0] + "\n", style="bold")
        for line in lines[1:]:
            text.append(f"• {line}\n")
        if "decimal-comma option" in str(error):
            flip = "a decimal point" if self.decimal_comma else "a decimal comma"
            text.append(f"\nc reads the numbers with {flip} and checks the file again.\n", style="bold")
        if self.plan is not None and (extras := extras_line(self.plan)):
            text.append(f"\nColumns: {extras} (m changes how columns are read)\n")
        self.query_one("#import-problem-list", Static).update(text)
        self._stage("problems")
        self.query_one("#import-problems").focus()

    def _show_preview(self, generation: int, checked: ImportPreview) -> None:
        if generation != self._generation:
            return
        self.checked = checked
        self.plan = checked.imported.plan
        summary = Text()
        count = len(checked.rows)
        summary.append(f"{self.path.name if self.path else ''}: {count} accounts", style="bold")
        summary.append(f" · {checked.created} new, {checked.updated} updated")
        if checked.updated:
            summary.append(f" ({checked.changed} with changes)")
        if count > PREVIEW_ROWS:
            summary.append(f" · first {PREVIEW_ROWS} shown", style="dim")
        if checked.clears:
            summary.append(
                f"\n{checked.clears} stored values are cleared by blank cells (b keeps them)", style="bold"
            )
        elif self.keep_blank:
            summary.append("\nblank cells keep the stored values")
        if extras := checked.imported.extras:
            summary.append(f"\n{extras}", style="dim")
        self.query_one("#import-summary", Static).update(summary)
        table = self.query_one("#import-table", DataTable)
        table.clear(columns=True)
        table.add_column("", key="status")
        table.add_column("Account", key="account")
        table.add_column("Values (updated accounts: stored -> in the file)", key="changes")
        imported = checked.imported
        for row, update, attrs in zip(
            checked.rows[:PREVIEW_ROWS], imported.updates, imported.attributes, strict=False
        ):
            if row.new:
                status, changes = "new", _new_values(update, attrs)
            else:
                status = "upd" if row.changes else "same"
                changes = _changes(row.changes)
            table.add_row(status, clip(row.account, 28), changes)
        self._stage("preview")
        table.focus()

    # -- keys ----------------------------------------------------------------------------------------

    def action_toggle_comma(self) -> None:
        if self.stage == "pick":
            return
        self.decimal_comma = not self.decimal_comma
        self._show_options()
        if self.stage in ("preview", "problems"):
            self.action_check()

    def action_toggle_blank(self) -> None:
        if self.stage == "pick":
            return
        self.keep_blank = not self.keep_blank
        self._show_options()
        if self.stage in ("preview", "problems"):
            self.action_check()

    @guarded
    def action_confirm(self) -> None:
        if self.stage != "preview" or self.checked is None:
            return
        from kamtui.service.accounts import apply_import

        created, updated = apply_import(self.app.store, self.criteria, self.checked)
        self.dismiss((created, updated))

    def action_back(self) -> None:
        if self.stage == "pick":
            return
        self.checked = None
        self.table = self.plan = None
        self._stage("pick")
        self.query_one("#import-path", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


def _changes(changes) -> Text:
    text = Text()
    for index, change in enumerate(changes[:CHANGES_SHOWN]):
        if index:
            text.append(" · ")
        text.append(f"{change.column} ")
        text.append(change.old or "—", style="dim")
        text.append(" -> ")
        if change.clears:
            text.append("cleared", style="bold red")
        else:
            text.append(change.new)
    if len(changes) > CHANGES_SHOWN:
        text.append(f" · {len(changes) - CHANGES_SHOWN} more", style="dim")
    if not changes:
        text.append("no change", style="dim")
    return text


def _new_values(update, attrs: dict) -> Text:
    from kamtui.service.accounts import format_number

    parts = [
        f"{name} {format_number(value) if isinstance(value, float) else value}"
        for name, value in [*update.fields.items(), *update.values.items(), *attrs.items()]
        if value is not None
    ]
    shown = " · ".join(parts[:CHANGES_SHOWN]) + (
        f" · {len(parts) - CHANGES_SHOWN} more" if len(parts) > CHANGES_SHOWN else ""
    )
    return Text(shown or "no values yet", style="" if parts else "dim")
