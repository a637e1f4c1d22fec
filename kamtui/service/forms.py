"""Pre-work by Excel (README, "Answer forms"): personal answer forms out, returned forms in.

``write_forms`` makes one workbook per person of a people list (or N blank forms with codes for an
anonymous assessment) and records each form issued; ``collect_forms`` reads returned forms and writes all
their answers in one transaction, or nothing and every problem as ``file:Answers!D17: ...``. A form is
tied to its assessment, survey version and respondent by hidden fields and a checksum keyed with this
database's secret, so a form edited by hand, or made for another assessment, is refused by name.
Collecting an updated form again updates that respondent's answers in place; a blank Answer cell never
deletes an answer given before (nothing is lost by returning an older copy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kamtui.core.errors import InvalidValueError
from kamtui.core.forms import CollectResult, blank_form_specs, collect, form_specs, people_from_table
from kamtui.service.database import Database


@dataclass(frozen=True)
class WrittenForms:
    folder: Path
    paths: tuple[Path, ...]
    respondents: tuple[str, ...]


@dataclass(frozen=True)
class Collected:
    result: CollectResult
    written: bool  # False for a dry run

    def to_json(self) -> dict:
        return {**self.result.to_json(), "written": self.written}


def write_forms(
    db: Database,
    assessment_id: int,
    *,
    people_file: str | Path | None = None,
    blank: int | None = None,
    role: str | None = None,
    output: str | None = None,
) -> WrittenForms:
    """One form per person of ``people_file`` (CSV/XLSX: name, role, optional email), or ``blank`` forms."""
    from kamtui.excel.forms_workbook import forms_folder
    from kamtui.excel.forms_workbook import write_forms as write_workbooks
    from kamtui.service.files import read_table
    from kamtui.store import forms as store
    from kamtui.store.healthchecks import get_assessment, is_anonymous, list_respondents

    assessment = get_assessment(db, assessment_id)
    anonymous = is_anonymous(db.conn, assessment_id)
    if (people_file is None) == (blank is None):
        raise InvalidValueError("give either a list of people or a number of blank forms, not both or neither")
    if blank is not None:
        taken = [r["name"] for r in list_respondents(db, assessment_id)]
        specs = blank_form_specs(assessment_id, assessment.title, assessment.survey, blank, role=role, taken=taken)
    else:
        if anonymous:
            raise InvalidValueError(
                f"assessment {assessment_id} is anonymous: its forms carry codes, not names; ask for blank forms"
            )
        people = people_from_table(read_table(people_file, db=db))  # type: ignore[arg-type]
        specs = form_specs(assessment_id, assessment.title, assessment.survey, people)
    secret = store.forms_secret(db)
    folder = forms_folder(f"{assessment_id} {assessment.title}", output, dt.datetime.now().astimezone())
    paths = write_workbooks(folder, specs, secret=secret)
    store.record_issued(
        db,
        assessment_id,
        [(spec.form_id, spec.respondent, spec.role, spec.email, str(path)) for spec, path in zip(specs, paths, strict=True)],
    )
    return WrittenForms(folder, tuple(paths), tuple(spec.respondent for spec in specs))


def collect_forms(
    db: Database, assessment_id: int, paths: list[str | Path], *, dry_run: bool = False
) -> Collected:
    """Read the returned forms in ``paths`` (files or folders of .xlsx) and write their answers, all or none."""
    from kamtui.excel.forms_reader import read_forms
    from kamtui.store import forms as store
    from kamtui.store.healthchecks import get_assessment, import_answers

    assessment = get_assessment(db, assessment_id)
    forms, problems = read_forms(paths)
    expected = [row["respondent"] for row in store.issued_forms(db, assessment_id)]
    result = collect(
        forms,
        assessment_id,
        assessment.survey,
        expected,
        assessment_title=assessment.title,
        problems=problems,
        secret=store.forms_secret(db),
        source=", ".join(str(p) for p in paths) or "the returned forms",
    )
    if not dry_run:
        form_ids = [summary.form_id for summary in result.forms]
        import_answers(db, assessment_id, list(result.rows), also=lambda conn: store.mark_collected(conn, form_ids))
    return Collected(result, written=not dry_run)


def issued(db: Database, assessment_id: int) -> list[dict]:
    """The forms written for an assessment, with when each came back (None: not yet)."""
    from kamtui.store import forms as store

    return store.issued_forms(db, assessment_id)
