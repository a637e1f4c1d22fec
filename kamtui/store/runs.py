"""Selection runs: a ranking frozen with its weights, parameters, seed, scores and results (README,
"Database": ``runs`` and ``run_results``). A saved run gives back exactly what was saved."""

from __future__ import annotations

import json
from typing import Any

from kamtui import __version__
from kamtui.core.errors import NotFoundError
from kamtui.core.ranking import Params, RankedAccount, Ranking
from kamtui.store import decode
from kamtui.store.db import Store, now

MAX_ID = 2**63 - 1


def save_run(store: Store, ranking: Ranking, note: str | None = None, saved_by: str | None = None) -> int:
    """Freeze a ranking: weights, parameters, seed, scores and results, with a note and who saved it
    (``runs.saved_by``), all in one transaction."""
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT INTO runs (created_at, criteria_set, criteria_json, weights_json, params_json, binding_json, "
            "kamtui_version, note, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now(),
                ranking.criteria.id,
                json.dumps(ranking.criteria.to_dict(), ensure_ascii=False),
                json.dumps({"points": ranking.points, "weights": ranking.weights}),
                json.dumps({**ranking.params.to_json(), "notes": ranking.notes}),
                json.dumps(ranking.binding),
                __version__,
                note,
                saved_by,
            ),
        )
        run_id = int(cursor.lastrowid)
        conn.executemany(
            "INSERT INTO run_results (run_id, position, account, owner, segment, ref, rank, overall, "
            "attractiveness, strength, quadrant, coverage, p_top_k, rank_p5, rank_p95, effort, selected, "
            "values_json, normalised_json, attributes_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    position,
                    a.account,
                    a.owner,
                    a.segment,
                    a.ref,
                    a.rank,
                    a.overall,
                    a.attractiveness,
                    a.strength,
                    a.quadrant,
                    a.coverage,
                    a.p_top_k,
                    a.rank_p5,
                    a.rank_p95,
                    a.effort,
                    int(a.selected),
                    json.dumps(a.values),
                    json.dumps(a.normalised),
                    json.dumps(a.attributes, ensure_ascii=False) if a.attributes else None,
                )
                for position, a in enumerate(ranking.accounts, start=1)
            ],
        )
    return run_id


def list_runs(store: Store) -> list[dict[str, Any]]:
    """Every run, oldest first: id, created_at, criteria_set, params, binding, note, saved_by and counts."""
    rows = store.query(
        """SELECT r.id, r.created_at, r.criteria_set, r.params_json, r.binding_json, r.note, r.saved_by,
                  (SELECT count(*) FROM run_results x WHERE x.run_id = r.id) AS accounts,
                  (SELECT count(*) FROM run_results x WHERE x.run_id = r.id AND x.selected) AS selected
           FROM runs r ORDER BY r.id"""
    )
    for row in rows:
        row["params"] = decode.json_value(store.path, f"runs row {row['id']}: params_json", row.pop("params_json"))
        row["binding"] = decode.json_value(
            store.path, f"runs row {row['id']}: binding_json", row.pop("binding_json"), list
        )
    return rows


def run_not_found(run_id: int) -> NotFoundError:
    return NotFoundError(f"no selection run with id {run_id}", hint="runs")


def load_run(store: Store, run_id: int) -> Ranking:
    """A saved run exactly as it was saved, whatever happened to the accounts since."""
    from kamtui.core.criteria_file import parse_criteria

    if not 1 <= run_id <= MAX_ID:
        raise run_not_found(run_id)
    rows = store.query("SELECT * FROM runs WHERE id = ?", (run_id,))
    if not rows:
        raise run_not_found(run_id)
    run = rows[0]
    path = store.path
    weights = decode.json_value(path, f"runs row {run_id}: weights_json", run["weights_json"])
    raw_params = decode.json_value(path, f"runs row {run_id}: params_json", run["params_json"])
    criteria_data = decode.json_value(path, f"runs row {run_id}: criteria_json", run["criteria_json"])
    binding = decode.json_value(path, f"runs row {run_id}: binding_json", run["binding_json"], list)
    notes = raw_params.pop("notes", [])
    params = decode.decoded(
        path,
        f"runs row {run_id}: params_json",
        lambda: Params(**{k: tuple(v) if k in ("include", "exclude") else v for k, v in raw_params.items()}),
    )
    results = store.query("SELECT * FROM run_results WHERE run_id = ? ORDER BY position", (run_id,))

    def account(r: dict[str, Any]) -> RankedAccount:
        where = f"run_results row {run_id}/{r['position']}"
        return RankedAccount(
            account=r["account"],
            owner=r["owner"],
            segment=r["segment"],
            ref=r["ref"],
            rank=r["rank"],
            overall=r["overall"],
            attractiveness=r["attractiveness"],
            strength=r["strength"],
            quadrant=r["quadrant"],
            coverage=r["coverage"],
            p_top_k=r["p_top_k"],
            rank_p5=r["rank_p5"],
            rank_p95=r["rank_p95"],
            effort=r["effort"],
            selected=bool(r["selected"]),
            values=decode.json_value(path, f"{where}: values_json", r["values_json"]),
            normalised=decode.json_value(path, f"{where}: normalised_json", r["normalised_json"]),
            attributes=(
                decode.json_value(path, f"{where}: attributes_json", r["attributes_json"])
                if r.get("attributes_json") is not None
                else {}
            ),
        )

    return Ranking(
        criteria=decode.decoded(
            path, f"runs row {run_id}: criteria_json", lambda: parse_criteria(criteria_data, f"run {run_id} criteria")
        ),
        points=decode.decoded(path, f"runs row {run_id}: weights_json", lambda: dict(weights["points"])),
        weights=decode.decoded(path, f"runs row {run_id}: weights_json", lambda: dict(weights["weights"])),
        params=params,
        binding=binding,
        accounts=[account(r) for r in results],
        notes=notes,
        run_id=run_id,
        created_at=run["created_at"],
        note=run["note"],
        saved_by=run.get("saved_by"),
    )


def set_note(store: Store, run_id: int, note: str | None) -> None:
    """Set the note of a saved run (its results never change)."""
    if not 1 <= run_id <= MAX_ID:
        raise run_not_found(run_id)
    with store.write() as conn:
        changed = conn.execute("UPDATE runs SET note = ? WHERE id = ?", (note, run_id)).rowcount
    if not changed:
        raise run_not_found(run_id)


def delete_run(store: Store, run_id: int) -> None:
    """Remove a run and its results (an export that failed after saving its run takes the run back)."""
    with store.write() as conn:
        conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))
