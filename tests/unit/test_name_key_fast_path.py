"""The ASCII fast path of ``name_key`` gives exactly the key of the general rule (README, "Reliability")."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from kamtui.core.names import name_key

_SPACES = re.compile(r"\s+")


def general_rule(text: str) -> str:
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return _SPACES.sub(" ", folded).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_keys_equal_the_general_rule(text):
    assert name_key(text) == general_rule(text)


@given(st.text())
def test_any_key_equals_the_general_rule(text):
    assert name_key(text) == general_rule(text)


def test_known_keys():
    assert name_key("  Castellan\t\x1fRail  ") == "castellan rail"
    assert name_key("STRASSE") == "strasse" == name_key("Straße")
    assert name_key("Mu\u0308ller") == name_key("MÜLLER") == "müller"
