"""WCAG 2.x contrast of every text colour the two kamtui themes use, against the background it is drawn on.

README, "Projector theme": high contrast for workshops. The rule checked (issue 20): every text colour of
the projector theme reaches 4.5:1 (WCAG AA for body text); in the default theme the body text does, and
so does text drawn on a level colour. Colours are read from kamtui/tui/themes.py (the theme definitions
and their level colours, keyed by kamtui/core/levels.py) and resolved as Textual resolves them.
"""

from __future__ import annotations

import pytest
from textual.color import Color

from kamtui.core.levels import LEVELS
from kamtui.tui.themes import KAM_THEME, LEVEL_DEFAULTS, PROJECTOR, level_colour, level_ink

AA = 4.5


def channel(value: int) -> float:
    """An sRGB channel (0-255) in linear light (WCAG 2.x relative luminance; the 0.04045 threshold of
    IEC 61966-2-1, which gives the same result as WCAG's 0.03928 for every 8-bit value)."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: Color) -> float:
    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(text: Color, background: Color) -> float:
    """(L1 + 0.05) / (L2 + 0.05), the lighter colour's luminance over the darker's."""
    light, dark = sorted((luminance(text), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_ratio_is_the_wcag_one():
    black, white = Color.parse("#000000"), Color.parse("#ffffff")
    assert contrast(black, white) == pytest.approx(21.0)
    assert contrast(white, white) == pytest.approx(1.0)
    assert contrast(Color.parse("#767676"), white) == pytest.approx(4.54, abs=0.005)  # the AA grey
    assert contrast(Color.parse("#777777"), white) == pytest.approx(4.48, abs=0.005)  # just below
    assert contrast(Color.parse("#a67c00"), white) == pytest.approx(3.82, abs=0.005)  # issue 20's yellow
    assert contrast(Color.parse("#e05a00"), white) == pytest.approx(3.73, abs=0.005)  # and orange


def resolve(variables: dict[str, str], value: str, background: Color) -> Color:
    """A theme value as drawn on ``background``: ``$name`` looked up, ``auto N%`` the contrasting text
    Textual picks, ``#rrggbb NN%`` and ``#rrggbbaa`` blended over the background."""
    value = value.strip()
    if value.startswith("$"):
        return resolve(variables, variables[value[1:]], background)
    if value.startswith("auto"):
        alpha = float(value.split()[1].rstrip("%")) / 100 if " " in value else 1.0
        return background + background.get_contrast_text(alpha)
    if " " in value:
        name, percent = value.split()
        return background + Color.parse(name).with_alpha(float(percent.rstrip("%")) / 100)
    return background + Color.parse(value)


def theme_variables(theme) -> dict[str, str]:
    variables = theme.to_color_system().generate()
    return {**LEVEL_DEFAULTS, **variables, **theme.variables}


def pairs(theme) -> list[tuple[str, str, str]]:
    """(what, text value, background value): the text colours the screens and app.tcss use."""
    levels = [f"level-{level.colour}" for level in LEVELS]
    grounds = ["background", "surface", "panel"]  # screens, tables, dialogs
    used = [
        *((f"body text on {g}", "foreground", g) for g in grounds),
        *((f"text on {g}", "text", g) for g in grounds),
        *((f"muted text on {g}", "text-muted", g) for g in grounds),  # hints, comments, notes
        *((f"titles on {g}", "text-primary", g) for g in grounds),  # .section-title, .panel-title, ...
        ("dialog errors", "text-error", "panel"),  # .dialog-error
        ("done elements", "success", "background"),  # ElementProgress
        ("footer keys", "footer-key-foreground", "footer-background"),
        ("footer descriptions", "footer-description-foreground", "footer-background"),
        ("table cursor", "block-cursor-foreground", "block-cursor-background"),
        *((f"{name} chip text", "level-ink", name) for name in levels),  # survey, heatmap, comparison
    ]
    if theme is PROJECTOR:  # level names drawn as text (the Level column of Results, means of Element)
        used += [(f"{name} text on {g}", name, g) for name in levels for g in grounds]
    return used


CASES = [(theme, *pair) for theme in (PROJECTOR, KAM_THEME) for pair in pairs(theme)]


@pytest.mark.parametrize(
    ("theme", "what", "text", "ground"), CASES, ids=[f"{c[0].name}: {c[1]}" for c in CASES]
)
def test_text_reaches_aa_contrast(theme, what, text, ground):
    variables = theme_variables(theme)
    background = resolve(variables, variables[ground], Color.parse("#000000" if theme.dark else "#ffffff"))
    ratio = contrast(resolve(variables, variables[text], background), background)
    assert ratio >= AA, f"{theme.name}: {what} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", [PROJECTOR, KAM_THEME], ids=lambda t: t.name)
def test_level_helpers_read_the_theme(theme):
    variables = theme_variables(theme)
    assert [level_colour(variables, level.number) for level in LEVELS] == [
        variables[f"level-{level.colour}"] for level in LEVELS
    ]
    assert level_ink(variables) == ("#ffffff" if theme is PROJECTOR else "#000000")


def test_the_projector_levels_are_the_ones_chosen():
    """The exact ratios on white (measured): each level colour as text, and white text on it."""
    white = Color.parse("#ffffff")
    ratios = {
        level.name: round(contrast(Color.parse(PROJECTOR.variables[f"level-{level.colour}"]), white), 2)
        for level in LEVELS
    }
    assert ratios == {
        "Ad hoc": 6.48,
        "Awareness": 6.06,
        "Repeatable": 5.85,
        "Predictable": 6.74,
        "Activating": 8.42,
    }
