"""``kamtui healthcheck compare`` and ``kamtui export compare``: assessments side by side, checked
against each assessment's own ``healthcheck report --json`` and read back from the workbook."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

LEVEL_FILLS = {1: "FFC7CE", 2: "FCD5B4", 3: "FFEB9C", 4: "C6EFCE", 5: "BDD7EE"}  # red .. blue, pale


@pytest.fixture
def three(cli, db_path) -> Path:
    """The demo's two assessments (1, 2) and a third programme (3) with one respondent on two elements."""
    assert cli("demo", "--db", db_path, "--no-open").code == 0
    assert cli("healthcheck", "new", "--title", "EMEA", "--programme", "EMEA KAM").stdout == "3\n"
    for indicator, value in (("PCM-01", 5), ("PCM-02", 4), ("ASL-01", 1)):
        assert cli("healthcheck", "answer", 3, "--respondent", "Eve", indicator, value).code == 0
    return db_path


def own_report(cli, assessment_id: int) -> dict:
    result = cli("healthcheck", "report", assessment_id, "--json", "--no-compare")
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def test_compare_json_in_the_order_given(cli, three):
    result = cli("healthcheck", "compare", 3, 1, 2, "--json")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    reports = [own_report(cli, i) for i in (3, 1, 2)]
    assert [(a["id"], a["title"], a["overall"]) for a in data["assessments"]] == [
        (r["assessment"], r["title"], r["overall"]) for r in reports
    ]
    assert data["assessments"][0]["overall"] == pytest.approx((4.5 + 1) / 2)  # EMEA: PCM (5+4)/2, ASL 1
    assert [e["id"] for e in data["elements"]] == [e["id"] for e in reports[1]["elements"]]
    for position, element in enumerate(data["elements"]):
        assert element["name"] == reports[1]["elements"][position]["name"]
        assert element["scores"] == [r["elements"][position]["score"] for r in reports]
        assert element["levels"] == [r["elements"][position]["level"] for r in reports]
    # largest differences: highest minus lowest per element, the largest first
    spans = {}
    for element in data["elements"]:
        scored = [
            (s, a["id"]) for s, a in zip(element["scores"], data["assessments"], strict=True) if s is not None
        ]
        if len(scored) >= 2:
            spans[element["id"]] = (max(scored)[0] - min(scored)[0], max(scored)[1], min(scored)[1])
    expected = sorted(spans.items(), key=lambda item: -item[1][0])[:5]
    assert [(d["element"], d["difference"], d["high"], d["low"]) for d in data["differences"]] == [
        (element, pytest.approx(span), high, low) for element, (span, high, low) in expected
    ]
    pcm = next(e for e in data["elements"] if e["id"] == "programme-change")
    assert pcm["scores"][0] == pytest.approx(4.5) and pcm["levels"][0] == 4


def test_compare_text(cli, three):
    result = cli("healthcheck", "compare", 1, 3)
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "#1: Baseline healthcheck (last year) (Northwind Industrial KAM programme)"
    assert lines[1] == "#3: EMEA (EMEA KAM)"
    overall = next(line for line in lines if line.startswith("Overall"))
    assert "2.75 Awareness" in overall  # EMEA: (4.5 + 1) / 2
    assert "Largest differences (highest - lowest):" in lines


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([2], "error: a comparison needs two assessments or more (see: kamtui healthcheck list)"),
        ([2, 1, 2], "error: assessment 2 is named twice: name each assessment once"),
        ([1, 42], "error: no assessment with id 42 (see: kamtui healthcheck list)"),
    ],
    ids=["one", "twice", "unknown"],
)
def test_compare_refuses(cli, three, ids, message):
    result = cli("healthcheck", "compare", *ids, "--json")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.strip() == message


def test_export_compare_workbook(cli, three, tmp_path):
    from kamtui.excel.compare_workbook import FIRST_ELEMENT_ROW, HEADER_ROW, OVERALL_ROW, SHEETS

    target = tmp_path / "side-by-side"
    result = cli("export", "compare", 2, 3, "-o", target)
    assert result.code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == (tmp_path / "side-by-side.xlsx").absolute()
    data = json.loads(cli("healthcheck", "compare", 2, 3, "--json").stdout)
    workbook = load_workbook(path)
    assert tuple(workbook.sheetnames) == SHEETS == ("Compare", "Differences", "About")
    ws = workbook["Compare"]
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 5)] == [
        "Element",
        "#2 Annual healthcheck",
        "#3 EMEA",
        "Highest - lowest",
    ]
    assert ws.cell(OVERALL_ROW, 2).value == pytest.approx(data["assessments"][0]["overall"])
    assert ws.cell(OVERALL_ROW, 3).value == pytest.approx(data["assessments"][1]["overall"])
    for offset, element in enumerate(data["elements"]):
        row = FIRST_ELEMENT_ROW + offset
        assert ws.cell(row, 1).value == element["name"]
        for column, (score, level) in enumerate(zip(element["scores"], element["levels"], strict=True), 2):
            cell = ws.cell(row, column)
            assert cell.value == (None if score is None else pytest.approx(score))
            if level is not None:
                assert cell.fill.start_color.rgb[-6:] == LEVEL_FILLS[level]
                assert cell.number_format == "0.00"
    assert len(ws._charts) == 1
    diffs = workbook["Differences"]
    first = data["differences"][0]
    assert diffs.cell(3, 1).value == first["name"]
    assert diffs.cell(3, 2).value == pytest.approx(first["difference"])
    assert diffs.cell(3, 3).value.startswith(f"#{first['high']} ")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in archive.read(name).decode("utf-8"), name


def test_export_compare_refuses_before_writing(cli, three, tmp_path):
    result = cli("export", "compare", 2, "-o", tmp_path / "one.xlsx")
    assert result.code == 1
    assert "a comparison needs two assessments or more" in result.stderr
    assert not (tmp_path / "one.xlsx").exists()
