"""Workbooks for Excel (README, "Workbooks"): the healthcheck read-out and the selection of a run.

Every workbook is written to a temporary file beside the target and renamed, so a failed export leaves no
partial file. A selection workbook always traces back to a saved run; when the export of a new ranking
fails (a full disk, a read-only folder), the run saved for it is taken back, so nothing is left saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kamtui.core.errors import KamError, NotFoundError
from kamtui.core.healthcheck import DEFAULT_TARGET
from kamtui.core.ranking import Params
from kamtui.service import healthcheck as hc
from kamtui.service import ranking as rk
from kamtui.service.accounts import count as count_accounts
from kamtui.service.criteria import resolve_criteria
from kamtui.service.database import Database


@dataclass(frozen=True)
class Exported:
    path: Path
    run_id: int | None = None
    new_run: bool = False  # a ranking was saved as a new run for this workbook


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def export_healthcheck(
    db: Database,
    assessment_id: int,
    output: str | None = None,
    *,
    compare: hc.Compare = hc.PREVIOUS,
    target: int = DEFAULT_TARGET,
    no_names: bool = False,
) -> Exported:
    """The healthcheck workbook of an assessment (Summary, Elements, Indicators, Answers, Comments,
    Prescription, Actions, About), compared with ``compare`` (by default the programme's previous
    assessment, as Results and ``healthcheck report``). ``no_names``: respondent codes instead of names,
    and roles of fewer than the assessment's minimum group size left out (kamtui.core.confidential)."""
    from kamtui.core.confidential import protect_rows
    from kamtui.excel.common import export_path
    from kamtui.excel.healthcheck_workbook import write_healthcheck_workbook
    from kamtui.service import actions, participants

    hc.get_assessment(db, assessment_id)  # an unknown id is refused before anything is written
    if no_names:
        participants.assign_missing_codes(db, assessment_id)
    respondents = hc.respondents(db, assessment_id)
    codes = {p["name"]: p["code"] for p in respondents} if no_names else None
    report = hc.report(db, assessment_id, target=target, compare=compare, conceal=no_names, codes=codes)
    earlier_id = report.meta.get("compare")
    earlier = hc.report(db, earlier_id, target=target, conceal=no_names) if earlier_id is not None else None
    answers, respondents = protect_rows(
        hc.answers(db, assessment_id), respondents, participants.options(db, assessment_id), no_names=no_names
    )
    now = _now()
    path = export_path("healthcheck", f"{assessment_id} {report.meta.get('title') or ''}", output, now)
    write_healthcheck_workbook(
        report,
        answers,
        respondents,
        path,
        earlier,
        exported_at=now,
        actions=actions.list_actions(db, assessment_id),
        earlier_actions=actions.beside_trend(db, report),
    )
    return Exported(path)


def export_compare(
    db: Database, ids: list[int], output: str | None = None, *, target: int = DEFAULT_TARGET
) -> Exported:
    """The side-by-side workbook of the assessments ``ids`` (Compare, Differences, About)."""
    from kamtui.excel.common import export_path
    from kamtui.excel.compare_workbook import write_compare_workbook
    from kamtui.service.compare import compare_assessments

    export_path("compare", "", output, _now())  # a bad output path is refused before anything is scored
    comparison = compare_assessments(db, ids, target=target)
    now = _now()
    path = export_path("compare", " ".join(str(i) for i in ids), output, now)
    write_compare_workbook(comparison, path, exported_at=now)
    return Exported(path)


def check_output(output: str | None) -> None:
    """Refuse a bad output path before anything is computed or saved."""
    from kamtui.excel.common import export_path

    export_path("selection", "", output, _now())


def export_run(db: Database, run_id: int, output: str | None = None) -> Exported:
    """The selection workbook of a saved run, exactly as it was saved."""
    from kamtui.excel.common import export_path
    from kamtui.excel.selection_workbook import write_selection_workbook

    ranking = rk.run(db, run_id)
    earlier = [r.id for r in rk.runs(db) if r.id < run_id and r.criteria == ranking.criteria.id]
    previous = rk.run(db, earlier[-1]) if earlier else None  # the Changes sheet: since the previous run
    now = _now()
    path = export_path("selection", f"run {run_id} {ranking.criteria.id}", output, now)
    write_selection_workbook(ranking, path, exported_at=now, previous=previous)
    return Exported(path, run_id)


def export_ranking(
    db: Database,
    ranking: rk.Ranking,
    output: str | None = None,
    note: str | None = None,
    saved_by: str | None = None,
) -> Exported:
    """Save ``ranking`` as a new run and write its workbook; if the workbook fails, the run is taken back."""
    check_output(output)
    saved = rk.save_run(db, ranking, note, saved_by)
    assert saved.run_id is not None
    try:
        exported = export_run(db, saved.run_id, output)
    except BaseException:
        rk.delete_run(db, saved.run_id)
        raise
    return Exported(exported.path, saved.run_id, new_run=True)


def export_selection(
    db: Database,
    *,
    run_id: int | None = None,
    criteria_ref: str | None = None,
    params: Params | None = None,
    output: str | None = None,
    note: str | None = None,
    saved_by: str | None = None,
) -> Exported:
    """A saved run's workbook, or (without ``run_id``) the current ranking with ``params``, saved first."""
    if run_id is not None:
        if criteria_ref or params is not None:
            raise KamError("a saved run keeps its own criteria set and parameters: choose {run} or a new ranking")
        check_output(output)
        return export_run(db, run_id, output)
    check_output(output)
    criteria = resolve_criteria(db, criteria_ref)
    if count_accounts(db) == 0:
        raise NotFoundError("no accounts to rank yet: import them first, or export a saved run", hint="import")
    return export_ranking(db, rk.rank(db, criteria, params or Params()), output, note, saved_by)
