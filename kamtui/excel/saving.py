"""Atomic saving of workbooks and where exports go (README, "Account selection": workbooks).

:func:`atomic_save` writes a temporary file beside the target and renames it over the target, so a failed
export never leaves a half-written workbook and never damages the previous one; a temporary file left by a
killed export is removed by the next export into that folder once its process is gone. openpyxl's write-only
sheets keep their scratch files in a folder beside the target too. :func:`export_path` names the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kamtui.core.errors import KamError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook


SUFFIX = ".xlsx"
OTHER_SPREADSHEET_SUFFIXES = frozenset(
    {".xls", ".xlsm", ".xlsb", ".xltx", ".xltm", ".ods", ".csv", ".tsv", ".numbers"}
)
STALE_TEMP_SECONDS = 24 * 3600

_TEMP_NAME = re.compile(r"^\..+\.tmp-(\d+)-[0-9a-f]+\.xlsx$")
# openpyxl's write-only sheets go to temporary files of their own: during a save they are made in this
# folder beside the target (not in $TMPDIR, where a killed export would leave them for ever)
_SCRATCH_NAME = re.compile(r"^\.kamtui-scratch-(\d+)-[0-9a-f]+$")
_tempdir_lock = threading.RLock()


class ExportError(KamError):
    """A workbook cannot be written where the user asked (folder, permission, disk)."""


_active_temps: set[str] = set()
_active_lock = threading.Lock()


def atomic_save(workbook_or_writer: Workbook | Callable[[Path], object], target: Path) -> Path:
    """Write a workbook to ``target`` all at once: a temporary file beside it, then ``os.replace``.

    ``workbook_or_writer`` is an openpyxl Workbook (saved with ``.save``) or a function that writes the
    workbook to the path it is given. Missing folders are created. On any failure the temporary file is
    removed and an existing ``target`` is left untouched; OS failures become :class:`ExportError` naming the
    path, anything else (a bug) propagates. Temporary files left by a killed earlier run are removed.
    Returns ``target``.
    """
    target = Path(target)
    if target.is_dir():
        raise ExportError(
            f"cannot write the workbook to {target}: it is a folder (give a file name ending in .xlsx)"
        )
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the folder {folder} for {target.name}: {_reason(exc)}") from None
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: {folder} is not a folder")
    remove_stale_temps(folder)
    temp = _create_temp(target)
    scratch = folder / f".kamtui-scratch-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        with _scratch_tempdir(scratch):
            if callable(getattr(workbook_or_writer, "save", None)):
                workbook_or_writer.save(str(temp))  # type: ignore[union-attr]
            else:
                workbook_or_writer(temp)  # type: ignore[operator]
        _fsync_file(temp)
        if target.exists():
            with contextlib.suppress(OSError):
                shutil.copymode(target, temp)
        try:
            os.replace(temp, target)
        except OSError as exc:
            hint = " (is it open in Excel?)" if isinstance(exc, PermissionError) else ""
            raise ExportError(f"cannot replace {target}: {_reason(exc)}{hint}") from None
        _fsync_folder(folder)
    except OSError as exc:
        _discard(temp)
        raise ExportError(f"cannot write {target}: {_reason(exc)}") from None
    except BaseException:
        _discard(temp)
        raise
    finally:
        with _active_lock:
            _active_temps.discard(str(temp))
    return target


@contextlib.contextmanager
def _scratch_tempdir(scratch: Path):
    """Python's temporary folder is ``scratch`` meanwhile (removed afterwards; a killed run's is removed by
    the next export into the same folder, see :func:`remove_stale_temps`)."""
    import tempfile

    with _tempdir_lock:
        scratch.mkdir()
        before = tempfile.tempdir
        tempfile.tempdir = str(scratch)
        try:
            yield
        finally:
            tempfile.tempdir = before
            shutil.rmtree(scratch, ignore_errors=True)


def temp_path_for(target: Path) -> Path:
    """A fresh temporary name beside ``target``: ``.<name>.tmp-<pid>-<random>.xlsx``."""
    return target.parent / f".{target.name[:120]}.tmp-{os.getpid()}-{os.urandom(4).hex()}{SUFFIX}"


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove our temporary files in ``folder`` whose writer is gone (or that are over a day old)."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    own = os.getpid()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name) or _SCRATCH_NAME.match(entry.name)
        if match is None:
            continue
        pid = int(match.group(1))
        with _active_lock:
            if entry.path in _active_temps:
                continue
        try:
            age = time.time() - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        stale = age > STALE_TEMP_SECONDS or pid == own or not _process_alive(pid)
        if stale:
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def _create_temp(target: Path) -> Path:
    for _ in range(20):
        temp = temp_path_for(target)
        with _active_lock:  # before the file exists, so a concurrent clean-up never takes it
            _active_temps.add(str(temp))
        try:
            fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except OSError as exc:
            with _active_lock:
                _active_temps.discard(str(temp))
            if isinstance(exc, FileExistsError):
                continue
            raise ExportError(f"cannot write {target}: {_reason(exc)}") from None
        os.close(fd)
        return temp
    raise ExportError(f"cannot write {target}: no free temporary file name in {target.parent}")


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _process_alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill would terminate the process there: rely on the age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        try:
            os.fsync(handle.fileno())
        except OSError as exc:  # file systems without fsync: the rename is still atomic
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise


def _fsync_folder(folder: Path) -> None:
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the disk"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return "part of the path is a file, not a folder"
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------------------------------- paths


def slugify(text: str, limit: int = 50) -> str:
    """ASCII lower-case words joined by '-', at most ``limit`` characters ("" when nothing is left)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


def default_name(kind: str, slug_source: str, now: dt.datetime) -> str:
    """``<kind>-<slug>-<YYYYMMDD-HHMM>.xlsx`` (the slug is dropped when the source has no letters/digits)."""
    slug = slugify(slug_source)
    parts = [slugify(kind) or "export", *([slug] if slug else []), now.strftime("%Y%m%d-%H%M")]
    return "-".join(parts) + SUFFIX


def export_path(kind: str, slug_source: str, output: str | os.PathLike[str] | None, now: dt.datetime) -> Path:
    """Where an export goes (absolute path; folders are created by :func:`atomic_save`, not here).

    * no ``output``: ``./exports/<kind>-<slug>-<YYYYMMDD-HHMM>.xlsx``;
    * ``output`` an existing folder, or ending in ``/``: the default name inside it;
    * otherwise a file: kept when it ends in ``.xlsx`` (any case), ``.xlsx`` appended when it has no
      suffix or an unrelated one (``q3.v2`` -> ``q3.v2.xlsx``); another spreadsheet suffix (``.xls``,
      ``.ods``, ``.csv``...) is refused with :class:`ExportError`.

    The same name within the same minute replaces the earlier file (atomically).
    """
    name = default_name(kind, slug_source, now)
    if output is None or str(output) == "":
        return (Path.cwd() / "exports" / name).absolute()
    raw = os.fspath(output)
    path = Path(raw).expanduser()
    separators = tuple(s for s in (os.sep, os.altsep) if s)
    if raw.endswith(separators) or path.is_dir():
        return (path / name).absolute()
    suffix = path.suffix.lower()
    if suffix == SUFFIX:
        return path.absolute()
    if suffix in OTHER_SPREADSHEET_SUFFIXES:
        raise ExportError(f"-o {raw}: kamtui writes .xlsx workbooks; name the file {path.stem}{SUFFIX}")
    return path.with_name(path.name + SUFFIX).absolute()
