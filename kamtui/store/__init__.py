"""The only code that touches SQLite. Tables are documented in the README."""

from kamtui.store.db import Store, open_store

__all__ = ["Store", "open_store"]
