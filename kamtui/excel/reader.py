"""Reading a worksheet of an .xlsx file as text cells (openpyxl, read-only mode)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kamtui.core.errors import ImportFileError, Problem
from kamtui.tabular import cell_text


def read_sheet(
    path: Path, source: str, sheet: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and numbered rows of ``sheet`` (default: the first), every cell as a string."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise ImportFileError(
            source, [Problem(source, "", f"cannot be read ({exc.strerror or exc})")]
        ) from None
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, ParseError...) on a damaged file
        raise ImportFileError(
            source, [Problem(source, "", "not a valid .xlsx workbook (damaged or another format)")]
        ) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(source, [Problem(source, "", "the workbook has no worksheet")])
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(workbook.sheetnames)
            raise ImportFileError(
                source, [Problem(source, sheet, f"no sheet named '{sheet}' (sheets: {names})")]
            )
        try:
            rows = [
                (number, [cell_value(value) for value in values])
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
            ]
        except ImportFileError:
            raise
        except Exception:  # a damaged sheet: cut-off XML, a number cell that is not a number...
            raise ImportFileError(
                source,
                [
                    Problem(
                        source,
                        worksheet.title,
                        "the sheet is damaged and cannot be read; re-save it in Excel",
                    )
                ],
            ) from None
    finally:
        workbook.close()
    if not rows:
        raise ImportFileError(
            source, [Problem(source, "", "the sheet is empty: expected a header row and data rows")]
        )
    return [cell_text(cell_value(value)) for value in rows[0][1]], rows[1:]


def cell_value(value: object) -> str | float:
    """A worksheet value as the importers want it: a real number stays a float, the rest is text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)
