"""Which field each column of an accounts file gives, and what an import would change (README, "Account
selection": accounts file).

A column is read as one of the account fields (``account``, ``owner``, ``effort``, ``segment``, ``ref``),
as a criterion of the set (by id or name), kept as an account attribute (:data:`KEEP`) or not read
(:data:`IGNORE`). Each column's reading is decided in this order, the first that applies winning:

1. a map given with this import (``Account Name=account``);
2. a map remembered for the database and the criteria set (saved by an earlier import that gave it);
3. the column's own name: a field name, or a criterion's id or name (compared by ``name_key``);
4. a common CRM name in :data:`SYNONYMS` (``Account Name``, ``Account Owner``, ``Account ID`` ...);
5. otherwise the column is an extra: kept or ignored as the import says (ignored by default).

Two columns that would give the same field by rules 1 and 3 are a problem in the file; when the later
claim comes from rules 2 or 4 (a remembered map, a synonym), that column falls back to an extra. Blank
cells clear the stored value unless the import keeps stored values (``keep_blank``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kamtui.core.accounts import ACCOUNT_FIELDS, AccountRecord, AccountUpdate
from kamtui.core.criteria import CriteriaSet
from kamtui.core.errors import InvalidValueError
from kamtui.core.names import name_key

KEEP = "keep"  # the column is kept as an account attribute (``account_attributes``)
IGNORE = "ignore"  # the column is not read
EXTRA_CHOICES = (KEEP, IGNORE)
ACCOUNT_COLUMNS = ("account", *ACCOUNT_FIELDS)

# How a column's reading was decided, in the order of precedence (module docstring).
BY_MAP, BY_REMEMBERED, BY_NAME, BY_SYNONYM, BY_EXTRA = "map", "remembered", "name", "synonym", "extra"
_PRECEDENCE = {BY_MAP: 0, BY_REMEMBERED: 1, BY_NAME: 2, BY_SYNONYM: 3}

# Column names of common CRM exports (Salesforce, Dynamics, HubSpot) read without a map. Left out on
# purpose, because they often mean something else: "Name" (a contact's), "ID" (of what?), "Customer" (a
# yes/no flag in some CRMs), "KAM" (a yes/no flag: is it a key account?), "FTE" (the customer's head
# count), "Industry" (a CRM attribute, not your segmentation: keep it as an attribute), and any revenue
# or spend column (which criterion it feeds is a judgement: map it).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "account": ("Account Name", "Company", "Company Name", "Customer Name", "Organisation", "Organization"),
    "owner": ("Account Owner", "Owner Name", "Key Account Manager", "Account Manager"),
    "effort": ("KAM effort (FTE)", "KAM effort", "KAM FTE", "Effort (FTE)"),
    "segment": ("Customer Segment", "Account Segment"),
    "ref": ("Account ID", "CRM ID", "Account Number", "Customer ID", "Customer Number", "Reference"),
}
_SYNONYM_OF = {name_key(text): target for target, texts in SYNONYMS.items() for text in texts}
_KEEP_WORDS = {name_key(w): KEEP for w in (KEEP, "attribute", "keep as attribute")}
_IGNORE_WORDS = {name_key(w): IGNORE for w in (IGNORE, "skip")}


@dataclass(frozen=True)
class ColumnChoice:
    """How one column of a file is read."""

    position: int  # from 0
    header: str  # as written in the file ("" when the header cell is blank)
    target: str  # "account", a field, a criterion id, KEEP or IGNORE
    how: str  # BY_MAP, BY_REMEMBERED, BY_NAME, BY_SYNONYM or BY_EXTRA
    note: str = ""  # why a guess was set aside ("ref comes from 'Account ID'")

    @property
    def shown(self) -> str:
        return self.header or f"column {self.position + 1} (no name)"

    @property
    def is_extra(self) -> bool:
        return self.target in EXTRA_CHOICES


@dataclass(frozen=True)
class ColumnPlan:
    """Every column's reading, and what is wrong with the header (``(where, message)``, by column)."""

    choices: tuple[ColumnChoice, ...]
    problems: tuple[tuple[str, str], ...] = ()

    @property
    def kept(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.choices if c.target == KEEP)

    @property
    def ignored(self) -> tuple[str, ...]:
        return tuple(c.shown for c in self.choices if c.target == IGNORE)

    @property
    def left_over(self) -> tuple[str, ...]:
        """The named columns ignored because nothing said what they are (the extra rule, not a map)."""
        return tuple(c.header for c in self.choices if c.target == IGNORE and c.how == BY_EXTRA and c.header)


def target_names(criteria: CriteriaSet) -> tuple[str, ...]:
    """Every reading a column can be given, in the order a person picks from."""
    return (*ACCOUNT_COLUMNS, *criteria.ids, KEEP, IGNORE)


def describe_target(target: str, criteria: CriteriaSet) -> str:
    """A reading in words: ``owner``, ``Strategic fit (strategic_fit)``, ``keep as attribute``, ``ignore``."""
    if target == KEEP:
        return "keep as attribute"
    if target == IGNORE:
        return "ignore"
    if target in criteria.by_id and target not in ACCOUNT_COLUMNS:
        criterion = criteria.by_id[target]
        return (
            criterion.id if name_key(criterion.name) == criterion.id else f"{criterion.name} ({criterion.id})"
        )
    return target


def resolve_target(text: str, criteria: CriteriaSet) -> str | None:
    """The reading ``text`` names: a field, a criterion (id or name), keep or ignore; None when none."""
    key = name_key(text)
    if not key:
        return None
    if key in ACCOUNT_COLUMNS:
        return key
    criterion = criteria.match_column(text)
    if criterion is not None:
        return criterion.id
    return _KEEP_WORDS.get(key) or _IGNORE_WORDS.get(key)


def expected_columns(criteria: CriteriaSet) -> str:
    """The columns an accounts file may have, said once (the end of a refused file's problems)."""
    return (
        f"expected columns: account (required), {', '.join(ACCOUNT_FIELDS)}, and the criteria of "
        f"'{criteria.id}' by id or name: {', '.join(criteria.ids)}; other columns are kept or ignored"
    )


def parse_maps(texts: Iterable[str], criteria: CriteriaSet) -> dict[str, tuple[str, str]]:
    """``FILE COLUMN=FIELD`` maps as typed -> {name_key(column): (column, target)}; every bad one refused.

    The field is the text after the last ``=`` (a column name may hold one); it is an account field, a
    criterion of ``criteria`` (id or name), ``keep`` or ``ignore``."""
    maps: dict[str, tuple[str, str]] = {}
    problems = []
    for text in texts:
        column, equals, wanted = text.rpartition("=")
        column, wanted = column.strip(), wanted.strip()
        if not equals or not column or not wanted:
            problems.append(f"'{text}' is not FILE COLUMN=FIELD")
            continue
        target = resolve_target(wanted, criteria)
        if target is None:
            problems.append(
                f"'{text}': '{wanted}' is no field: use {', '.join(ACCOUNT_COLUMNS)}, a criterion of "
                f"'{criteria.id}' ({', '.join(criteria.ids)}), {KEEP} or {IGNORE}"
            )
            continue
        key = name_key(column)
        if key in maps and maps[key][1] != target:
            problems.append(f"'{text}': column '{column}' is already mapped to {maps[key][1]}")
            continue
        maps[key] = (column, target)
    if problems:
        raise InvalidValueError("{map}: " + "; ".join(problems))
    return maps


def plan_columns(
    header: Sequence[str],
    criteria: CriteriaSet,
    *,
    maps: Mapping[str, tuple[str, str]] | None = None,
    remembered: Mapping[str, str] | None = None,
    extra: str | None = None,
) -> ColumnPlan:
    """Each column's reading (module docstring). ``maps`` as from :func:`parse_maps`; ``remembered``:
    {name_key(column): target} saved for the criteria set (targets no longer valid are skipped);
    ``extra``: KEEP, IGNORE or None (ignore)."""
    maps = maps or {}
    remembered = remembered or {}
    valid = set(target_names(criteria))
    problems: list[tuple[str, str]] = []
    candidates: list[tuple[int, int, str, str]] = []  # (precedence, position, target, how)
    for position, text in enumerate(header):
        key = name_key(text)
        if not key:
            continue
        if key in maps:
            candidates.append((0, position, maps[key][1], BY_MAP))
        elif remembered.get(key) in valid:
            candidates.append((1, position, remembered[key], BY_REMEMBERED))
        elif (own := resolve_own(text, criteria)) is not None:
            candidates.append((2, position, own, BY_NAME))
        elif key in _SYNONYM_OF:
            candidates.append((3, position, _SYNONYM_OF[key], BY_SYNONYM))
    present = {name_key(text) for text in header}
    for key, (column, _) in maps.items():
        if key not in present:
            shown = ", ".join(f"'{h}'" for h in header if h)
            problems.append(("1", f"the file has no column '{column}' to map (its columns: {shown})"))

    fallback = KEEP if extra == KEEP else IGNORE
    chosen: dict[int, ColumnChoice] = {}
    claimed: dict[str, tuple[int, int]] = {}  # target -> (precedence, position) of the column giving it
    for precedence, position, target, how in sorted(candidates):
        text = header[position]
        if target in EXTRA_CHOICES or target not in claimed:
            if target not in EXTRA_CHOICES:
                claimed[target] = (precedence, position)
            chosen[position] = ColumnChoice(position, text, target, how)
            continue
        earlier = header[claimed[target][1]]
        if precedence in (0, 2) and claimed[target][0] in (0, 2):
            problems.append((f"1:{text}", f"column '{text}' repeats column '{earlier}' (both give {target})"))
            continue
        note = f"{target} comes from '{earlier}'"
        chosen[position] = ColumnChoice(position, text, fallback, BY_EXTRA, note)
    attributes: dict[str, str] = {}
    choices = []
    for position, text in enumerate(header):
        choice = chosen.get(position) or ColumnChoice(position, text, fallback if text else IGNORE, BY_EXTRA)
        if choice.target == KEEP:
            if not text:
                choice = ColumnChoice(
                    position, text, IGNORE, choice.how, "a column without a name is not kept"
                )
            elif (key := name_key(text)) in attributes:
                problems.append((f"1:{text}", f"column '{text}' repeats column '{attributes[key]}'"))
            else:
                attributes[key] = text
        choices.append(choice)
    if "account" not in claimed:
        problems.append(("1", "missing required column 'account' (the account's name)"))
    return ColumnPlan(tuple(choices), tuple(problems))


def resolve_own(text: str, criteria: CriteriaSet) -> str | None:
    """What a column gives by its own name: a field, or a criterion by id or name (rule 3)."""
    key = name_key(text)
    if key in ACCOUNT_COLUMNS:
        return key
    criterion = criteria.match_column(text)
    return criterion.id if criterion is not None else None


def extras_line(plan: ColumnPlan) -> str | None:
    """What the import did with the extra columns, in one line (None when there were none)."""
    parts = []
    if plan.kept:
        count = len(plan.kept)
        parts.append(f"{count} column{'s' if count != 1 else ''} kept as attributes: {', '.join(plan.kept)}")
    if plan.ignored:
        count = len(plan.ignored)
        parts.append(f"{count} column{'s' if count != 1 else ''} ignored: {', '.join(plan.ignored)}")
    return "; ".join(parts) or None


def guesses_line(plan: ColumnPlan) -> str | None:
    """The columns read by a CRM name or a remembered map, in one line (None when there were none)."""
    parts = []
    for how, label in ((BY_SYNONYM, "read by their CRM names"), (BY_REMEMBERED, "read by remembered maps")):
        read = [f"'{c.header}' as {c.target}" for c in plan.choices if c.how == how]
        if read:
            parts.append(f"{label}: {', '.join(read)}")
    return "; ".join(parts) or None


# ---------------------------------------------------------------------------------------------- the import


@dataclass(frozen=True)
class AccountImport:
    """A checked accounts file: the updates to write, the attributes kept, and how each column was read.

    ``attributes[i]`` belongs to ``updates[i]``: attribute name -> text (None: the cell was blank, which
    clears a stored attribute). With ``keep_blank`` blank cells were dropped from both."""

    source: str
    plan: ColumnPlan
    updates: list[AccountUpdate]
    attributes: list[dict[str, str | None]]
    notes: tuple[str, ...] = ()
    keep_blank: bool = False

    @property
    def extras(self) -> str | None:
        return extras_line(self.plan)

    @property
    def guesses(self) -> str | None:
        return guesses_line(self.plan)


@dataclass(frozen=True)
class Change:
    """One stored value an import changes: ``old`` -> ``new`` as text ("" for nothing stored / blank)."""

    column: str
    old: str
    new: str

    @property
    def clears(self) -> bool:
        return bool(self.old) and not self.new


@dataclass(frozen=True)
class PreviewRow:
    account: str
    new: bool
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class ImportPreview:
    """What confirming an import would do, account by account (nothing written yet)."""

    imported: AccountImport
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.new)

    @property
    def updated(self) -> int:
        return len(self.rows) - self.created

    @property
    def changed(self) -> int:
        """Accounts already stored that the import changes."""
        return sum(1 for r in self.rows if not r.new and r.changes)

    @property
    def clears(self) -> int:
        """Stored values a blank cell would clear."""
        return sum(1 for r in self.rows for c in r.changes if c.clears)


def preview(
    imported: AccountImport,
    stored: Mapping[str, AccountRecord],
    attributes: Mapping[str, dict[str, str]],
    shown: Callable[[float], str],
) -> ImportPreview:
    """Compare ``imported`` with the stored accounts (``stored``: name_key -> AccountRecord,
    ``attributes``: name_key -> {attribute: text}); ``shown(value)`` writes a stored number as text."""

    def text(value: object) -> str:
        if value is None:
            return ""
        return shown(value) if isinstance(value, float) else str(value)

    rows = []
    for update, attrs in zip(imported.updates, imported.attributes, strict=True):
        key = name_key(update.name)
        record = stored.get(key)
        if record is None:
            rows.append(PreviewRow(update.name, True))
            continue
        changes = []
        for name, value in update.fields.items():
            old = text(getattr(record, name))
            if old != text(value):
                changes.append(Change(name, old, text(value)))
        values = record.values
        for criterion, value in update.values.items():
            old = text(values.get(criterion))
            if old != text(value):
                changes.append(Change(criterion, old, text(value)))
        held = {name_key(k): v for k, v in attributes.get(key, {}).items()}
        for name, value in attrs.items():
            old = held.get(name_key(name)) or ""
            if old != (value or ""):
                changes.append(Change(name, old, value or ""))
        rows.append(PreviewRow(update.name, False, tuple(changes)))
    return ImportPreview(imported, rows)


# ---------------------------------------------------------------------------------------------- filtering


@dataclass(frozen=True)
class AttributeFilter:
    """Accounts whose attribute ``name`` holds ``value`` (both compared by ``name_key``)."""

    name: str
    value: str

    def matches(self, attributes: Mapping[str, str]) -> bool:
        wanted, value = name_key(self.name), name_key(self.value)
        return any(name_key(k) == wanted and name_key(v) == value for k, v in attributes.items())

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


def parse_filter(text: str, names: Sequence[str]) -> AttributeFilter | None:
    """``NAME=VALUE`` as typed (blank: no filter); NAME one of the attribute ``names`` (by name_key)."""
    if not text.strip():
        return None
    name, equals, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not names:
        raise InvalidValueError("no account has attributes yet: keep extra columns when you import a file")
    known = {name_key(n): n for n in names}
    if not equals or not name or not value:
        raise InvalidValueError(
            f"write ATTRIBUTE=VALUE, such as {names[0]}=...; attributes: {', '.join(names)}"
        )
    if name_key(name) not in known:
        raise InvalidValueError(f"no attribute named '{name}' (attributes: {', '.join(names)})")
    return AttributeFilter(known[name_key(name)], value)
