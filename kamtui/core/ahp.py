"""Weights from pairwise comparisons: the Analytic Hierarchy Process (Saaty).

A pairwise matrix A compares criteria two by two on Saaty's 1-9 scale: a_ij = 3 means criterion i
matters moderately more than j, and then a_ji = 1/3. The weights are the principal eigenvector of A
(numpy.linalg.eig: the eigenvector of the eigenvalue with the largest real part, its real part,
normalised to sum 1). Consistency: CI = (lambda_max - n) / (n - 1), CR = CI / RI with Saaty's random
index RI for n criteria; CR > 0.10 means the judgements contradict each other too much to trust
(``consistent`` is False: show it as a warning, never accept it silently). n <= 2 is always
consistent (CR = 0).

A grid read from CSV/XLSX: the header row holds a corner cell (anything) then the criterion ids; each
following row starts with the same ids in the same order. Cells hold whole numbers 1-9, reciprocals
such as ``1/3`` (any p/q), or decimals; every value must lie within [1/9, 9], the diagonal must be 1
(a blank diagonal cell is 1) and a_ji must equal 1/a_ij: exactly when both are written as whole numbers
or fractions; when either is a decimal, within a relative 1e-6 or within the rounding of the decimal
as written (0.6667 is 1/1.5 to four places, 0.33 is 1/3 to two). The matrix is then made exactly
reciprocal: the whole number or fraction is kept (of two decimals, the one >= 1) and its mirror is its
reciprocal. A blank cell whose mirror holds a value is that value's reciprocal (writing one triangle is
enough); a pair blank on both sides is not compared (NaN in the matrix). Problems are located as
``row:column``, both counted from 1 as in a spreadsheet, and raised together.

**Incomplete matrices** (pairs not compared) are weighed by Harker's method (P. T. Harker, "Alternative
modes of questioning in the analytic hierarchy process", Mathematical Modelling 9 (3-5), 1987,
353-360): the missing entries are 0 and each diagonal entry is 1 + the number of missing entries in
its row; the principal eigenvector of that matrix is the weights, and its eigenvalue is lambda_max
(it is also the principal eigenvalue of the matrix completed with a_ij = w_i / w_j, which
``AhpResult.matrix`` holds). CR uses Saaty's RI for n. The compared pairs must connect every
criterion with every other (directly or through others), or the weights are not determined.

**The most inconsistent judgements** (``inconsistent_judgements``): for each comparison given, the
value on Saaty's scale (1/9 .. 9) that would lower CR most if it alone were changed, and the CR then;
the comparisons whose change lowers CR most come first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from kamtui.core.errors import ImportFileError, InvalidValueError, Problem

SAATY_VALUES = tuple([1.0 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])  # 1/9 .. 9

# Saaty's random consistency index, n = 1..15 (n = 1, 2: 0).
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
CR_LIMIT = 0.10
DECIMAL_TOLERANCE = 1e-6
_FRACTION = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
_INTEGER = re.compile(r"\s*\d+\s*")


@dataclass(frozen=True, eq=False)
class AhpResult:
    """Weights (sum 1), principal eigenvalue, consistency index and ratio, and the random index used.

    ``completed`` lists the pairs (i < j) that were not compared and were completed by Harker's method;
    ``matrix`` is the matrix weighed (completed with w_i / w_j where a pair was missing)."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    ri: float
    completed: tuple[tuple[int, int], ...] = ()
    matrix: np.ndarray | None = None

    @property
    def consistent(self) -> bool:
        return self.cr <= CR_LIMIT


@dataclass(frozen=True)
class Judgement:
    """A comparison a_ij as given, the Saaty value that alone would lower CR most, and the CR then."""

    i: int
    j: int
    value: float
    suggested: float
    cr_after: float


def ahp_weights(matrix: np.ndarray) -> AhpResult:
    """Principal-eigenvector weights and Saaty's consistency ratio of a positive reciprocal matrix;
    NaN entries (pairs not compared, on both sides) are completed by Harker's method (module docstring)."""
    a = np.asarray(matrix, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise InvalidValueError(f"a pairwise comparison matrix must be square, got shape {a.shape}")
    n = a.shape[0]
    if n not in RANDOM_INDEX:
        raise InvalidValueError(f"pairwise comparison supports up to 15 criteria, got {n}")
    missing = np.isnan(a)
    if np.isinf(a).any() or (a[~missing] <= 0).any():
        raise InvalidValueError("pairwise comparisons must be positive numbers")
    if (missing != missing.T).any() or missing.diagonal().any():
        raise InvalidValueError("a pair not compared must be missing on both sides, and the diagonal is 1")
    completed: tuple[tuple[int, int], ...] = ()
    if missing.any():
        _check_connected(missing)
        completed = tuple((int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(missing)), strict=True))
        weighed = np.where(missing, 0.0, a)
        weighed[np.diag_indices(n)] += missing.sum(axis=1)
    else:
        weighed = a
    values, vectors = np.linalg.eig(weighed)
    k = int(np.argmax(values.real))
    lambda_max = float(values[k].real)
    principal = vectors[:, k].real
    weights = principal / principal.sum()
    full = np.where(missing, weights[:, None] / weights[None, :], a) if completed else a
    ci, cr = _consistency(lambda_max, n)
    return AhpResult(
        weights=weights, lambda_max=lambda_max, ci=ci, cr=cr, ri=RANDOM_INDEX[n], completed=completed, matrix=full
    )


def _consistency(lambda_max: float | np.ndarray, n: int):
    """(CI, CR) for n criteria; n <= 2 is always consistent."""
    if n <= 2:
        ci = 0.0 * lambda_max if n == 1 else (lambda_max - n) / (n - 1)
        return ci, 0.0 * lambda_max
    ci = (lambda_max - n) / (n - 1)
    return ci, ci / RANDOM_INDEX[n]


def _check_connected(missing: np.ndarray) -> None:
    """The compared pairs must link every criterion with every other (else the weights are not determined)."""
    n = missing.shape[0]
    seen = {0}
    frontier = [0]
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(~missing[i]):
            if int(j) not in seen:
                seen.add(int(j))
                frontier.append(int(j))
    if len(seen) < n:
        apart = [k + 1 for k in range(n) if k not in seen]
        raise InvalidValueError(
            "the comparisons given do not link every criterion with the others: criteria "
            f"{', '.join(map(str, apart))} (counted from 1) are compared with none of criteria "
            f"{', '.join(str(k + 1) for k in sorted(seen))}; compare at least one pair across"
        )


def _lambda_max_many(stack: np.ndarray) -> np.ndarray:
    """Principal eigenvalue (largest real part) of each matrix of a stack."""
    return np.linalg.eigvals(stack).real.max(axis=-1)


def inconsistent_judgements(matrix: np.ndarray, limit: int = 3) -> list[Judgement]:
    """The comparisons whose change alone would lower CR most (module docstring), best first.

    Only comparisons given (not completed) are considered, each against every value of Saaty's scale;
    at most ``limit``, and only those that lower CR."""
    a = np.asarray(matrix, dtype=np.float64)
    n = a.shape[0]
    if n < 3:
        return []
    base = ahp_weights(a)
    missing = np.isnan(a)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if not missing[i, j]]
    if not pairs:
        return []
    values = np.array(SAATY_VALUES)
    weighed = np.where(missing, 0.0, a)
    weighed[np.diag_indices(n)] += missing.sum(axis=1)
    stack = np.repeat(weighed[None, :, :], len(pairs) * values.size, axis=0)
    rows = np.repeat([i for i, _ in pairs], values.size)
    cols = np.repeat([j for _, j in pairs], values.size)
    tiled = np.tile(values, len(pairs))
    index = np.arange(stack.shape[0])
    stack[index, rows, cols] = tiled
    stack[index, cols, rows] = 1.0 / tiled
    _, crs = _consistency(_lambda_max_many(stack), n)
    crs = np.asarray(crs).reshape(len(pairs), values.size)
    best = crs.argmin(axis=1)
    found = [
        Judgement(i, j, float(a[i, j]), float(values[best[k]]), float(crs[k, best[k]]))
        for k, (i, j) in enumerate(pairs)
        if crs[k, best[k]] < base.cr - 1e-12
    ]
    found.sort(key=lambda judgement: judgement.cr_after)
    return found[:limit]


def parse_pairwise(rows: list[list[str]], source: str) -> tuple[list[str], np.ndarray]:
    """Criterion ids and the matrix from a pairwise grid; every problem raises as one ImportFileError.

    Trailing blank cells and blank rows are ignored (spreadsheets leave them).
    """
    grid = [_trim(row) for row in rows]
    numbered = [(number, row) for number, row in enumerate(grid, start=1) if any(row)]
    problems: list[Problem] = []

    def add(row: int, column: int, message: str) -> None:
        problems.append(Problem(source, f"{row}:{column}", message))

    if not numbered:
        raise ImportFileError(source, [Problem(source, "", "no comparisons: the grid is empty")])
    header_number, header = numbered[0]
    ids = [cell.strip() for cell in header[1:]]
    body = numbered[1:]
    n = len(ids)
    if n == 0:
        add(header_number, 2, "the header row needs the criterion ids after the corner cell")
        raise ImportFileError(source, problems)
    seen: dict[str, int] = {}
    for column, cid in enumerate(ids, start=2):
        if not cid:
            add(header_number, column, "empty criterion id in the header")
        elif cid in seen:
            add(header_number, column, f"duplicate criterion id '{cid}' (also column {seen[cid]})")
        else:
            seen[cid] = column
    if len(body) != n:
        where = body[-1][0] if body else header_number
        problems.append(
            Problem(
                source,
                f"{where}:1",
                f"expected {n} rows of comparisons (one per header id), found {len(body)}",
            )
        )

    cells: dict[tuple[int, int], tuple[float, Fraction | None, int | None]] = {}
    for i, (number, row) in enumerate(body[:n]):
        label = row[0].strip() if row else ""
        if i < n and label != ids[i]:
            expected = ids[i] or "(empty)"
            add(number, 1, f"row id '{label}' should be '{expected}' (same ids, same order as the header)")
        if len(row) - 1 > n:  # trailing blank cells were trimmed: a short row has blank comparisons
            add(number, n + 2, f"expected {n} values, found {len(row) - 1}")
        for j in range(min(n, len(row) - 1)):
            parsed = _parse_cell(row[j + 1])
            if parsed is None:
                continue  # blank: the mirror's reciprocal, or not compared
            if isinstance(parsed, str):
                add(number, j + 2, parsed)
                continue
            cells[(i, j)] = parsed
            value = parsed[0]
            if i == j and value != 1.0:
                add(
                    number,
                    j + 2,
                    f"the diagonal must be 1 (a criterion compared with itself), found {row[j + 1].strip()}",
                )
            elif not (1 / 9 - 1e-12 <= value <= 9 + 1e-12):
                add(number, j + 2, f"{row[j + 1].strip()} is outside Saaty's scale 1/9 to 9")

    for (i, j), (value, exact, places) in cells.items():
        if j <= i or (j, i) not in cells:
            continue
        other, other_exact, other_places = cells[(j, i)]
        if exact is not None and other_exact is not None:
            ok = exact * other_exact == 1
        else:
            ok = math.isclose(other, 1.0 / value, rel_tol=DECIMAL_TOLERANCE) or (
                (other_exact is None and _rounds_to(other, 1.0 / value, other_places))
                or (exact is None and _rounds_to(value, 1.0 / other, places))
            )
        if not ok:
            row_number = body[j][0]
            add(
                row_number,
                i + 2,
                f"{ids[j]} vs {ids[i]} should be the reciprocal of {ids[i]} vs {ids[j]} "
                f"({_show(value, exact)}), i.e. {_show(1.0 / value, 1 / exact if exact else None)}; "
                f"found {_show(other, other_exact)}",
            )
    if problems:
        raise ImportFileError(source, problems)
    matrix = np.full((n, n), np.nan)
    np.fill_diagonal(matrix, 1.0)
    for i in range(n):
        for j in range(i + 1, n):
            upper, lower = cells.get((i, j)), cells.get((j, i))
            if upper is None and lower is None:
                continue  # not compared: Harker's method completes it (ahp_weights)
            from_lower = upper is None or (lower is not None and _keeps(lower, upper))
            kept = 1.0 / lower[0] if from_lower else upper[0]
            matrix[i, j], matrix[j, i] = kept, 1.0 / kept
    return ids, matrix


def _keeps(first: tuple, second: tuple) -> bool:
    """Of two mirrored cells, whether the first is the one kept (module docstring)."""
    first_exact, second_exact = first[1] is not None, second[1] is not None
    if first_exact != second_exact:
        return first_exact
    return first[0] >= 1.0 > second[0] if not second_exact else False


def _rounds_to(written: float, exact: float, places: int | None) -> bool:
    """Whether ``exact`` rounded to the ``places`` decimals written gives ``written``."""
    if places is None or places <= 0:
        return False
    return abs(written - exact) <= 0.5 * 10.0**-places * (1 + 1e-9)


MAX_CELL_LENGTH = 16


def _parse_cell(text: str) -> tuple[float, Fraction | None, int | None] | str | None:
    """(value, exact fraction or None for decimals, decimal places written), None for a blank cell,
    or why the cell is not a comparison."""
    raw = text.strip()
    if not raw:
        return None
    if len(raw) > MAX_CELL_LENGTH:  # no Saaty value is this long; huge numbers would overflow a float
        return f"'{raw[:12]}...' is not a comparison on Saaty's scale (1/9 to 9)"
    match = _FRACTION.fullmatch(raw)
    if match:
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if numerator == 0 or denominator == 0:
            return f"{raw} is not a positive number"
        exact = Fraction(numerator, denominator)
        return float(exact), exact, None
    if _INTEGER.fullmatch(raw):
        exact = Fraction(int(raw))
        if exact == 0:
            return f"{raw} is not a positive number"
        return float(exact), exact, None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return f"'{raw}' is not a number (use 1-9, a reciprocal such as 1/3, or a decimal)"
    if not math.isfinite(value) or value <= 0:
        return f"{raw} is not a positive number"
    return value, None, _places(raw.replace(",", "."))


def _places(text: str) -> int | None:
    """Decimal places written (``0.6667``: 4, ``6.667e-1``: 4), None when it cannot tell."""
    from decimal import Decimal, InvalidOperation

    try:
        exponent = Decimal(text).as_tuple().exponent
    except (InvalidOperation, ValueError):
        return None
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _trim(row: list[str]) -> list[str]:
    cells = ["" if cell is None else str(cell) for cell in row]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _show(value: float, exact: Fraction | None) -> str:
    if exact is not None:
        return str(exact)
    return f"{value:.6g}"
