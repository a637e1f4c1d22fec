"""LibreOffice, headless, as the spreadsheet program the export tests open workbooks with."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def soffice_or_skip() -> str:
    """The LibreOffice executable, or skip the test saying why (.ci/run installs it where it can)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the headless checks need it")
    return soffice


def convert(path: Path, target: str, tmp_path: Path, timeout: float = 240) -> Path:
    """Convert ``path`` with ``soffice --convert-to target``; the converted file (asserted non-empty)."""
    soffice = soffice_or_skip()
    out = tmp_path / f"converted-{target.split(':')[0]}"
    profile = (tmp_path / "lo-profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
    try:
        proc = subprocess.run(
            [*command, "--outdir", str(out), str(path)], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"LibreOffice did not convert {path.name} to {target} within {timeout:g} s")
    converted = out / f"{path.stem}.{target.split(':')[0]}"
    assert proc.returncode == 0, proc.stderr
    assert converted.is_file() and converted.stat().st_size > 0, (proc.stdout, proc.stderr)
    return converted
