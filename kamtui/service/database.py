"""Opening the database a front end works on (README, "Where the data lives")."""

from __future__ import annotations

from pathlib import Path

from kamtui.store import Store

Database = Store  # what every service function takes: an open database (a handle on this thread's connection)


def open_database(path: Path | str, *, create: bool = True) -> Database:
    """Open (creating it if asked) the kamtui database at ``path``; a file that is not a healthy kamtui
    database is refused with one message and left untouched."""
    from kamtui.store import open_store

    return open_store(path, create=create)


def user_setting(db: Database, key: str) -> str | None:
    """An app setting kept in the database's ``meta`` table (README, "Database")."""
    return db.get_meta(key)


def set_user_setting(db: Database, key: str, value: str) -> None:
    if db.get_meta(key) != value:
        db.set_meta(key, value)


def data_version(db: Database) -> int:
    """Changes whenever another connection commits: a screen that saw the same number has nothing new."""
    return db.data_version()
