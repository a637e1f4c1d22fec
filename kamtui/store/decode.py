"""Values read back from the database, checked: a stored value that is not what kamtui wrote is damage.

Another program (or a disk) may have changed a row: a stored survey that is not JSON, text in a number
column. That is reported as one DatabaseError naming the table, the row and the column, never as a
traceback from deep inside a command.
"""

from __future__ import annotations

import json
import math
from typing import Any

from kamtui.core.errors import DatabaseError, KamError


def damaged(store_path: object, where: str, what: str) -> DatabaseError:
    return DatabaseError(
        f"{store_path}: is a damaged kamtui database ({where} {what}); nothing was changed. "
        "Restore it from a backup, or correct that row with sqlite-utils or the sqlite3 shell"
    )


def json_value(store_path: object, where: str, text: Any, kind: type = dict) -> Any:
    """``text`` parsed as JSON of type ``kind``, or a DatabaseError naming ``where``."""
    if not isinstance(text, str):
        raise damaged(store_path, where, "is not text")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise damaged(store_path, where, "is not valid JSON") from None
    if not isinstance(value, kind):
        raise damaged(store_path, where, f"holds JSON of the wrong shape (expected {kind.__name__})")
    return value


def number(store_path: object, where: str, value: Any, *, optional: bool = False) -> float | None:
    """A finite number as stored, or a DatabaseError for text, blobs or infinities."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise damaged(store_path, where, f"holds {_shown(value)}, not a number")
    return float(value)


def decoded(store_path: object, where: str, build):
    """Run ``build()`` over stored data; a KamError it raises (e.g. a stored survey that no longer
    validates) or a shape error becomes damage at ``where``."""
    try:
        return build()
    except DatabaseError:
        raise
    except KamError as error:
        raise damaged(store_path, where, f"no longer reads: {str(error).splitlines()[0]}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise damaged(store_path, where, "has the wrong shape") from None


def _shown(value: Any) -> str:
    if isinstance(value, bytes):
        return "binary data"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
