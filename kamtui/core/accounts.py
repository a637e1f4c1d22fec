"""Candidate accounts as the engine, the store and the front ends pass them around (README, "Account
selection"): a stored account, an update read from a file or typed, and the accounts x criteria matrix."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ACCOUNT_FIELDS = ("owner", "effort", "segment", "ref")


@dataclass(frozen=True)
class AccountRecord:
    id: int
    name: str
    owner: str | None
    effort: float | None
    segment: str | None
    ref: str | None
    values: dict[str, float]  # criterion id -> value; missing criteria are absent


@dataclass(slots=True)
class AccountUpdate:
    """An account as read from a file: only the fields and criteria present in the file are set.

    A key present with None clears that field or value (a blank cell is missing).
    """

    name: str
    fields: dict[str, object] = field(default_factory=dict)
    values: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Matrix:
    """Accounts x criteria as the engine wants them (NaN = missing), in the store's name order."""

    names: list[str]
    values: np.ndarray
    owners: list[str | None]
    effort: np.ndarray  # NaN where unknown
    segments: list[str | None]
    refs: list[str | None]
