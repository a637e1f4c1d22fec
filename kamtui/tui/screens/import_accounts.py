"""Import candidate accounts from a CSV or XLSX file: pick the file, see a preview, then confirm.

The file is read and checked in full first (``kamtui.imports.read_accounts``): either the preview of every
account it would create or update, or the list of its problems (nothing is written). Confirming writes the
whole file in one transaction.
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

from kamtui.core.criteria import CriteriaSet
from kamtui.core.errors import ImportFileError, KamError
from kamtui.tui.errors import call_ui, guarded
from kamtui.tui.format import DASH, clip

SUFFIXES = (".csv", ".xlsx")
PREVIEW_ROWS = 200


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
        Binding("n", "back", "Back", id="kam.import.back"),
        Binding("escape", "cancel", "Cancel", key_display="Esc", id="kam.import.cancel"),
    ]

    def __init__(self, criteria: CriteriaSet, existing: set[str], start: Path | None = None) -> None:
        super().__init__()
        self.criteria = criteria
        self.existing = existing
        self.start = start or Path.cwd()
        self.updates = None
        self.problems: tuple = ()
        self.path: Path | None = None
        self.stage = "pick"  # pick -> preview | problems

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="dialog"):
            yield Static("Import accounts (CSV or XLSX)", classes="dialog-title")
            with Vertical(id="import-pick"):
                yield Input(placeholder="path to a .csv or .xlsx file, then Enter", id="import-path")
                yield AccountFileTree(self.start, id="import-tree")
            with Vertical(id="import-preview"):
                yield Static("", id="import-summary")
                yield DataTable(id="import-table", cursor_type="row", zebra_stripes=True)
                yield Static(
                    "y imports the whole file · n picks another file · Esc cancels", classes="dialog-hint"
                )
            with VerticalScroll(id="import-problems"):
                yield Static("", id="import-problem-list", markup=False)
            yield Static("", id="import-status", classes="dialog-hint")

    def on_mount(self) -> None:
        self._stage("pick")
        self.query_one("#import-path", Input).focus()

    def _stage(self, stage: str) -> None:
        self.stage = stage
        self.query_one("#import-pick").display = stage == "pick"
        self.query_one("#import-preview").display = stage == "preview"
        self.query_one("#import-problems").display = stage == "problems"
        status = self.query_one("#import-status", Static)
        if stage == "pick":
            status.update("Type a path and Enter, or choose a file in the tree · Esc cancels")
        elif stage == "problems":
            status.update("n picks another file · Esc cancels")
        else:
            status.update("")

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
        """Read and check ``path`` in a worker, then show the preview or the problems."""
        self.path = path
        self.query_one("#import-status", Static).update(f"Reading {path.name}…")
        self._read(path)

    @work(thread=True, exclusive=True, group="import-read", exit_on_error=False)
    def _read(self, path: Path) -> None:
        from kamtui.imports import read_accounts

        try:
            updates = read_accounts(path, self.criteria)
        except ImportFileError as error:
            call_ui(self.app, self._show_problems, str(error).splitlines()[0], error.problems)
        except KamError as error:
            call_ui(self.app, self._show_problems, str(error), ())
        except Exception as error:  # an unreadable file is the user's problem, not a crash
            call_ui(self.app, self.app.report_error, error)
            call_ui(self.app, self._stage, "pick")
        else:
            call_ui(self.app, self._show_preview, updates)

    def _show_problems(self, head: str, problems: tuple) -> None:
        self.problems = tuple(problems)
        text = Text()
        text.append(head + "\n", style="bold")
        for problem in problems:
            text.append(
                f"• {problem.where}: {problem.message}\n" if problem.where else f"• {problem.message}\n"
            )
        self.query_one("#import-problem-list", Static).update(text)
        self._stage("problems")
        self.query_one("#import-problems").focus()

    def _show_preview(self, updates) -> None:
        self.updates = updates
        new = sum(1 for u in updates if u.name not in self.existing)
        summary = Text()
        summary.append(f"{self.path.name if self.path else ''}: {len(updates)} accounts", style="bold")
        summary.append(f" · {new} new, {len(updates) - new} updated")
        if len(updates) > PREVIEW_ROWS:
            summary.append(f" · first {PREVIEW_ROWS} shown", style="dim")
        self.query_one("#import-summary", Static).update(summary)
        table = self.query_one("#import-table", DataTable)
        table.clear(columns=True)
        fields = sorted({f for u in updates for f in u.fields})
        criteria = [c for c in self.criteria.criteria if any(c.id in u.values for u in updates)]
        table.add_column("", key="status")
        table.add_column("Account", key="account")
        for f in fields:
            table.add_column(f.capitalize(), key=f)
        for c in criteria:
            table.add_column(clip(c.name, 12), key=c.id)
        for u in updates[:PREVIEW_ROWS]:
            cells: list = ["new" if u.name not in self.existing else "upd", clip(u.name, 28)]
            cells += [_show(u.fields.get(f)) for f in fields]
            cells += [_show(u.values.get(c.id)) for c in criteria]
            table.add_row(*cells)
        self._stage("preview")
        table.focus()

    # -- keys ----------------------------------------------------------------------------------------

    @guarded
    def action_confirm(self) -> None:
        if self.stage != "preview" or self.updates is None:
            return
        from kamtui.store.accounts import apply_updates

        created, updated = apply_updates(self.app.store, self.updates)
        self.dismiss((created, updated))

    def action_back(self) -> None:
        if self.stage == "pick":
            return
        self.updates = None
        self._stage("pick")
        self.query_one("#import-path", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


def _show(value: object) -> str:
    if value is None:
        return DASH
    if isinstance(value, float):
        return f"{value:g}"
    return clip(str(value), 20)
