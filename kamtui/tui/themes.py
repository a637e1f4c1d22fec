"""The two kamtui themes and the mapping of level colour keys (``kamtui.core.levels``) to theme colours.

``kam`` is the everyday dark theme. ``kam-projector`` is for workshops: black on white, saturated level
colours that survive a washed-out beamer, and (with the ``projector`` CSS class the app sets) larger
spacing and heavy borders instead of thin lines.

Each theme defines the CSS variables ``$level-red`` ... ``$level-blue`` (and ``$bar-track``); themes that
do not (any built-in Textual theme picked from the palette) fall back to :data:`LEVEL_DEFAULTS`.
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
    variables=dict(LEVEL_DEFAULTS),
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
        "level-red": "#cc0000",
        "level-orange": "#e05a00",
        "level-yellow": "#a67c00",
        "level-green": "#007a1f",
        "level-blue": "#0040c0",
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
