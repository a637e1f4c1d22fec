"""The account-selection screens as one tuple (the app swaps between them instead of stacking them)."""

from __future__ import annotations

from kamtui.tui.screens.accounts import AccountsScreen
from kamtui.tui.screens.portfolio import PortfolioScreen
from kamtui.tui.screens.selection import SelectionScreen

SELECTION_SCREENS = (AccountsScreen, SelectionScreen, PortfolioScreen)
