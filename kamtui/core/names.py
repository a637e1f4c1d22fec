"""The one rule for comparing ids and names typed by people (indicators, criteria, accounts, respondents).

Two names are the same name when their :func:`name_key` is equal: Unicode NFC, case folded, NFC again,
surrounding white space removed and inner runs of white space folded to one space. So ``Müller`` typed
with a combining diaeresis (NFD) and ``MÜLLER`` are one account. Characters that cannot be seen
(zero-width spaces and joiners, soft hyphens, direction marks, byte-order marks, control characters) make
two names look alike while comparing unequal: :func:`name_problem` refuses them wherever a name enters.
Names are stored as typed (NFC); only comparisons use the key.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Format (Cf) characters that are invisible in a terminal and a spreadsheet, by code point.
_INVISIBLE_NAMES = {
    0x00AD: "SOFT HYPHEN",
    0x034F: "COMBINING GRAPHEME JOINER",
    0x061C: "ARABIC LETTER MARK",
    0x115F: "HANGUL CHOSEONG FILLER",
    0x1160: "HANGUL JUNGSEONG FILLER",
    0x180E: "MONGOLIAN VOWEL SEPARATOR",
    0x3164: "HANGUL FILLER",
    0xFEFF: "ZERO WIDTH NO-BREAK SPACE (byte-order mark)",
    0xFFA0: "HALFWIDTH HANGUL FILLER",
}


def normalise(text: str) -> str:
    """``text`` as it is stored: NFC, surrounding white space removed."""
    return unicodedata.normalize("NFC", text).strip()


def name_key(text: str) -> str:
    """The comparison key of an id or name (see the module docstring)."""
    if text.isascii():  # the same key, 3x faster (an import keys every row): NFC is a no-op, casefold = lower
        return " ".join(text.lower().split())
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return _SPACES.sub(" ", folded).strip()


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """(position from 1, description) of every invisible or control character in ``text``."""
    found = []
    for position, char in enumerate(text, start=1):
        code = ord(char)
        category = unicodedata.category(char)
        if char in "\t\n\r" or (category not in {"Cc", "Cf", "Co", "Cs"} and code not in _INVISIBLE_NAMES):
            continue
        name = _INVISIBLE_NAMES.get(code) or unicodedata.name(char, "") or "control character"
        found.append((position, f"U+{code:04X} {name}"))
    return found


def name_problem(text: str, what: str = "a name") -> str | None:
    """Why ``text`` cannot be an id or name (blank, or an invisible character in it), or None."""
    if not text.strip():
        return f"{what} cannot be blank"
    if any(char in text for char in "\t\n\r"):
        return f"{what} must be on one line (it holds a tab or a line break)"
    invisible = invisible_characters(text)
    if invisible:
        position, description = invisible[0]
        more = f" (and {len(invisible) - 1} more)" if len(invisible) > 1 else ""
        return (
            f"{what} holds an invisible character, {description}, at position {position}{more}: "
            "retype it without that character"
        )
    return None
