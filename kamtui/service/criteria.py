"""Which criteria set a selection command works on (README, "Account selection").

The set named on the command line or in the app, else the one last used with this database, else the
built-in default. A set is remembered only once the operation using it succeeded, so a refused command
never switches the database's active set. A remembered file that has since been deleted or moved is
reported as such, with how to choose another set.
"""

from __future__ import annotations

from pathlib import Path

from kamtui.core.criteria import CriteriaSet
from kamtui.core.criteria_file import load_criteria
from kamtui.core.errors import CriteriaError, KamError
from kamtui.service.database import Database

DEFAULT_CRITERIA = "kam-default"
ACTIVE_CRITERIA_KEY = "criteria"


def resolve_criteria(db: Database, ref: str | None) -> CriteriaSet:
    """The set named by ``ref``, else the active one of the database, else the default. Writes nothing."""
    if ref:
        return load_criteria(ref)
    active = db.get_meta(ACTIVE_CRITERIA_KEY)
    if not active:
        return load_criteria(DEFAULT_CRITERIA)
    try:
        return load_criteria(active)
    except CriteriaError as error:
        if Path(active).is_absolute() and not Path(active).exists():
            raise KamError(
                f"the criteria set last used with this database was the file {active}, which no longer "
                f"exists: choose {{criteria}} (a built-in id such as {DEFAULT_CRITERIA}, or a file)"
            ) from None
        raise error from None


def remember_criteria(db: Database, ref: str | None) -> None:
    """Make the set named by ``ref`` (files by absolute path) the database's active set."""
    if not ref:
        return
    candidate = Path(ref).expanduser()
    remembered = str(candidate.resolve()) if candidate.is_file() else ref
    if db.get_meta(ACTIVE_CRITERIA_KEY) != remembered:
        db.set_meta(ACTIVE_CRITERIA_KEY, remembered)
