"""The selection workbook as LibreOffice prints it: PDF pages, rendered to PNG.

The demo database (30 accounts, kam-default) is ranked and saved (run 1) and its workbook exported by the
command line. LibreOffice converts it to PDF (``soffice --headless --convert-to pdf``), poppler renders the
Portfolio page to PNG (``pdftoppm -png``) and extracts its text (``pdftotext``).

What would fail without chart labels: the Portfolio sheet's first page holds the quadrant counts and the
chart only (the tables the chart is drawn from follow a page break), so a selected account's name can be
on that page only as a data label. A control workbook written with the label ranges taken out proves it:
none of the names is on its chart page, and its rendering has fewer dark pixels where the labels go.
Skipped (saying so) without LibreOffice or poppler.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from .libreoffice import convert, soffice_or_skip

CHART_TITLE = "Account portfolio"


def poppler_or_skip() -> None:
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"poppler's {tool} is not installed: the PDF checks need it")


def kamtui(db: Path, *args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KAMTUI_DB"}
    env["XDG_DATA_HOME"] = str(cwd / "xdg")
    return subprocess.run(
        [sys.executable, "-m", "kamtui", "--db", str(db), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("print")
    db = folder / "demo.db"
    for args in (("demo", "--no-open"), ("rank", "--save")):
        done = kamtui(db, *args, cwd=folder)
        assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def run1(demo):
    from kamtui.service.ranking import run
    from kamtui.store import open_store

    with open_store(demo) as store:
        return run(store, 1)


@pytest.fixture(scope="module")
def printed(demo, tmp_path_factory) -> Path:
    """The PDF of the workbook ``kamtui export selection --run 1`` wrote."""
    soffice_or_skip()
    poppler_or_skip()
    folder = tmp_path_factory.mktemp("pdf")
    done = kamtui(demo, "export", "selection", "--run", 1, "-o", "run1.xlsx", cwd=folder)
    assert done.returncode == 0, done.stderr
    return convert(folder / "run1.xlsx", "pdf", folder)


def page_texts(pdf: Path) -> list[str]:
    # -raw: the text in the order it is drawn, so labels that overlap on the page stay whole
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")[:-1]  # one form feed after each page


def chart_page(pdf: Path) -> tuple[int, str]:
    """(page number from 1, text) of the Portfolio chart's page."""
    pages = [(n, t) for n, t in enumerate(page_texts(pdf), 1) if CHART_TITLE in t]
    assert len(pages) == 1, [n for n, _ in pages]
    return pages[0]


def render(pdf: Path, page: int, folder: Path) -> np.ndarray:
    """The page as a grey-scale image (0 black .. 255 white), rendered by pdftoppm to PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
        check=True,
        capture_output=True,
    )
    (png,) = folder.glob(f"page{page}*.png")
    return read_png(png.read_bytes())


def read_png(data: bytes) -> np.ndarray:
    """A minimal PNG reader for pdftoppm's output (8-bit grey or RGB, not interlaced, all five row
    filters), as grey levels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, []
    width = height = channels = 0
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (0, 2) and interlace == 0, (depth, colour, interlace)
            channels = 1 if colour == 0 else 3
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8).reshape(height, stride + 1)
    image = np.zeros((height, stride), dtype=np.int32)
    previous = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + previous) % 256
        else:  # 1 (sub), 3 (average), 4 (Paeth) depend on the byte one pixel to the left
            row = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                left = row[x - channels] if x >= channels else 0
                up, corner = previous[x], previous[x - channels] if x >= channels else 0
                if kind == 1:
                    row[x] = (line[x] + left) % 256
                elif kind == 3:
                    row[x] = (line[x] + (left + up) // 2) % 256
                else:
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                    row[x] = (line[x] + pred) % 256
        image[y] = row
        previous = row
    return image.reshape(height, width, channels).mean(axis=2)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_portfolio_page_shows_the_selected_names_and_quadrant_names_as_chart_labels(printed, run1, tmp_path):
    number, text = chart_page(printed)
    assert "Selected account" not in text  # the chart's own tables are on a later page...
    assert "Threshold lines" not in text  # ...so every name on this page is a chart label
    words = flat(text)
    selected = [a.account for a in run1.selected]
    assert len(selected) == 15
    missing = [name for name in selected if name not in words]
    assert missing == []
    for quadrant in ("Strategic", "Star", "Status", "Streamline"):
        assert words.count(quadrant) >= 2, quadrant  # the counts table and the name in the chart
    image = render(printed, number, tmp_path)
    dark = image < 128
    assert dark.mean() > 0.01  # not a blank page: text, axes, markers


def test_without_label_ranges_the_names_are_not_on_the_chart_page(run1, printed, tmp_path, monkeypatch):
    """The control: the same workbook with the label ranges taken out shows none of the names there."""
    from kamtui.excel import selection_portfolio
    from kamtui.excel import selection_workbook as sw

    labelled_number, _ = chart_page(printed)
    labelled = render(printed, labelled_number, tmp_path / "labelled")

    monkeypatch.setattr(selection_portfolio, "_with_label_ranges", lambda write, ranges: write())
    plain = sw.write_selection_workbook(run1, tmp_path / "plain.xlsx")
    pdf = convert(plain, "pdf", tmp_path)
    number, text = chart_page(pdf)
    words = flat(text)
    assert [a.account for a in run1.selected if a.account in words] == []
    assert words.count("Strategic") == 1  # the counts table only
    unlabelled = render(pdf, number, tmp_path / "plain")
    assert labelled.shape == unlabelled.shape
    assert (labelled < 128).sum() > (unlabelled < 128).sum() + 200  # the labels' ink


def test_every_sheet_prints_with_whole_headers_one_page_wide(printed, run1):
    pages = page_texts(printed)
    assert len(pages) >= 8  # every sheet on at least one page
    ranking = next(t for t in pages if t.lstrip().startswith("Ranking (run 1)"))
    words = flat(ranking)
    for header in ("Attractiveness", "Strength", "Coverage", "Dominated by", "Low coverage", "Selected"):
        assert header.split()[0] in words.split(), header  # a whole word: not broken as "Attractiv eness"
    assert run1.accounts[-1].account in words  # all 30 rows and the last column on one page
    for title in (
        "What-if:",
        "Portfolio:",
        "FTE per KAM:",
        "Changes since the previous run",
        "About this workbook",
    ):
        assert sum(title in t for t in pages) == 1, title  # one page wide: each sheet starts on one page
    criteria = next(t for t in pages if "Transform" in t and "Direction" in t)
    assert "Description" in criteria and "Share of wallet" in criteria and "share_of_wallet" in criteria
