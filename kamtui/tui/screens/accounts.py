"""The accounts matrix: candidate accounts by criteria, edited in place, every edit committed at once."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Static

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.errors import InvalidValueError
from kamtui.store.accounts import AccountRecord
from kamtui.tui.errors import call_ui, guarded, reported
from kamtui.tui.format import DASH, clip
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.screens.selection_dialogs import ValueModal
from kamtui.tui.screens.selection_state import session_for

FIXED = ("account", "owner", "effort", "coverage")
MISSING = "missing"


def coverage_of(record: AccountRecord, criteria: CriteriaSet, points: dict[str, float]) -> float:
    total = sum(points.values())
    present = sum(points[c.id] for c in criteria.criteria if c.id in record.values)
    return present / total if total > 0 else 0.0


def value_text(value: float | None, criterion: Criterion) -> Text:
    if value is None:
        return Text(MISSING, style="italic dim", justify="right")
    label = criterion.label_for(value)
    shown = f"{value:,.0f}" if abs(value) >= 10000 else f"{value:g}"
    return Text(f"{shown} {clip(label, 6)}" if label else shown, justify="right")


def parse_effort(text: str) -> float | None:
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise InvalidValueError(f"effort is a number of FTE >= 0, not '{text.strip()}'") from None
    if not (0 <= value < float("inf")):
        raise InvalidValueError(f"effort is a number of FTE >= 0, not '{text.strip()}'")
    return value


def parse_name(text: str) -> str:
    name = text.strip()
    if not name:
        raise InvalidValueError("an account needs a name")
    return name


class AccountsScreen(KamScreen):
    HELP_TITLE = "Accounts"
    HELP_TEXT = """
The candidate accounts, one row each, by the criteria of the active set, plus the owner (the KAM), the
effort the account needs (FTE) and its coverage (share of the weight for which it has a value; below
50% it is never selected automatically). Missing values are marked "missing".

Enter (or e) edits the highlighted cell: a value is checked against its criterion (a rating must lie on
its scale, a log-transformed number must be >= 0) and refused with the reason, the old value kept; an
empty value clears it. Every edit is saved at once. n adds an account, r renames, d removes (after a
confirmation), i imports a CSV or XLSX file (a preview first, or the list of its problems).
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
        self.records: dict[str, AccountRecord] = {}
        self._want: tuple[str | None, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="accounts-body"):
            yield Static("", id="accounts-title", classes="section-title")
            yield DataTable(id="accounts", cursor_type="cell", zebra_stripes=True)
            yield Static("", id="accounts-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Accounts")
        self.query_one("#accounts", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def reload(self, account: str | None = None) -> None:
        table = self.query_one("#accounts", DataTable)
        if account is not None or self._want is None:  # a pending wish (a new name) wins over the cursor
            self._want = (account if account is not None else self.current_account(), table.cursor_column)
        if not self.records:
            table.loading = True
        self.load()

    @work(thread=True, exclusive=True, group="accounts-load", exit_on_error=False)
    def load(self) -> None:
        from kamtui.ranking import effective_points, resolve_criteria
        from kamtui.store.accounts import list_accounts

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                criteria = resolve_criteria(store, None)
                points = effective_points(store, criteria)
                records = list_accounts(store)
                app.call_from_thread(self.show_accounts, criteria, points, records)
        finally:
            call_ui(app, self._loaded)

    def _loaded(self) -> None:
        self.query_one("#accounts", DataTable).loading = False

    def show_accounts(
        self, criteria: CriteriaSet, points: dict[str, float], records: list[AccountRecord]
    ) -> None:
        self.criteria = criteria
        self.points = points
        self.records = {r.name: r for r in records}
        self.set_header("Accounts", criteria.title)
        table = self.query_one("#accounts", DataTable)
        table.clear(columns=True)
        table.add_column("Account", key="account")
        table.add_column("Owner", key="owner")
        table.add_column("FTE", key="effort")
        table.add_column("Cover", key="coverage")
        for c in criteria.criteria:
            unit = f" ({c.unit})" if c.unit else ""
            table.add_column(clip(c.name, 14 - len(unit)) + unit, key=c.id)
        for record in records:
            table.add_row(*self._cells(record), key=record.name)
        missing = sum(1 for r in records for c in criteria.ids if c not in r.values)
        title = Text()
        title.append(f"{len(records)} candidate accounts", style="bold")
        title.append(f" · {len(criteria)} criteria of '{criteria.id}'")
        if missing:
            title.append(f" · {missing} values missing", style="italic")
        self.query_one("#accounts-title", Static).update(title)
        empty = self.query_one("#accounts-empty", Static)
        empty.update("" if records else "No accounts yet: n adds one, i imports a CSV or XLSX file.")
        empty.display = not records
        if self._want is not None:
            account, column = self._want
            self._want = None
            if account in self.records:
                table.move_cursor(row=table.get_row_index(account), column=column)
            elif records:
                table.move_cursor(column=column)

    def _cells(self, record: AccountRecord) -> list:
        assert self.criteria is not None
        cover = coverage_of(record, self.criteria, self.points)
        cells: list = [
            clip(record.name, 28),
            clip(record.owner or DASH, 16),
            Text(DASH if record.effort is None else f"{record.effort:g}", justify="right"),
            Text(f"{cover:.0%}", justify="right", style="bold" if cover < 0.5 else ""),
        ]
        cells += [value_text(record.values.get(c.id), c) for c in self.criteria.criteria]
        return cells

    # -- the cell under the cursor -------------------------------------------------------------------

    def current_account(self) -> str | None:
        table = self.query_one("#accounts", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0))
        return row_key.value

    def current_column(self) -> str | None:
        table = self.query_one("#accounts", DataTable)
        if not table.columns:
            return None
        _, column_key = (
            table.coordinate_to_cell_key(Coordinate(0, table.cursor_column))
            if table.row_count
            else (
                None,
                list(table.columns)[table.cursor_column],
            )
        )
        return column_key.value

    def _need_account(self) -> AccountRecord | None:
        name = self.current_account()
        if name is None or name not in self.records:
            self.notify("No account here yet: n adds one, i imports a file.", severity="warning")
            return None
        return self.records[name]

    def _refresh_row(self, name: str) -> None:
        """Re-read one account after an edit and redraw its row in place."""
        from kamtui.store.accounts import get_account

        record = get_account(self.kam.store, name)
        self.records[name] = record
        table = self.query_one("#accounts", DataTable)
        for key, cell in zip(self._column_keys(), self._cells(record), strict=True):
            table.update_cell(name, key, cell)
        session_for(self.app).generation += 1

    def _column_keys(self) -> list[str]:
        assert self.criteria is not None
        return [*FIXED, *self.criteria.ids]

    # -- actions -------------------------------------------------------------------------------------

    @on(DataTable.CellSelected, "#accounts")
    @guarded
    def _cell_selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        from kamtui.store.accounts import set_field, set_value

        record = self._need_account()
        column = self.current_column()
        if record is None or column is None or self.criteria is None:
            return
        if column == "account":
            self.action_rename()
            return
        if column == "coverage":
            self.notify("Coverage follows from the values and the weights; edit a value instead.")
            return
        name = record.name
        if column == "owner":
            title, prompt, initial = (
                f"Owner of {name}",
                "The KAM who owns the account (empty: none):",
                record.owner or "",
            )

            def check(text: str) -> str | None:
                return text.strip() or None

            def commit(value) -> None:
                set_field(self.kam.store, name, "owner", value)

        elif column == "effort":
            title, prompt = f"Effort of {name}", "KAM effort the account needs, in FTE (empty: unknown):"
            initial = "" if record.effort is None else f"{record.effort:g}"
            check = parse_effort

            def commit(value) -> None:
                set_field(self.kam.store, name, "effort", value)

        else:
            from kamtui.imports import criterion_expectation, parse_value

            criterion = self.criteria.by_id[column]
            current = record.values.get(column)
            title = f"{criterion.name} of {name}"
            prompt = f"Expected {criterion_expectation(criterion, False)} (empty: missing)."
            if criterion.labels and criterion.scale:
                lo = int(criterion.scale[0])
                prompt += " " + ", ".join(f"{lo + k} {label}" for k, label in enumerate(criterion.labels))
            initial = "" if current is None else f"{current:g}"

            def check(text: str) -> float | None:
                return parse_value(text, criterion)

            def commit(value) -> None:
                set_value(self.kam.store, name, column, value)

        @guarded
        def done(screen: AccountsScreen, result) -> None:
            if result is _CANCEL:
                return
            commit(result)
            screen._refresh_row(name)

        self.app.push_screen(
            _EditModal(
                title, prompt, initial, check, "Enter saves (empty: missing) · Esc keeps the old value"
            ),
            lambda result: done(self, result),
        )

    def action_add(self) -> None:
        @guarded
        def done(screen: AccountsScreen, name: str | None) -> None:
            if name:
                from kamtui.store.accounts import add_account

                add_account(screen.kam.store, name)
                session_for(screen.app).generation += 1
                screen.notify(f"Account '{name}' added: its values are missing until you fill them in.")
                screen.reload(name)

        self.app.push_screen(
            ValueModal("New account", "Name of the candidate account:", "", parse_name),
            lambda n: done(self, n),
        )

    def action_rename(self) -> None:
        record = self._need_account()
        if record is None:
            return
        old = record.name

        @guarded
        def done(screen: AccountsScreen, new: str | None) -> None:
            if new and new != old:
                from kamtui.store.accounts import rename_account

                rename_account(screen.kam.store, old, new)
                session = session_for(screen.app)
                session.generation += 1
                limits = session.limits
                limits.include = tuple(new if n == old else n for n in limits.include)
                limits.exclude = tuple(new if n == old else n for n in limits.exclude)
                if session.highlighted == old:
                    session.highlighted = new
                screen.notify(f"'{old}' renamed to '{new}'.")
                screen.reload(new)

        self.app.push_screen(
            ValueModal(f"Rename {old}", "New name:", old, parse_name), lambda n: done(self, n)
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
                from kamtui.store.accounts import remove_account

                remove_account(screen.kam.store, name)
                session = session_for(screen.app)
                session.generation += 1
                limits = session.limits
                limits.include = tuple(n for n in limits.include if n != name)
                limits.exclude = tuple(n for n in limits.exclude if n != name)
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
                session_for(screen.app).generation += 1
                screen.notify(f"Imported: {created} new accounts, {updated} updated.")
                screen.reload()

        self.app.push_screen(ImportModal(self.criteria, set(self.records)), lambda r: done(self, r))


class _Cancelled:
    pass


_CANCEL = _Cancelled()


class _EditModal(ValueModal):
    """A ValueModal whose empty answer (None) means "clear the value"; Escape gives _CANCEL."""

    def action_cancel(self) -> None:
        self.dismiss(_CANCEL)
