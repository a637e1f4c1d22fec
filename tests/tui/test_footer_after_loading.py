"""The footer shows the keys that work once a screen's table has its data (KamScreen.loaded).

While a table is covered by its loading indicator its own keys do not count, and Textual does not refresh
the footer when the cover goes: the footer then kept the keys of the loading moment (on Results "⏎ Element"
came and went from one run to the next). Each screen below must show, after loading, exactly the footer a
fresh composition of the same bindings gives.
"""

from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kamtui.tui.app import make_app

from .pilot_helpers import settle


def footer_actions(screen) -> list[str]:
    palette = "app.command_palette", "command_palette"  # the footer's own palette key, always there
    return [key.action for key in screen.query_one(Footer).query(FooterKey) if key.action not in palette]


def expected_actions(screen) -> list[str]:
    seen: list[str] = []
    for _, binding, _, _ in screen.active_bindings.values():
        if binding.show and binding.action not in seen:
            seen.append(binding.action)
    return seen


@pytest.mark.parametrize(
    ("keys", "screen_name"),
    [
        ((), "HomeScreen"),
        (("down", "r"), "ResultsScreen"),
        (("down", "r", "h"), "HeatmapScreen"),
        (("down", "enter"), "RespondentScreen"),
        (("down", "r", "p"), "ActionsScreen"),
    ],
)
async def test_the_footer_matches_the_keys_in_force_after_loading(demo_db, keys, screen_name):
    async with make_app(demo_db).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        screen = pilot.app.screen
        assert type(screen).__name__ == screen_name
        assert not any(w.loading for w in screen.query("*"))
        assert footer_actions(screen) == expected_actions(screen)
