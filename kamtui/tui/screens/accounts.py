"""The accounts matrix: candidate accounts by criteria, edited in place, every edit committed at once."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from kamtui.core.accounts import AccountRecord
from kamtui.core.criteria import CriteriaSet
from kamtui.core.errors import InvalidValueError, KamError
from kamtui.tui.errors import call_ui, guarded, reported
from kamtui.tui.screens.account_rows import ATTRIBUTE, PAGE, AccountRows, matrix_columns
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.screens.selection_dialogs import ValueModal
from kamtui.tui.widgets.matrix_table import MatrixTable


def parse_name(text: str) -> str:
    """A new account name as typed: the name rule of the store (kamtui.core.names), checked as you type."""
    from kamtui.core.names import name_problem, normalise

    name = normalise(text)
    if not name:
        raise InvalidValueError("an account needs a name")
    problem = name_problem(name, "an account name")
    if problem:
        raise InvalidValueError(problem)
    return name


class AccountsScreen(KamScreen):
    HELP_TITLE = "Accounts"
    HELP_TEXT = """
The candidate accounts, one row each, by the criteria of the active set, plus the owner (the KAM), the
effort the account needs (FTE) and its coverage (share of the weight for which it has a value; below
50% it is never selected automatically). Missing values are marked "missing".

Enter (or e) edits the highlighted cell: the value opens at full precision (Enter without an edit
keeps it); a value is checked against its criterion (a rating must lie on its scale, a log-transformed
number must be >= 0) and refused with the reason, the dialog staying open and the old value kept. An
empty value clears a stored one after a confirmation (a key lost in a burst never clears a cell). Every
edit is saved at once. n adds an account, r renames (a refused name keeps the dialog open), d removes
(after a confirmation), i imports a CSV or XLSX file: how each column is read (with a mapping step when a
column was guessed), a preview of what changes, or the list of its problems. Columns after the criteria
are attributes kept from imported files (read-only here). The account name stays in view when you move
right; PageUp/PageDown move a screen at a time, Home/End to the first/last account. Only the rows on
screen are read and drawn, so 100,000 accounts open and scroll as fast as 100.
"""
    PALETTE = (
        ("Edit cell", "Edit the highlighted value (Enter or e)", "edit"),
        ("Add account", "A new candidate account (n)", "add"),
        ("Rename account", "Rename the highlighted account (r)", "rename"),
        ("Remove account", "Remove the highlighted account and its values (d)", "remove"),
        ("Import accounts", "Read accounts from a CSV or XLSX file (i)", "import_file"),
        ("Back", "Back to the previous screen (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", key_display="Enter/e", id="kam.accounts.edit"),
        Binding("n", "add", "Add", id="kam.accounts.add"),
        Binding("r", "rename", "Rename", id="kam.accounts.rename"),
        Binding("d,delete", "remove", "Remove", key_display="d", id="kam.accounts.remove"),
        Binding("i", "import_file", "Import", id="kam.accounts.import"),
        Binding("w", "app.weights", "Weights", id="kam.accounts.weights"),
        Binding("p", "app.portfolio", "Portfolio", show=False, id="kam.accounts.portfolio"),
        Binding("escape", "back", "Back", key_display="Esc", id="kam.accounts.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.criteria: CriteriaSet | None = None
        self.points: dict[str, float] = {}
        self.rows: AccountRows | None = None
        self.attribute_names: list[str] = []
        self._want: tuple[str | None, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="accounts-body"):
            yield Static("", id="accounts-title", classes="section-title")
            yield MatrixTable(id="accounts", fixed_columns=1, zebra_stripes=True)
            yield Static("", id="accounts-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Accounts")
        self.query_one("#accounts", MatrixTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def reload(self, account: str | None = None) -> None:
        table = self.query_one("#accounts", MatrixTable)
        if account is not None or self._want is None:  # a pending wish (a new name) wins over the cursor
            self._want = (account if account is not None else self.current_account(), table.cursor_column)
        if self.rows is None:
            table.loading = True
        self.load(self._want[0] if self._want else None)

    @work(thread=True, exclusive=True, group="accounts-load", exit_on_error=False)
    def load(self, want: str | None = None) -> None:
        from kamtui.service import matrix_view
        from kamtui.service.criteria import resolve_criteria
        from kamtui.service.weights import effective_points

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                criteria = resolve_criteria(store, None)
                points = effective_points(store, criteria)
                outline = matrix_view.outline(store)
                row = matrix_view.position_of(store, want) if want is not None else None
                pages = [matrix_view.page(store, criteria.ids, 0, PAGE, outline.attribute_names)]
                if row is not None and row >= PAGE:
                    start = row // PAGE * PAGE
                    pages.append(matrix_view.page(store, criteria.ids, start, PAGE, outline.attribute_names))
                app.call_from_thread(self.show_accounts, criteria, points, outline, pages, row)
        finally:
            call_ui(app, self._loaded)

    @work(thread=True, exclusive=True, group="accounts-count", exit_on_error=False)
    def count_values(self, criteria: CriteriaSet, outline) -> None:
        """After the first rows are painted: the missing values and the widest numbers (a pass over the
        scores, a fraction of a second at 100,000 accounts)."""
        from kamtui.service.matrix_view import counted

        app = self.kam
        with reported(app), app.thread_store() as store:
            app.call_from_thread(self.show_counts, counted(store, outline, criteria))

    def _loaded(self) -> None:
        self.loaded(self.query_one("#accounts", MatrixTable))

    def show_accounts(
        self, criteria: CriteriaSet, points: dict[str, float], outline, pages, row=None
    ) -> None:
        self.criteria = criteria
        self.points = points
        self.attribute_names = list(outline.attribute_names)
        self.rows = AccountRows(lambda: self.kam.store, criteria, points, outline, pages)
        self.set_header("Accounts", criteria.title)
        table = self.query_one("#accounts", MatrixTable)
        self.loaded(table)  # the rows are here: the counts that follow do not hold them back
        table.show(matrix_columns(criteria, outline), self.rows)
        self._show_title(outline)
        self.call_after_refresh(self.count_values, criteria, outline)  # the first frame first
        empty = self.query_one("#accounts-empty", Static)
        empty.update("" if outline.rows else "No accounts yet: n adds one, i imports a CSV or XLSX file.")
        empty.display = not outline.rows
        if self._want is not None:
            _, column = self._want
            self._want = None
            table.move_cursor(row=row if row is not None else None, column=column)

    def show_counts(self, outline) -> None:
        """The missing values counted and the widest numbers known: the title, and wider columns if need be."""
        if self.rows is None or self.criteria is None or outline.rows != self.rows.outline.rows:
            return
        self.rows.outline = outline
        self._show_title(outline)
        table = self.query_one("#accounts", MatrixTable)
        columns = matrix_columns(self.criteria, outline)
        if [c.width for c in columns] != [c.width for c in table.ordered_columns]:
            table.show(columns, self.rows)

    def _show_title(self, outline) -> None:
        assert self.criteria is not None
        title = Text()
        title.append(f"{outline.rows:,} accounts", style="bold")
        title.append(f" · {len(self.criteria)} criteria of '{self.criteria.id}'")
        if outline.missing:
            title.append(f" · {outline.missing:,} values missing", style="italic")
        self.query_one("#accounts-title", Static).update(title)

    # -- the cell under the cursor -------------------------------------------------------------------

    def current_account(self) -> str | None:
        return self.query_one("#accounts", MatrixTable).cursor_key

    def current_column(self) -> str | None:
        return self.query_one("#accounts", MatrixTable).cursor_column_key

    def _need_account(self) -> AccountRecord | None:
        from kamtui.service.accounts import get

        name = self.current_account()
        if name is None:
            self.notify("No account here yet: n adds one, i imports a file.", severity="warning")
            return None
        return get(self.kam.store, name)

    def _refresh_row(self, name: str) -> None:
        """After an edit: the values are read again and the rows on screen drawn again."""
        if self.rows is not None:
            self.rows.forget()
        self.query_one("#accounts", MatrixTable).invalidate()

    # -- actions -------------------------------------------------------------------------------------

    @on(MatrixTable.CellSelected, "#accounts")
    @guarded
    def _cell_selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        from kamtui.service.accounts import format_number, parse_cell, set_cell

        record = self._need_account()
        column = self.current_column()
        criteria = self.criteria
        if record is None or column is None or criteria is None:
            return
        if column == "account":
            self.action_rename()
            return
        if column == "coverage":
            self.notify("Coverage follows from the values and the weights; edit a value instead.")
            return
        if column.startswith(ATTRIBUTE):
            self.notify("Attributes are kept from imported files: import the file again to change them.")
            return
        name = record.name
        if column == "owner":
            title, prompt = f"Owner of {name}", "The KAM who owns the account (empty: none):"
            initial = record.owner or ""
        elif column == "effort":
            title, prompt = f"Effort of {name}", "KAM effort the account needs, in FTE (empty: unknown):"
            initial = "" if record.effort is None else format_number(record.effort)
        else:
            from kamtui.core.imports import criterion_expectation

            criterion = criteria.by_id[column]
            current = record.values.get(column)
            title = f"{criterion.name} of {name}"
            prompt = f"Expected {criterion_expectation(criterion, False)} (empty: missing)."
            if criterion.labels and criterion.scale:
                lo = int(criterion.scale[0])
                prompt += " " + ", ".join(f"{lo + k} {label}" for k, label in enumerate(criterion.labels))
            initial = "" if current is None else format_number(current)

        def check(text: str) -> str:
            parse_cell(criteria, column, text)  # the rule of `accounts set`: refused here with its reason
            return text

        def save(text: str) -> object:
            return set_cell(self.kam.store, criteria, name, column, text)

        clears = f"Clear the {title.split(' of ')[0].lower()} of {name} ({initial})?" if initial else None

        @guarded
        def done(screen: AccountsScreen, result) -> None:
            if result is not _CANCEL:
                screen._refresh_row(name)

        self.app.push_screen(
            _EditModal(
                title,
                prompt,
                initial,
                check,
                "Enter saves (empty: missing, after a confirmation) · Esc keeps the old value",
                apply=save,
                clears=clears,
            ),
            lambda result: done(self, result),
        )

    def action_add(self) -> None:
        from kamtui.service.accounts import add

        @guarded
        def done(screen: AccountsScreen, name: str | None) -> None:
            if name is not _CANCEL and name:
                screen.notify(f"Account '{name}' added: its values are missing until you fill them in.")
                screen.reload(name)

        self.app.push_screen(
            _EditModal(
                "New account",
                "Name of the candidate account:",
                "",
                parse_name,
                apply=lambda text: add(self.kam.store, parse_name(text)),
            ),
            lambda n: done(self, n),
        )

    def action_rename(self) -> None:
        from kamtui.service.accounts import rename

        record = self._need_account()
        if record is None:
            return
        old = record.name

        def apply(text: str) -> str:
            new = parse_name(text)
            return new if new == old else rename(self.kam.store, old, new)

        @guarded
        def done(screen: AccountsScreen, new: str | None) -> None:
            if new is not _CANCEL and new and new != old:
                screen.kam.selection.renamed(old, new)
                screen.notify(f"'{old}' renamed to '{new}'.")
                screen.reload(new)

        self.app.push_screen(
            _EditModal(f"Rename {old}", "New name:", old, parse_name, apply=apply), lambda n: done(self, n)
        )

    def action_remove(self) -> None:
        from kamtui.tui.screens.confirm import ConfirmModal

        record = self._need_account()
        if record is None:
            return
        name = record.name

        @guarded
        def done(screen: AccountsScreen, confirmed: bool | None) -> None:
            if confirmed:
                from kamtui.service.accounts import remove

                remove(screen.kam.store, name)
                screen.kam.selection.removed(name)
                screen.notify(f"Account '{name}' removed.")
                screen.reload()

        self.app.push_screen(
            ConfirmModal(
                "Remove account?",
                f"Remove '{name}' with its {len(record.values)} values? Saved runs keep their copy.",
                "Remove",
            ),
            lambda ok: done(self, ok),
        )

    def action_import_file(self) -> None:
        from kamtui.tui.screens.import_accounts import ImportModal

        if self.criteria is None:
            return

        @guarded
        def done(screen: AccountsScreen, result: tuple[int, int] | None) -> None:
            if result is not None:
                created, updated = result
                screen.notify(f"Imported: {created} new accounts, {updated} updated.")
                screen.reload()
                screen.prepare_ranking()

        self.app.push_screen(ImportModal(self.criteria), lambda r: done(self, r))

    @work(thread=True, exclusive=True, group="accounts-prepare", exit_on_error=False, description="prepare")
    def prepare_ranking(self) -> None:
        """After an import, read the value matrix once in the background so that Ranking opens from the
        derived copy (README, "Database": matrix_cache; nothing is kept for a small matrix)."""
        from kamtui.service.accounts import matrix
        from kamtui.tui.memory import give_back_memory

        app = self.kam
        criteria = self.criteria
        if criteria is None:
            return
        with reported(app), app.thread_store() as store:
            matrix(store, criteria, remember=True)
        give_back_memory()


class _Cancelled:
    pass


_CANCEL = _Cancelled()


class _EditModal(ValueModal):
    """A ValueModal that saves in place: ``apply(text)`` runs on Enter and a refusal (a KamError) is shown
    with the dialog left open and the typed text kept; an empty text that would clear a stored value
    (``clears``: the question) asks first, the dialog staying open if the answer is no. Dismisses with
    what ``apply`` returned, or _CANCEL (Escape)."""

    def __init__(
        self,
        title: str,
        prompt: str,
        initial: str,
        check,
        hint: str = "",
        *,
        apply,
        clears: str | None = None,
    ) -> None:
        super().__init__(title, prompt, initial, check, hint)
        self.apply = apply
        self.clears = clears

    def on_input_submitted(self, event) -> None:
        event.stop()
        event.prevent_default()  # ValueModal's own handler (which dismisses at once) must not run too
        text = event.value
        try:
            self.check(text)
        except KamError as error:
            self._refused(error)
            return
        if not text.strip() and self.clears:
            from kamtui.tui.screens.confirm import ConfirmModal

            def answered(confirmed: bool | None) -> None:
                if confirmed:
                    self._save("")
                else:
                    self.query_one("#value-input").focus()

            self.app.push_screen(ConfirmModal("Clear the value?", self.clears, "Clear"), answered)
            return
        self._save(text)

    def _save(self, text: str) -> None:
        try:
            result = self.apply(text)
        except KamError as error:
            self._refused(error)
            return
        self.dismiss(result)

    def _refused(self, error: KamError) -> None:
        from textual.widgets import Static

        self.query_one("#value-error", Static).update(str(error))

    def action_cancel(self) -> None:
        self.dismiss(_CANCEL)
