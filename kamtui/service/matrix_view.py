"""The accounts matrix for the Accounts screen, a page at a time (README, "Account selection").

The screen formats only the rows on screen and reads only the pages it draws, so 100,000 accounts open
in a fraction of a second: :func:`outline` once per load (size, name widths), :func:`counted` once the
first page is on screen (missing values, widest numbers), :func:`page` and :func:`position_of` as the
cursor moves. :func:`coverage` is the share of the weight an account has a value for (below 50% it is
never selected automatically), by rows, as ``Scores.coverage`` of :mod:`kamtui.core.selection` has it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from kamtui.core.criteria import CriteriaSet
from kamtui.service.database import Database
from kamtui.store.matrix_view import MatrixOutline, MatrixPage, load_page, matrix_outline, value_counts
from kamtui.store.matrix_view import position_of as _position_of

__all__ = ["MatrixOutline", "MatrixPage", "counted", "coverage", "outline", "page", "position_of"]


def outline(db: Database) -> MatrixOutline:
    """How many accounts, the widest name and owner, the largest effort, the kept attributes."""
    return matrix_outline(db)


def counted(db: Database, outline: MatrixOutline, criteria: CriteriaSet) -> MatrixOutline:
    """``outline`` with the values missing and the largest value of each criterion without a fixed scale
    (a rating's width follows from its scale): a pass over the scores, a fraction of a second at 100,000."""
    free = [c.id for c in criteria.criteria if c.scale is None]
    return value_counts(db, outline, criteria.ids, free)


def page(
    db: Database, criterion_ids: Sequence[str], start: int, size: int, attribute_names: Sequence[str] = ()
) -> MatrixPage:
    """Accounts ``start .. start + size`` in name order: owners, effort, values (NaN = missing), attributes."""
    return load_page(db, criterion_ids, start, size, attribute_names)


def position_of(db: Database, name: str) -> int | None:
    """The row of account ``name`` (as stored) in name order; None when there is no such account."""
    return _position_of(db, name)


def coverage(values: np.ndarray, criterion_ids: Sequence[str], points: Mapping[str, float]) -> np.ndarray:
    """Per row of ``values``: the share of the points whose criterion has a value (the rule of
    :func:`kamtui.core.selection.coverage`, over the points in force)."""
    from kamtui.core.selection import coverage as share_present

    weights = np.array([float(points.get(c, 0.0)) for c in criterion_ids], dtype=float)
    return share_present(~np.isnan(values), weights)
