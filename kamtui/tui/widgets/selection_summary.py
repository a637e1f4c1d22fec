"""The Home panel "Account selection" with the keys that open the selection screens."""

from __future__ import annotations

from rich.text import Text

from kamtui.tui.widgets.account_summary import AccountSummary

KEYS = (("a", "accounts"), ("w", "weights"), ("k", "ranking"), ("p", "portfolio"))


class SelectionSummary(AccountSummary):
    """The counts of accounts and runs, then the keys: a accounts · w weights · k ranking · p portfolio."""

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
