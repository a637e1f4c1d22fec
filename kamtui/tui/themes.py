"""The two kamtui themes and the mapping of level colour keys (``kamtui.core.levels``) to theme colours.

``kam`` is the everyday dark theme. ``kam-projector`` is for workshops: black on white, saturated level
colours that survive a washed-out beamer, and (with the ``projector`` CSS class the app sets) larger
spacing and heavy borders instead of thin lines.

Each theme defines the CSS variables ``$level-red`` ... ``$level-blue``, ``$level-ink`` (text on a level
colour) and ``$bar-track``; themes that do not (any built-in Textual theme picked from the palette) fall
back to :data:`LEVEL_DEFAULTS`. Every text colour reaches the WCAG AA contrast of 4.5:1 on its background
in the projector theme (README, "Projector theme"; checked by tests/unit/test_contrast.py): there the
level colours are dark enough to be read as text on white and to carry white text.
"""

from __future__ import annotations

from textual.theme import Theme

from kamtui.core.levels import LEVELS

DEFAULT_THEME = "kam"
PROJECTOR_THEME = "kam-projector"
PROJECTOR_CLASS = "projector"

LEVEL_KEYS = tuple(level.colour for level in LEVELS)  # red, orange, yellow, green, blue

LEVEL_DEFAULTS: dict[str, str] = {
    "level-red": "#e5534b",
    "level-orange": "#ec8b3a",
    "level-yellow": "#d4b93c",
    "level-green": "#57ab5a",
    "level-blue": "#539bf5",
    "level-ink": "#000000",
    "bar-track": "#3a3f45",
}

KAM_THEME = Theme(
    name=DEFAULT_THEME,
    primary="#0178D4",
    secondary="#004578",
    accent="#ffa62b",
    warning="#ffa62b",
    error="#ba3c5b",
    success="#4EBF71",
    foreground="#e0e0e0",
    dark=True,
    variables={
        **LEVEL_DEFAULTS,
        "block-cursor-background": "#0061ad",  # the primary blue, dark enough for its text (5.2:1)
    },
)

PROJECTOR = Theme(
    name=PROJECTOR_THEME,
    primary="#0033b3",
    secondary="#00246b",
    accent="#b34700",
    warning="#a85a00",
    error="#c00000",
    success="#006b1a",
    foreground="#000000",
    background="#ffffff",
    surface="#ffffff",
    panel="#e6e6e6",
    dark=False,
    luminosity_spread=0.08,
    text_alpha=1.0,
    variables={
        "level-red": "#c00000",
        "level-orange": "#a84300",
        "level-yellow": "#806000",
        "level-green": "#006b1a",
        "level-blue": "#0040c0",
        "level-ink": "#ffffff",
        "bar-track": "#d0d0d0",
        "block-cursor-background": "#0033b3",
        "block-cursor-foreground": "#ffffff",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#0033b3 40%",
        "block-hover-background": "#0033b3 15%",
        "footer-key-foreground": "#0033b3",
        "footer-description-foreground": "#000000",
        "footer-background": "#e6e6e6",
        "input-cursor-background": "#000000",
        "input-selection-background": "#0033b3 35%",
        "scrollbar": "#606060",
        "scrollbar-hover": "#303030",
        "scrollbar-active": "#000000",
        "scrollbar-background": "#e6e6e6",
    },
)

THEMES = (KAM_THEME, PROJECTOR)


def level_colour(variables: dict[str, str], level: int | None) -> str:
    """The theme's colour for a maturity level (1-5), as a ``#rrggbb`` string; grey for no level."""
    if level is None or not 1 <= level <= len(LEVEL_KEYS):
        return variables.get("bar-track", LEVEL_DEFAULTS["bar-track"])
    key = f"level-{LEVEL_KEYS[level - 1]}"
    return variables.get(key, LEVEL_DEFAULTS[key])


def level_ink(variables: dict[str, str]) -> str:
    """The theme's colour for text on a level colour (black on the default's light ones, white on the
    projector's dark ones)."""
    return variables.get("level-ink", LEVEL_DEFAULTS["level-ink"])
