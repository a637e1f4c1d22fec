"""The bad-input corpus (tests/data/bad/manifest*.toml) and how one case is set up and checked.

A case is a file and the command that reads it. Files under ``db/`` are databases: they are copied (or,
for ``.sql`` files, built) into a folder of their own and handed to ``--db``; the check is that the file's
bytes, its mode and the folder's listing (no ``-wal``/``-shm``/``-journal`` left behind) are unchanged.
Every other file is an input read into a prepared kamtui database (an assessment with answers, accounts,
weights and a saved run); the check is that every row of every table is unchanged (the file's bytes are
no check under WAL).
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
BASE = BAD / "base"
MANIFEST = BAD / "manifest.toml"
PLACEHOLDERS = {
    "criteria": BASE / "criteria.toml",
    "accounts": BASE / "accounts.csv",
    "survey": BASE / "survey.toml",
    "answers": BASE / "answers.csv",
}


@dataclass(frozen=True)
class Case:
    file: str
    run: tuple[str, ...]
    stderr: str | None = None  # every line, exactly
    first_line: str | None = None  # or: the first line exactly ...
    last_line: str | None = None  # ... the last line exactly ...
    line_count: int | None = None  # ... and how many lines there are
    prefix: str | None = None  # or: the first line starts with this (bug cases: the wording is the fixer's)
    stdout: str = ""
    base: str | None = None  # a .sql file run before this one (db cases)
    mode: int | None = None  # chmod the built database (db cases)
    bug: str | None = None  # a known kamtui bug: the case is expected to fail (strict xfail)
    note: str = field(default="", compare=False)
    manifest: str = field(default="manifest.toml", compare=False)  # the manifest that names the case

    @property
    def path(self) -> Path:
        return BAD / self.file

    @property
    def is_db(self) -> bool:
        return self.file.startswith("db/")

    @property
    def kind(self) -> str:
        return self.file.split("/", 1)[0]


def manifests() -> list[Path]:
    """manifest.toml, then every manifest-*.toml (one per class of inputs, so they can grow apart)."""
    return [MANIFEST, *sorted(BAD.glob("manifest-*.toml"))]


def load_cases() -> list[Case]:
    cases = []
    for manifest in manifests():
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        cases += [
            Case(**{**item, "run": tuple(item["run"]), "manifest": manifest.name}) for item in data["case"]
        ]
    return cases


def corpus_files() -> list[str]:
    """Every bad input on disk (the base/ folder and the generator scripts are not inputs)."""
    return sorted(
        p.relative_to(BAD).as_posix()
        for p in BAD.rglob("*")
        if p.is_file()
        and p.parent != BAD
        and p.parent.name != "base"
        and "__pycache__" not in p.parts
        and not p.name.startswith(".")
    )


def substitute(text: str, file: Path, db: Path) -> str:
    values = {"file": str(file), "db": str(db), **{k: str(v) for k, v in PLACEHOLDERS.items()}}
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def build_database(case: Case, target: Path) -> None:
    """The database of a db case at ``target``: the file copied, or the .sql (after its base) executed."""
    if case.path.suffix == ".sql":
        conn = sqlite3.connect(target)
        try:
            if case.base:
                conn.executescript((BAD / case.base).read_text(encoding="utf-8"))
            conn.executescript(case.path.read_text(encoding="utf-8"))
        finally:
            conn.close()
    else:
        shutil.copyfile(case.path, target)
    if case.mode is not None:
        target.chmod(case.mode)


def file_state(path: Path, sha256) -> tuple:
    """What a refused database must keep: its bytes, its mode and the listing of its folder."""
    return (
        sha256(path),
        stat.S_IMODE(path.stat().st_mode),
        sorted(p.name for p in path.parent.iterdir()),
    )


def table_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order (read-only: the check never writes the file)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        dump = {}
        for table in tables:
            width = len(conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description)
            order = "1, 2" if width > 1 else "1"
            dump[table] = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
        return dump
    finally:
        conn.close()


def prepare_database(path: Path, invoke) -> None:
    """A kamtui database with something in every table an import or a command could touch.

    ``invoke(*args)`` runs the command line against ``path`` and returns (exit code, output).
    """
    steps = [
        ("healthcheck", "new", "--title", "Corpus target", "--survey", PLACEHOLDERS["survey"]),
        ("healthcheck", "import", "1", PLACEHOLDERS["answers"]),
        ("accounts", "import", PLACEHOLDERS["accounts"], "--criteria", PLACEHOLDERS["criteria"]),
        ("weights", "set", "fit=5", "--criteria", PLACEHOLDERS["criteria"]),
        ("rank", "--save", "--samples", "50", "--criteria", PLACEHOLDERS["criteria"]),
    ]
    for args in steps:
        code, output = invoke(*args)
        assert code == 0, (args, output)
    for suffix in ("-wal", "-shm"):
        assert not path.with_name(path.name + suffix).exists(), "the prepared database was left open"
