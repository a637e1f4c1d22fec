"""Regenerate the binary bad database files of this corpus: ``python tests/data/bad/make_db.py``.

The files are committed (tests copy them from disk); this script documents how each was made. The
databases given as ``db/*.sql`` are built by the test itself, so they need nothing from here.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DB = HERE / "db"
PAGE = 1024


def kamtui_v1_bytes() -> bytes:
    """An empty kamtui database (base/kamtui-v1.sql) with small pages, in rollback-journal mode."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kamtui.db"
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA page_size = {PAGE}")
        conn.executescript((HERE / "base" / "kamtui-v1.sql").read_text(encoding="utf-8"))
        conn.close()
        return path.read_bytes()


def meta_root_page(data: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kamtui.db"
        path.write_bytes(data)
        conn = sqlite3.connect(path)
        try:
            return int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'meta'").fetchone()[0])
        finally:
            conn.close()


def main() -> None:
    rng = random.Random(20240601)
    (DB / "random-bytes.sqlite").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    good = kamtui_v1_bytes()
    # Cut after two pages: a copy or download that stopped half way.
    (DB / "truncated.sqlite").write_bytes(good[: 2 * PAGE])
    # The page of the 'meta' table overwritten with noise: a bad sector, or a tool that wrote into the file.
    meta_page = meta_root_page(good)
    damaged = bytearray(good)
    damaged[(meta_page - 1) * PAGE : meta_page * PAGE] = bytes(rng.randrange(256) for _ in range(PAGE))
    (DB / "corrupt-page.sqlite").write_bytes(bytes(damaged))


if __name__ == "__main__":
    main()
