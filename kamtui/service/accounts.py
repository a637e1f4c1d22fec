"""Candidate accounts (README, "Account selection"): import, list, edit one value, add, rename, remove.

An import reads the file's columns as :mod:`kamtui.core.column_map` decides (maps given now or remembered
for the criteria set in ``column_maps``, the columns' own names, common CRM names; other columns kept as
account attributes or ignored), checks every row (:mod:`kamtui.core.imports`) and previews what it would
change before anything is written (:func:`check_import`, then :func:`apply_import`); a blank cell clears
the stored value unless the import keeps stored values.

``set_cell`` is the one rule for a value typed by a person, on the command line (``accounts set``) and in
the Accounts screen alike: a criterion by id or name, or one of owner, effort, segment, ref; numbers read
by ``kamtui.core.numbers`` (thousands separators, the decimal comma when asked), effort and criterion
values within the same limits as an import; blank clears the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kamtui.core.accounts import ACCOUNT_FIELDS, AccountRecord, AccountUpdate
from kamtui.core.column_map import AccountImport, ImportPreview
from kamtui.core.criteria import CriteriaSet
from kamtui.core.errors import InvalidValueError
from kamtui.core.names import name_key
from kamtui.core.numbers import magnitude_problem, number_hint, number_problem, parse_number
from kamtui.service.database import Database
from kamtui.store import accounts as store


@dataclass(frozen=True)
class ImportedAccounts:
    accounts: int
    created: int
    updated: int
    criteria: str
    notes: tuple[str, ...] = ()
    extras: str | None = None  # what was done with the extra columns, in one line
    ignored: tuple[str, ...] = ()  # the named columns not read because no map or name said what they are
    kept: tuple[str, ...] = ()  # the columns kept as attributes
    guesses: str | None = None  # the columns read by a CRM name or a remembered map, in one line
    other_set: tuple[str, tuple[str, ...]] | None = None  # (a built-in set, the ignored columns it has)


@dataclass(frozen=True)
class SavedCell:
    account: str
    column: str  # a field name or a criterion id
    value: object  # what was stored (None: cleared)

    @property
    def shown(self) -> str:
        if self.value is None:
            return "missing" if self.column not in ACCOUNT_FIELDS else ""
        if isinstance(self.value, float):
            return format_number(self.value)
        return str(self.value)


def format_number(value: float) -> str:
    """A stored number at full precision, as a person would type it back (4955123.45, not 4.95512e+06;
    1e15 as 1000000000000000 and 0.00001 without an exponent, which the number rule would not read)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        from kamtui.core.numbers import plain

        return plain(value)
    return text


def records(db: Database) -> list[AccountRecord]:
    return store.list_accounts(db)


def get(db: Database, name: str) -> AccountRecord:
    return store.get_account(db, name)


def count(db: Database) -> int:
    return store.count_accounts(db)


def count_runs(db: Database) -> int:
    return store.count_runs(db)


def read_accounts_file(
    criteria: CriteriaSet,
    file: str | Path,
    *,
    decimal_comma: bool = False,
    sheet: str | None = None,
    notes: list[str] | None = None,
    db: Database | None = None,
) -> list[AccountUpdate]:
    """The validated accounts of a file, nothing written, extra columns ignored (no map, no attribute).
    With ``db``, the database file itself is refused as an input."""
    from kamtui.core.imports import accounts_from_table
    from kamtui.service.files import read_table

    table = read_table(file, sheet=sheet, db=db)
    return accounts_from_table(table, criteria, decimal_comma=decimal_comma, notes=notes)


def apply(db: Database, updates: list[AccountUpdate]) -> tuple[int, int]:
    """Write accounts read from a file in one transaction; returns (created, updated)."""
    return store.apply_updates(db, updates)


def parse_maps(criteria: CriteriaSet, texts: Sequence[str]) -> dict[str, tuple[str, str]]:
    """``FILE COLUMN=FIELD`` maps as typed (README, "Account selection": accounts file)."""
    from kamtui.core.column_map import parse_maps as parse

    return parse(texts, criteria)


def read_columns(db: Database, criteria: CriteriaSet, file: str | Path, *, sheet: str | None = None):
    """(table, column plan, remembered maps) of an accounts file: how each column would be read with the
    maps remembered for ``criteria`` (the TUI's mapping step, which re-plans with
    :func:`kamtui.core.column_map.plan_columns` as the person changes a column; nothing is checked
    beyond the header)."""
    from kamtui.core.column_map import plan_columns
    from kamtui.service.files import read_table
    from kamtui.store import column_maps

    table = read_table(file, sheet=sheet, db=db)
    remembered = column_maps.remembered(db, criteria.id)
    return table, plan_columns(table.header, criteria, remembered=remembered), remembered


def check_import(
    db: Database,
    criteria: CriteriaSet,
    table,
    *,
    maps: Mapping[str, tuple[str, str]] | None = None,
    extra: str | None = None,
    decimal_comma: bool = False,
    keep_blank: bool = False,
) -> ImportPreview:
    """The checked accounts of ``table`` and what importing them would change (old -> new), nothing
    written; refused with every problem (ImportFileError). ``maps`` as :func:`parse_maps` gives them."""
    from kamtui.core.column_map import preview

    imported = _checked(db, criteria, table, maps, extra, decimal_comma, keep_blank)
    stored = {name_key(r.name): r for r in store.list_accounts(db)}
    held = {name_key(name): attrs for name, attrs in store.attributes_by_name(db).items()}
    return preview(imported, stored, held, format_number)


def _checked(
    db: Database, criteria: CriteriaSet, table, maps, extra, decimal_comma, keep_blank
) -> AccountImport:
    from kamtui.core.imports import read_accounts
    from kamtui.store import column_maps

    return read_accounts(
        table,
        criteria,
        decimal_comma=decimal_comma,
        maps=maps,
        remembered=column_maps.remembered(db, criteria.id),
        extra=extra,
        keep_blank=keep_blank,
    )


def apply_import(
    db: Database, criteria: CriteriaSet, checked: ImportPreview | AccountImport
) -> tuple[int, int]:
    """Write a checked import (previewed or not) in one transaction and remember the maps it was given
    for ``criteria``; returns (created, updated)."""
    from kamtui.core.column_map import BY_MAP
    from kamtui.store import column_maps

    imported = checked.imported if isinstance(checked, ImportPreview) else checked
    kept = any(imported.attributes)
    result = store.apply_updates(db, imported.updates, imported.attributes if kept else None)
    maps = {c.header: c.target for c in imported.plan.choices if c.how == BY_MAP and c.header}
    column_maps.remember(db, criteria.id, maps)
    return result


def import_accounts(
    db: Database,
    criteria: CriteriaSet,
    file: str | Path,
    *,
    decimal_comma: bool = False,
    sheet: str | None = None,
    maps: Sequence[str] = (),
    extra: str | None = None,
    keep_blank: bool = False,
) -> ImportedAccounts:
    """Accounts from a CSV/XLSX file, all rows or none; re-importing updates accounts by name. ``maps``
    (``FILE COLUMN=FIELD``) are remembered for the criteria set; ``extra`` keeps (``keep``) or drops
    (``ignore``, the default) the columns that are neither a field nor a criterion."""
    from kamtui.service.files import read_table

    parsed = parse_maps(criteria, maps)
    table = read_table(file, sheet=sheet, db=db)
    imported = _checked(db, criteria, table, parsed, extra, decimal_comma, keep_blank)  # no preview needed
    created, updated = apply_import(db, criteria, imported)
    return ImportedAccounts(
        len(imported.updates),
        created,
        updated,
        criteria.id,
        imported.notes,
        imported.extras,
        imported.plan.left_over,
        imported.plan.kept,
        imported.guesses,
        _other_set(criteria, imported.plan.left_over),
    )


def _other_set(criteria: CriteriaSet, ignored: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """The built-in criteria set that has the most of the ``ignored`` columns as criteria (a file scored on
    another set, such as kam-default-v1 imported into kam-default), with those columns; None when none."""
    if not ignored:
        return None
    from kamtui.core.criteria_file import list_builtin_criteria

    best: tuple[str, tuple[str, ...]] | None = None
    for other in list_builtin_criteria():
        if other.id == criteria.id:
            continue
        found = tuple(column for column in ignored if other.match_column(column) is not None)
        if found and (best is None or len(found) > len(best[1])):
            best = (other.id, found)
    return best


def attributes(db: Database) -> dict[str, dict[str, str]]:
    """account name -> {attribute: text} of every account with kept attributes."""
    return store.attributes_by_name(db)


def attribute_names(db: Database) -> list[str]:
    """The attribute names stored, in the order they arrived (the Accounts matrix's extra columns)."""
    return store.attribute_names(db)


def column_of(criteria: CriteriaSet, column: str) -> str:
    """The field name or criterion id a person means by ``column`` (id or name, case ignored)."""
    key = name_key(column)
    if key in ACCOUNT_FIELDS:
        return key
    found = criteria.match_column(column)
    if found is None:
        raise InvalidValueError(
            f"{{criterion}}: '{column}' is not a criterion of '{criteria.id}' "
            f"({', '.join(criteria.ids)}) nor one of {', '.join(ACCOUNT_FIELDS)}"
        )
    return found.id


def parse_effort(text: str, *, decimal_comma: bool = False) -> float | None:
    """KAM effort in FTE as typed: a number >= 0 within the import's limit, or blank (unknown)."""
    if not text.strip():
        return None
    value = parse_number(text, decimal_comma=decimal_comma)
    if value is None or value < 0:
        reason = number_problem(text, decimal_comma=decimal_comma) if value is None else None
        raise InvalidValueError(
            f"effort: {reason}"
            if reason
            else f"effort: expected the KAM effort in FTE, {number_hint(decimal_comma)} >= 0, got '{text.strip()}'"
        )
    problem = magnitude_problem(value)
    if problem:
        raise InvalidValueError(f"effort: {problem}; got {text.strip()}")
    return value


def parse_cell(criteria: CriteriaSet, column: str, text: str, *, decimal_comma: bool = False) -> object:
    """What ``text`` typed into ``column`` (a field or a criterion id) stores; blank is None."""
    if column == "effort":
        return parse_effort(text, decimal_comma=decimal_comma)
    if column in ACCOUNT_FIELDS:
        from kamtui.core.names import name_problem, normalise

        cleaned = normalise(text)
        if cleaned and (problem := name_problem(cleaned, column)):
            raise InvalidValueError(problem)
        return cleaned or None
    from kamtui.core.imports import parse_value

    return parse_value(text, criteria.by_id[column], decimal_comma=decimal_comma)


def set_cell(
    db: Database, criteria: CriteriaSet, account: str, column: str, text: str, *, decimal_comma: bool = False
) -> SavedCell:
    """Set one value of one account as typed (module docstring); committed at once."""
    record = store.get_account(db, account)
    key = column_of(criteria, column)
    value = parse_cell(criteria, key, text, decimal_comma=decimal_comma)
    if key in ACCOUNT_FIELDS:
        store.set_field(db, record.name, key, value)
    else:
        store.set_value(db, record.name, key, value)  # type: ignore[arg-type]
    return SavedCell(record.name, key, value)


def add(db: Database, name: str) -> str:
    return store.add_account(db, name)


def rename(db: Database, old: str, new: str) -> str:
    return store.rename_account(db, old, new)


def remove(db: Database, name: str) -> None:
    store.remove_account(db, name)


def matrix(db: Database, criteria: CriteriaSet, *, remember: bool = False):
    """The accounts as the engine's value matrix over the set's criteria (NaN = missing). ``remember``
    keeps a derived copy of a big matrix so the next read is fast (the screen that ranks live asks for it;
    a command leaves the file as it found it)."""
    return store.load_matrix(db, criteria.ids, remember=remember)
