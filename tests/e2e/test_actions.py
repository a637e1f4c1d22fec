"""``kamtui actions add / list / set / carry``: the action plan, read back from the ``actions`` table."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def rows(db: Path, sql: str = "SELECT * FROM actions ORDER BY id") -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def prescriptions(element_id: str) -> list[str]:
    """The element's prescriptions as the survey file has them (read here, not through kamtui)."""
    data = tomllib.loads((ROOT / "surveys" / "kam-healthcheck.toml").read_text(encoding="utf-8"))
    return next(e["prescriptions"] for e in data["elements"] if e["id"] == element_id)


@pytest.fixture
def programme(cli) -> tuple[int, int]:
    """Two assessments of one programme; in the second, account selection is answered 3, 3, 4 (level 3)."""
    assert cli("healthcheck", "new", "--title", "Spring", "--programme", "P").stdout == "1\n"
    assert cli("healthcheck", "new", "--title", "Autumn", "--programme", "P").stdout == "2\n"
    for indicator, value in (("ASL-01", 3), ("ASL-02", 3), ("ASL-03", 4)):
        assert cli("healthcheck", "answer", 2, "--respondent", "Ann", indicator, value).code == 0
    return 1, 2


def add(cli, *args: object) -> int:
    result = cli("actions", "add", *args)
    assert result.code == 0, result.output
    return int(result.stdout)


def test_add_prints_the_id_alone_and_fills_in_the_prescription(cli, db_path, programme):
    result = cli(
        "actions", "add", 2, "--element", "account-selection", "--owner", "Priya", "--due", "2026-03-31"
    )
    assert (result.code, result.stdout, result.stderr) == (0, "1\n", "")
    (row,) = rows(db_path)
    # (3 + 3 + 4) / 3 = 3.33: level 3, so the step 3 -> 4 is the text
    assert (row["assessment_id"], row["element"], row["owner"], row["due"], row["status"]) == (
        2,
        "account-selection",
        "Priya",
        "2026-03-31",
        "open",
    )
    assert row["text"] == prescriptions("account-selection")[2]
    assert row["carried_from"] is None and row["created_at"] == row["updated_at"]
    # by name (any case), with a text of one's own; an element without answers starts from level 1 -> 2
    second = add(
        cli, 2, "--element", "KAM PROCESS", "--owner", "Tom", "--due", "2024-02-29", "--text", "Write it"
    )
    third = add(cli, 2, "--element", "kam-process", "--owner", "Tom", "--due", "2026-01-31")
    assert (second, third) == (2, 3)
    texts = [r["text"] for r in rows(db_path)]
    assert texts[1:] == ["Write it", prescriptions("kam-process")[0]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--due", "2026-02-30"], "error: --due: 2026-02-30 is not a date: February 2026 has 28 days"),
        (["--due", "2025-02-29"], "error: --due: 2025-02-29 is not a date: February 2025 has 28 days"),
        (["--due", "2026-04-31"], "error: --due: 2026-04-31 is not a date: April 2026 has 30 days"),
        (["--due", "2026-13-01"], "error: --due: 2026-13-01 is not a date: there is no month 13"),
        (["--due", "31/03/2026"], "error: --due: expected a date as YYYY-MM-DD, got '31/03/2026'"),
        (["--element", "nope"], "error: --element: 'nope' is not an element of survey 'kam-healthcheck' ("),
        (["--owner", "  "], "error: an action needs an owner (--owner)"),
        (["--text", " "], "error: an action needs a text (--text)"),
    ],
    ids=["feb-30", "feb-29-2025", "apr-31", "month-13", "format", "element", "owner", "text"],
)
def test_add_refuses_and_writes_nothing(cli, db_path, programme, args, message):
    base = {"--element": "account-selection", "--owner": "Priya", "--due": "2026-03-31"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    flags = [item for key, value in {**base, **given}.items() for item in (key, value)]
    result = cli("actions", "add", 2, *flags)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.startswith(message), result.stderr
    assert rows(db_path) == []


def test_add_to_an_unknown_assessment(cli, db_path, programme):
    result = cli("actions", "add", 9, "--element", "kam-process", "--owner", "Tom", "--due", "2026-03-31")
    assert (result.code, result.stdout) == (1, "")
    assert "error: no assessment with id 9 (see: kamtui healthcheck list)" in result.stderr
    assert rows(db_path) == []


def test_list_json_and_table(cli, programme):
    add(
        cli,
        1,
        "--element",
        "kam-process",
        "--owner",
        "Tom",
        "--due",
        "2026-01-31",
        "--text",
        "Map the process",
    )
    add(
        cli,
        2,
        "--element",
        "account-selection",
        "--owner",
        "Priya",
        "--due",
        "2026-03-31",
        "--text",
        "Criteria",
    )
    everything = json.loads(cli("actions", "list", "--json").stdout)
    assert [
        {k: a[k] for k in ("id", "assessment", "element", "text", "owner", "due", "status")} for a in everything
    ] == [
        {"id": 1, "assessment": 1, "element": "kam-process", "text": "Map the process", "owner": "Tom",
         "due": "2026-01-31", "status": "open"},
        {"id": 2, "assessment": 2, "element": "account-selection", "text": "Criteria", "owner": "Priya",
         "due": "2026-03-31", "status": "open"},
    ]  # fmt: skip
    assert [a["id"] for a in json.loads(cli("actions", "list", 2, "--json").stdout)] == [2]
    table = cli("actions", "list", 2).stdout
    assert "Criteria" in table and "Priya" in table and "Map the process" not in table
    assert cli("actions", "list", 9).code == 1


def test_set_changes_what_is_given_and_a_refusal_changes_nothing(cli, db_path, programme):
    add(cli, 2, "--element", "kam-process", "--owner", "Tom", "--due", "2026-01-31", "--text", "Map it")
    ok = cli("actions", "set", 1, "--status", "Doing", "--owner", "Ann", "--due", "2026-02-28")
    assert ok.code == 0, ok.output
    assert ok.stdout == "action 1: doing, Ann, due 2026-02-28: Map it\n"
    (row,) = rows(db_path)
    assert (row["status"], row["owner"], row["due"], row["text"]) == ("doing", "Ann", "2026-02-28", "Map it")
    before = rows(db_path)
    for args, message in [
        (["--status", "done", "--due", "2026-02-30"], "error: --due: 2026-02-30 is not a date"),
        (["--status", "finished"], "error: --status: expected open, doing, done or dropped, got 'finished'"),
    ]:
        refused = cli("actions", "set", 1, *args)
        assert (refused.code, refused.stdout) == (1, "")
        assert refused.stderr.startswith(message), refused.stderr
    assert rows(db_path) == before  # the status given beside the bad date was not written either
    unknown = cli("actions", "set", 7, "--status", "done")
    assert unknown.code == 1
    assert "error: no action with id 7 (see: kamtui actions list)" in unknown.stderr
    assert cli("actions", "set", 1).code == 2  # nothing to change: a usage error


def test_carry_copies_the_unfinished_actions_once(cli, db_path, programme):
    for element, status in (
        ("kam-process", "open"),
        ("account-plans", "doing"),
        ("account-selection", "done"),
    ):
        action = add(cli, 1, "--element", element, "--owner", "Tom", "--due", "2026-01-31", "--text", element)
        if status != "open":
            assert cli("actions", "set", action, "--status", status).code == 0
    dropped = add(
        cli, 1, "--element", "account-teams", "--owner", "Tom", "--due", "2026-01-31", "--text", "x"
    )
    assert cli("actions", "set", dropped, "--status", "dropped").code == 0
    assert (
        rows(db_path, "SELECT count(*) AS n FROM actions WHERE assessment_id = 2")[0]["n"] == 0
    )  # not on its own
    first = cli("actions", "carry", 2)
    assert (first.code, first.stdout) == (0, "carried 2 actions from assessment 1 into assessment 2\n")
    carried = rows(
        db_path, "SELECT element, status, owner, due, carried_from FROM actions WHERE assessment_id = 2"
    )
    assert carried == [
        {"element": "kam-process", "status": "open", "owner": "Tom", "due": "2026-01-31", "carried_from": 1},
        {
            "element": "account-plans",
            "status": "doing",
            "owner": "Tom",
            "due": "2026-01-31",
            "carried_from": 2,
        },
    ]
    again = cli("actions", "carry", 2)
    assert again.stdout == "carried 0 actions from assessment 1 into assessment 2\n"
    assert len(rows(db_path)) == 6
    assert cli("actions", "carry", 1).stdout.startswith("nothing to carry: assessment 1 has no earlier")


def test_deleting_an_assessment_deletes_its_actions(cli, db_path, programme):
    add(cli, 1, "--element", "kam-process", "--owner", "Tom", "--due", "2026-01-31", "--text", "a")
    assert cli("actions", "carry", 2).code == 0
    assert cli("healthcheck", "delete", 1, "--yes").code == 0
    (left,) = rows(db_path)
    assert (left["assessment_id"], left["carried_from"]) == (2, None)  # the copy stays, its origin is gone
