"""Surveys: elements of ten-odd indicators, each rated on the five maturity levels.

A survey is a TOML file (see ``surveys/kam-healthcheck.toml``). ``load_survey`` takes a built-in id or a
path and returns a :class:`Survey`, or raises :class:`SurveyError` listing every problem by file and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamtui.core.errors import Problem, SurveyError
from kamtui.core.tomlfile import TableChecker, read_toml
from kamtui.paths import builtin_dir

LEVEL_COUNT = 5
PRESCRIPTION_COUNT = LEVEL_COUNT - 1


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    element_id: str


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

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(ind for element in self.elements for ind in element.indicators)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(ind.id for ind in self.indicators)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return self._index().get(indicator_id.strip().upper()) or self._index().get(indicator_id.strip())

    def element(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.id == element_id), None)

    def _index(self) -> dict[str, Indicator]:
        index = self.__dict__.get("_indicator_index")
        if index is None:
            index = {}
            for ind in self.indicators:
                index[ind.id] = ind
                index.setdefault(ind.id.upper(), ind)
            object.__setattr__(self, "_indicator_index", index)
        return index

    def to_dict(self) -> dict[str, Any]:
        """The survey as plain data in the TOML file's shape (stored with each assessment)."""
        return {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "description": self.description,
            "elements": [
                {
                    "id": e.id,
                    "name": e.name,
                    "part": e.part,
                    "description": e.description,
                    "levels": list(e.levels),
                    "prescriptions": list(e.prescriptions),
                    "indicators": [{"id": i.id, "text": i.text} for i in e.indicators],
                }
                for e in self.elements
            ],
        }


def survey_from_dict(data: dict[str, Any], source: str = "<survey>") -> Survey:
    """Build and validate a survey from plain data (a parsed TOML file or a stored definition)."""
    check = TableChecker(source)
    top = check.keys(
        data,
        "",
        required={"id": str, "title": str, "version": int, "elements": list},
        optional={"description": str},
    )
    survey_id = check.text(top["id"], "id") if "id" in top else None
    title = check.text(top["title"], "title") if "title" in top else None
    version = top.get("version", 1)
    if "version" in top and version < 1:
        check.add("version", f"expected a whole number >= 1, found {version}")
    elements: list[Element] = []
    element_ids: dict[str, str] = {}
    indicator_ids: dict[str, str] = {}
    raw_elements = top.get("elements", [])
    if "elements" in top and not raw_elements:
        check.add("elements", "the survey has no elements")
    for index, raw in enumerate(raw_elements):
        element = _element(check, raw, f"elements[{index}]", element_ids, indicator_ids)
        if element is not None:
            elements.append(element)
    if check.problems:
        raise SurveyError(source, check.problems)
    assert survey_id is not None and title is not None
    return Survey(
        id=survey_id,
        title=title,
        version=version,
        elements=tuple(elements),
        description=(top.get("description") or "").strip(),
    )


def _element(
    check: TableChecker,
    raw: Any,
    where: str,
    element_ids: dict[str, str],
    indicator_ids: dict[str, str],
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
    element_id = check.text(table["id"], f"{where}.id") if "id" in table else None
    if element_id is not None:
        if element_id in element_ids:
            check.add(
                f"{where}.id", f"duplicate element id '{element_id}' (also at {element_ids[element_id]})"
            )
        else:
            element_ids[element_id] = where
    name = check.text(table["name"], f"{where}.name") if "name" in table else None
    part = table.get("part", 1)
    if "part" in table and part < 1:
        check.add(f"{where}.part", f"expected a whole number >= 1, found {part}")
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
            ind_where = f"{where}.indicators[{i}]"
            ind = check.keys(raw_ind, ind_where, required={"id": str, "text": str}, optional={})
            ind_id = check.text(ind["id"], f"{ind_where}.id") if "id" in ind else None
            text = check.text(ind["text"], f"{ind_where}.text") if "text" in ind else None
            if ind_id is not None:
                if ind_id in indicator_ids:
                    check.add(
                        f"{ind_where}.id",
                        f"duplicate indicator id '{ind_id}' (also at {indicator_ids[ind_id]})",
                    )
                else:
                    indicator_ids[ind_id] = ind_where
            if ind_id is not None and text is not None:
                indicators.append(Indicator(id=ind_id, text=text, element_id=element_id or ""))
    if len(check.problems) > before:
        return None
    assert element_id and name and levels and prescriptions
    return Element(
        id=element_id,
        name=name,
        part=part,
        levels=tuple(levels),
        prescriptions=tuple(prescriptions),
        indicators=tuple(indicators),
        description=(table.get("description") or "").strip(),
    )


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
