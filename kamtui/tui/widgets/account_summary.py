"""The "Account selection" panel of the home screen: how many accounts and selection runs are stored."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

# The keys on Home that open the selection screens, shown in the panel.
KEYS = (("a", "accounts"), ("w", "weights"), ("k", "ranking"), ("p", "portfolio"))


class AccountSummary(Static):
    """Shows the counts of the ``accounts`` and ``runs`` tables (None: still counting)."""

    DEFAULT_CSS = """
    AccountSummary {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.accounts: int | None = None
        self.runs: int | None = None

    def on_mount(self) -> None:
        self.show_counts(None, None)

    def show_counts(self, accounts: int | None, runs: int | None) -> None:
        self.accounts, self.runs = accounts, runs
        text = Text()
        text.append("Account selection  ", style="bold")
        if accounts is None or runs is None:
            text.append("counting…")
        else:
            text.append(f"{accounts} account{'s' if accounts != 1 else ''}")
            text.append(" · ")
            text.append(f"{runs} selection run{'s' if runs != 1 else ''}")
        text.append("   ")
        for position, (key, label) in enumerate(KEYS):
            if position:
                text.append(" · ", style="dim")
            text.append(key, style="bold")
            text.append(f" {label}", style="dim")
        self.update(text)
