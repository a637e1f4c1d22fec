"""Files a person hands kamtui (accounts, answers, people lists, pairwise matrices) read as tables.

A CSV is read by ``kamtui.core.table``, an XLSX by ``kamtui.excel.reader``; both come back as one
:class:`~kamtui.core.table.Table` of text cells numbered as a spreadsheet shows them, refused with one
message per problem when the file is not what it claims, is larger than the limits, or is the open
database itself (README, "Reliability").
"""

from __future__ import annotations

import os
from pathlib import Path

from kamtui.core.table import Table, guarded, read_csv, refuse, table_of_sheet, unsupported_suffix
from kamtui.service.database import Database

__all__ = ["Table", "read_table"]


def read_table(path: str | Path, *, sheet: str | None = None, db: Database | None = None) -> Table:
    """The table in the CSV or XLSX file at ``path`` (``sheet``: the worksheet to read).

    With ``db``, the database file itself (or its ``-wal``/``-shm``) is refused before it is opened:
    reading it outside SQLite would drop the locks the process holds on it."""
    path = Path(path)
    source = str(path)
    if db is not None and _is_database(path, db):
        refuse(source, "is the kamtui database itself, not a file to import")
    reason = unsupported_suffix(path)
    if reason:
        refuse(source, reason)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from kamtui.excel.reader import read_sheet

        def from_sheet() -> Table:
            read = read_sheet(path, source, sheet)
            return table_of_sheet(source, read.header, read.rows, read.note)

        return guarded(from_sheet, source)
    if sheet is not None:
        refuse(source, "a sheet can be named for .xlsx files only; this file is read as CSV text")
    return guarded(lambda: read_csv(path, source), source)


def _is_database(path: Path, db: Database) -> bool:
    try:
        target = os.stat(path)
    except OSError:
        return False
    for name in (db.path.name, db.path.name + "-wal", db.path.name + "-shm"):
        try:
            st = os.stat(db.path.with_name(name))
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False
