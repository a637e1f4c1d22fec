"""The secret links of a workshop (README, "Workshops"): a lead token and a join token per assessment.

Tokens come from ``secrets.token_urlsafe`` (256 bits). They are new at every start of the server unless
the lead keeps them: then they live in the database's ``meta`` table under ``serve.lead_token`` and
``serve.join_token.<ID>``, so printed links and QR codes stay valid across restarts. A stored value
that is not a token of at least 128 bits is replaced, never trusted.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Protocol

TOKEN_BYTES = 32
MIN_TOKEN_BITS = 128
LEAD_KEY = "serve.lead_token"
JOIN_KEY = "serve.join_token.{assessment}"
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")


class MetaStore(Protocol):
    def get_meta(self, key: str, default: str | None = None) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_bits(token: str) -> int:
    """How many random bits a URL-safe base64 token carries (6 per character)."""
    return 6 * len(token) if _TOKEN_CHARS.match(token) else 0


def token_matches(given: str | None, expected: str | None) -> bool:
    """``given`` is ``expected``, compared in constant time; never true when either is missing."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True)
class Tokens:
    """The lead token, and the join token when an assessment is served."""

    lead: str
    join: str | None = None


def workshop_tokens(store: MetaStore, assessment: int | None, keep: bool) -> Tokens:
    """New tokens, or (``keep``) the ones stored in ``meta``, created and stored on first use."""
    if not keep:
        return Tokens(new_token(), new_token() if assessment is not None else None)
    lead = _kept(store, LEAD_KEY)
    join = _kept(store, JOIN_KEY.format(assessment=assessment)) if assessment is not None else None
    return Tokens(lead, join)


def _kept(store: MetaStore, key: str) -> str:
    value = store.get_meta(key)
    if value is None or token_bits(value) < MIN_TOKEN_BITS:
        value = new_token()
        store.set_meta(key, value)
    return value
