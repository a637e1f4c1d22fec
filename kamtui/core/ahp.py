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
and a_ji must equal 1/a_ij (exactly when both are written as whole numbers or fractions, within a
relative 1e-6 when either is a decimal). Problems are located as ``row:column``, both counted from 1
as in a spreadsheet, and raised together.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from kamtui.core.errors import ImportFileError, InvalidValueError, Problem

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
    """Weights (sum 1), principal eigenvalue, consistency index and ratio, and the random index used."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    ri: float

    @property
    def consistent(self) -> bool:
        return self.cr <= CR_LIMIT


def ahp_weights(matrix: np.ndarray) -> AhpResult:
    """Principal-eigenvector weights and Saaty's consistency ratio of a positive reciprocal matrix."""
    a = np.asarray(matrix, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise InvalidValueError(f"a pairwise comparison matrix must be square, got shape {a.shape}")
    n = a.shape[0]
    if n not in RANDOM_INDEX:
        raise InvalidValueError(f"pairwise comparison supports up to 15 criteria, got {n}")
    if not np.isfinite(a).all() or (a <= 0).any():
        raise InvalidValueError("pairwise comparisons must be positive numbers")
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lambda_max = float(values[k].real)
    principal = vectors[:, k].real
    weights = principal / principal.sum()
    ri = RANDOM_INDEX[n]
    if n <= 2:
        ci = 0.0 if n == 1 else (lambda_max - n) / (n - 1)
        cr = 0.0
    else:
        ci = (lambda_max - n) / (n - 1)
        cr = ci / ri
    return AhpResult(weights=weights, lambda_max=lambda_max, ci=ci, cr=cr, ri=ri)


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

    cells: dict[tuple[int, int], tuple[float, Fraction | None]] = {}
    for i, (number, row) in enumerate(body[:n]):
        label = row[0].strip() if row else ""
        if i < n and label != ids[i]:
            expected = ids[i] or "(empty)"
            add(number, 1, f"row id '{label}' should be '{expected}' (same ids, same order as the header)")
        if len(row) - 1 != n:
            add(
                number,
                len(row) if len(row) > n + 1 else len(row) + 1,
                f"expected {n} values, found {len(row) - 1}",
            )
        for j in range(min(n, len(row) - 1)):
            parsed = _parse_cell(row[j + 1])
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

    for (i, j), (value, exact) in cells.items():
        if j <= i or (j, i) not in cells:
            continue
        other, other_exact = cells[(j, i)]
        if exact is not None and other_exact is not None:
            ok = exact * other_exact == 1
        else:
            ok = math.isclose(other, 1.0 / value, rel_tol=DECIMAL_TOLERANCE)
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
    matrix = np.empty((n, n))
    for (i, j), (value, _) in cells.items():
        matrix[i, j] = value
    return ids, matrix


MAX_CELL_LENGTH = 16


def _parse_cell(text: str) -> tuple[float, Fraction | None] | str:
    """(value, exact fraction or None for decimals), or why the cell is not a comparison."""
    raw = text.strip()
    if not raw:
        return "empty cell: every pair needs a comparison"
    if len(raw) > MAX_CELL_LENGTH:  # no Saaty value is this long; huge numbers would overflow a float
        return f"'{raw[:12]}...' is not a comparison on Saaty's scale (1/9 to 9)"
    match = _FRACTION.fullmatch(raw)
    if match:
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if numerator == 0 or denominator == 0:
            return f"{raw} is not a positive number"
        exact = Fraction(numerator, denominator)
        return float(exact), exact
    if _INTEGER.fullmatch(raw):
        exact = Fraction(int(raw))
        if exact == 0:
            return f"{raw} is not a positive number"
        return float(exact), exact
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return f"'{raw}' is not a number (use 1-9, a reciprocal such as 1/3, or a decimal)"
    if not math.isfinite(value) or value <= 0:
        return f"{raw} is not a positive number"
    return value, None


def _trim(row: list[str]) -> list[str]:
    cells = ["" if cell is None else str(cell) for cell in row]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _show(value: float, exact: Fraction | None) -> str:
    if exact is not None:
        return str(exact)
    return f"{value:.6g}"
