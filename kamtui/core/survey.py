"""Surveys: elements of ten-odd indicators (statements), each rated 1-5 against five anchors.

A survey is a TOML file (see ``surveys/kam-healthcheck.toml`` and the README's "Survey files"). ``load_survey``
takes a built-in id or a path and returns a :class:`Survey`, or raises :class:`SurveyError` listing every
problem by file and key.

What a statement is rated against (:meth:`Survey.anchors_for`), most specific first: the indicator's own
``levels`` (five anchors for a statement that needs them, e.g. one whose levels are frequencies), else the
survey's ``scale`` (five extent anchors every statement is rated on), else the element's five level
descriptions (version-1 surveys have neither key). A rating is a level 1-5 in every case, so scoring is the
same (README, "Healthcheck"). An indicator of a short survey may name the indicator of the full healthcheck
it corresponds to in ``maps_to``.

Ids inside one file are compared with :func:`kamtui.core.names.name_key` (``PCM-01`` and ``pcm-01`` are the
same id) and checked with :func:`kamtui.core.names.name_problem` (no invisible characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamtui.core.errors import NotFoundError, Problem, SurveyError
from kamtui.core.names import name_key, name_problem
from kamtui.core.tomlfile import TableChecker, read_toml
from kamtui.paths import builtin_dir

LEVEL_COUNT = 5
PRESCRIPTION_COUNT = LEVEL_COUNT - 1
MAX_WHOLE = 2**63 - 1  # versions and parts are stored as SQLite integers (64 bits, signed)
# An indicator id as ``maps_to`` names it: letters and digits in runs joined by '-', '_' or '.'.
_ID_SHAPE = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    element_id: str
    levels: tuple[str, ...] = ()  # the statement's own five anchors (level 1..5), if it has them
    maps_to: str | None = None  # the kam-healthcheck indicator this one corresponds to


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    part: int
    levels: tuple[str, ...]  # what each of the 5 levels looks like for this element
    prescriptions: tuple[str, ...]  # prescriptions[k] moves the element from level k+1 to k+2
    indicators: tuple[Indicator, ...]
    description: str = ""


@dataclass(frozen=True)
class Survey:
    id: str
    title: str
    version: int
    elements: tuple[Element, ...]
    description: str = ""
    scale: tuple[str, ...] = field(default=())  # five extent anchors (level 1..5) for every statement

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(ind for element in self.elements for ind in element.indicators)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(ind.id for ind in self.indicators)

    def indicator(self, indicator_id: str) -> Indicator | None:
        """The indicator with this id (compared by :func:`name_key`), or None."""
        return self._index().get(name_key(indicator_id))

    def element(self, element_id: str) -> Element | None:
        exact = next((e for e in self.elements if e.id == element_id), None)
        if exact is not None:
            return exact
        key = name_key(element_id)
        return next((e for e in self.elements if name_key(e.id) == key), None)

    def anchors_for(self, indicator_id: str) -> tuple[str, ...]:
        """The five anchors (level 1..5) the indicator is rated against, most specific first.

        The indicator's own ``levels``, else the survey's ``scale``, else its element's level descriptions.
        An unknown id raises :class:`NotFoundError`.
        """
        return self._anchors(indicator_id)[1]

    def anchors_source(self, indicator_id: str) -> str:
        """Where :meth:`anchors_for` takes the anchors from: ``"indicator"``, ``"scale"`` or ``"element"``."""
        return self._anchors(indicator_id)[0]

    def _anchors(self, indicator_id: str) -> tuple[str, tuple[str, ...]]:
        ind = self.indicator(indicator_id)
        if ind is None:
            raise NotFoundError(f"survey '{self.id}' has no indicator '{indicator_id}'")
        if ind.levels:
            return "indicator", ind.levels
        if self.scale:
            return "scale", self.scale
        element = self.element(ind.element_id)
        assert element is not None
        return "element", element.levels

    def _index(self) -> dict[str, Indicator]:
        index = self.__dict__.get("_indicator_index")
        if index is None:
            index = {}
            for ind in self.indicators:
                index.setdefault(name_key(ind.id), ind)
            object.__setattr__(self, "_indicator_index", index)
        return index

    def to_dict(self) -> dict[str, Any]:
        """The survey as plain data in the TOML file's shape (stored with each assessment).

        Keys a version-1 survey does not use (``scale``, an indicator's ``levels`` and ``maps_to``) are left
        out when empty, so a version-1 survey gives the same data as before they existed.
        """
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "description": self.description,
        }
        if self.scale:
            out["scale"] = list(self.scale)
        out["elements"] = [
            {
                "id": e.id,
                "name": e.name,
                "part": e.part,
                "description": e.description,
                "levels": list(e.levels),
                "prescriptions": list(e.prescriptions),
                "indicators": [_indicator_dict(i) for i in e.indicators],
            }
            for e in self.elements
        ]
        return out


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ind.id, "text": ind.text}
    if ind.levels:
        out["levels"] = list(ind.levels)
    if ind.maps_to is not None:
        out["maps_to"] = ind.maps_to
    return out


def survey_from_dict(data: dict[str, Any], source: str = "<survey>") -> Survey:
    """Build and validate a survey from plain data (a parsed TOML file or a stored definition)."""
    check = TableChecker(source)
    top = check.keys(
        data,
        "",
        required={"id": str, "title": str, "version": int, "elements": list},
        optional={"description": str, "scale": list},
    )
    survey_id = _id(check, top["id"], "id", "the survey id") if "id" in top else None
    title = check.text(top["title"], "title") if "title" in top else None
    version = _whole(check, top["version"], "version") if "version" in top else 1
    scale = _anchors(check, top["scale"], "scale", "scale anchors") if "scale" in top else ()
    elements: list[Element] = []
    element_ids: dict[str, tuple[str, str]] = {}
    indicator_ids: dict[str, tuple[str, str]] = {}
    raw_elements = top.get("elements", [])
    if "elements" in top and not raw_elements:
        check.add("elements", "the survey has no elements")
    for index, raw in enumerate(raw_elements):
        element = _element(check, raw, f"elements[{index}]", element_ids, indicator_ids)
        if element is not None:
            elements.append(element)
    if check.problems:
        raise SurveyError(source, check.problems)
    assert survey_id is not None and title is not None and version is not None and scale is not None
    return Survey(
        id=survey_id,
        title=title,
        version=version,
        elements=tuple(elements),
        description=(top.get("description") or "").strip(),
        scale=tuple(scale),
    )


def _element(
    check: TableChecker,
    raw: Any,
    where: str,
    element_ids: dict[str, tuple[str, str]],
    indicator_ids: dict[str, tuple[str, str]],
) -> Element | None:
    before = len(check.problems)
    table = check.keys(
        raw,
        where,
        required={
            "id": str,
            "name": str,
            "part": int,
            "levels": list,
            "prescriptions": list,
            "indicators": list,
        },
        optional={"description": str},
    )
    element_id = _id(check, table["id"], f"{where}.id", "an element id") if "id" in table else None
    if element_id is not None:
        _unique(check, element_id, f"{where}.id", "element id", element_ids)
    name = check.text(table["name"], f"{where}.name") if "name" in table else None
    part = _whole(check, table["part"], f"{where}.part") if "part" in table else 1
    levels = (
        check.text_list(table["levels"], f"{where}.levels", LEVEL_COUNT, "level descriptions")
        if "levels" in table
        else None
    )
    prescriptions = (
        check.text_list(
            table["prescriptions"],
            f"{where}.prescriptions",
            PRESCRIPTION_COUNT,
            "prescriptions (1->2 .. 4->5)",
        )
        if "prescriptions" in table
        else None
    )
    indicators: list[Indicator] = []
    if "indicators" in table:
        if not table["indicators"]:
            label = f" '{element_id}'" if element_id else ""
            check.add(f"{where}.indicators", f"element{label} has no indicators")
        for i, raw_ind in enumerate(table["indicators"]):
            ind = _indicator(check, raw_ind, f"{where}.indicators[{i}]", element_id or "", indicator_ids)
            if ind is not None:
                indicators.append(ind)
    if len(check.problems) > before:
        return None
    assert element_id and name and levels and prescriptions and part is not None
    return Element(
        id=element_id,
        name=name,
        part=part,
        levels=tuple(levels),
        prescriptions=tuple(prescriptions),
        indicators=tuple(indicators),
        description=(table.get("description") or "").strip(),
    )


def _indicator(
    check: TableChecker, raw: Any, where: str, element_id: str, seen: dict[str, tuple[str, str]]
) -> Indicator | None:
    before = len(check.problems)
    ind = check.keys(raw, where, required={"id": str, "text": str}, optional={"levels": list, "maps_to": str})
    ind_id = _id(check, ind["id"], f"{where}.id", "an indicator id") if "id" in ind else None
    text = check.text(ind["text"], f"{where}.text") if "text" in ind else None
    if ind_id is not None:
        _unique(check, ind_id, f"{where}.id", "indicator id", seen)
    levels = _anchors(check, ind["levels"], f"{where}.levels", "levels") if "levels" in ind else ()
    maps_to = None
    if "maps_to" in ind:
        maps_to = check.text(ind["maps_to"], f"{where}.maps_to")
        if maps_to is not None and not _ID_SHAPE.fullmatch(maps_to):
            check.add(
                f"{where}.maps_to",
                f"'{maps_to}' is not an indicator id (letters and digits joined by '-', '_' or '.', "
                "such as KPR-01)",
            )
    if len(check.problems) > before or ind_id is None or text is None:
        return None
    return Indicator(id=ind_id, text=text, element_id=element_id, levels=tuple(levels or ()), maps_to=maps_to)


def _id(check: TableChecker, value: Any, where: str, what: str) -> str | None:
    """A non-empty id without invisible characters, or a problem."""
    text = check.text(value, where)
    if text is None:
        return None
    problem = name_problem(text, what)
    if problem:
        check.add(where, problem)
        return None
    return text


def _unique(check: TableChecker, value: str, where: str, what: str, seen: dict[str, tuple[str, str]]) -> None:
    """Record ``value`` under its name key, or report it as a duplicate of an earlier id."""
    key = name_key(value)
    if key not in seen:
        seen[key] = (where.rsplit(".", 1)[0], value)
        return
    first_where, first_value = seen[key]
    if first_value == value:
        check.add(where, f"duplicate {what} '{value}' (also at {first_where})")
    else:
        check.add(
            where,
            f"duplicate {what} '{value}' (also at {first_where}, written '{first_value}'; "
            "ids are compared ignoring case and Unicode form)",
        )


def _whole(check: TableChecker, value: int, where: str) -> int | None:
    """A whole number from 1 to 2**63 - 1 (TOML integers may be larger), or a problem."""
    if 1 <= value <= MAX_WHOLE:
        return value
    if value < 1:
        check.add(where, f"expected a whole number >= 1, found {value}")
        return None
    digits = len(str(value))
    shown = str(value) if digits <= 30 else f"a number of {digits} digits"
    check.add(
        where, f"expected a whole number >= 1 and at most {MAX_WHOLE} (2**63 - 1, 64 bits), found {shown}"
    )
    return None


def _anchors(check: TableChecker, value: list[Any], where: str, what: str) -> list[str] | None:
    """Five anchors (level 1..5): distinct, non-empty, one-line texts, or problems."""
    texts = check.text_list(value, where, LEVEL_COUNT, f"{what} (one per level 1 to 5)")
    if texts is None:
        return None
    ok = True
    seen: dict[str, int] = {}
    for index, text in enumerate(texts):
        problem = name_problem(text, "an anchor")
        if problem:
            check.add(f"{where}[{index}]", problem)
            ok = False
            continue
        key = name_key(text)
        if key in seen:
            check.add(
                f"{where}[{index}]",
                f"anchor of level {index + 1} repeats the anchor of level {seen[key] + 1} ('{text}'); "
                "each level needs its own anchor",
            )
            ok = False
        else:
            seen[key] = index
    return texts if ok else None


def load_survey(ref: str | Path) -> Survey:
    """Load a survey by built-in id (``kam-healthcheck``) or by path to a TOML file."""
    path, source = resolve_survey(ref)
    data, problems = read_toml(path, source)
    if data is None:
        raise SurveyError(source, problems)
    return survey_from_dict(data, source)


def resolve_survey(ref: str | Path) -> tuple[Path, str]:
    """The file behind a survey reference and the name to show in messages."""
    text = str(ref)
    candidate = Path(text).expanduser()
    looks_like_path = text.endswith(".toml") or "/" in text or "\\" in text or candidate.exists()
    if looks_like_path:
        return candidate, text
    builtin = builtin_dir("surveys") / f"{text}.toml"
    if builtin.is_file():
        return builtin, f"{text}.toml"
    known = ", ".join(builtin_survey_ids()) or "none"
    message = f"no built-in survey with this id and no such file (built-in: {known})"
    raise SurveyError(text, [Problem(text, "", message)])


def builtin_survey_ids() -> list[str]:
    folder = builtin_dir("surveys")
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def list_builtin_surveys() -> list[Survey]:
    return [load_survey(survey_id) for survey_id in builtin_survey_ids()]
