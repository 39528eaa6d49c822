"""Extract a student's .zip without trusting it.

Refused: absolute names, `..` anywhere, links, more than MAX_MEMBERS members, and
more bytes than the caps, counted while decompressing (a zip's declared sizes can
lie, which is how zip bombs work). Archives made on macOS carry a `__MACOSX/`
folder of resource forks: skipped.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.i18n import tr

_CHUNK = 64 * 1024


class UnsafeArchive(Exception):
    """The archive is corrupt, or it tries something a submission has no business doing.
    Its message is the student's to read: in the active language."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 2000
    max_file_bytes: int = 32 * 1024 * 1024
    max_total_bytes: int = 128 * 1024 * 1024


def _safe_relative(name: str) -> PurePosixPath | None:
    """The member's path inside the destination, or None if it must be refused."""
    normalized = name.replace("\\", "/")
    path = PurePosixPath(normalized)
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        return None
    if any(part == ".." for part in path.parts):
        return None
    return path


def _outside(info: zipfile.ZipInfo) -> str:
    return tr("refused the member {member}: it points outside the folder", member=repr(info.filename))


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path,
                    limits: ArchiveLimits, written_so_far: int) -> int:
    written = 0
    with archive.open(info) as source, target.open("wb") as sink:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > limits.max_file_bytes:
                raise UnsafeArchive(tr("{member} is larger than {mib} MiB", member=info.filename,
                                        mib=limits.max_file_bytes // 2**20))
            if written_so_far + written > limits.max_total_bytes:
                raise UnsafeArchive(tr("the archive unpacks to more than {mib} MiB", mib=limits.max_total_bytes // 2**20))
            sink.write(chunk)
    return written


def _keep_saved_time(info: zipfile.ZipInfo, target: Path) -> None:
    """Give the file the time the zip recorded: with both exercise_NN.py and .ipynb,
    the one the student saved last is graded (see grader.catalog.submission)."""
    try:
        when = time.mktime((*info.date_time, 0, 0, -1))
        os.utime(target, (when, when))
    except (OverflowError, ValueError, OSError):
        pass  # a nonsense date in the archive: the extraction time stays


def extract_zip(zip_path: Path, destination: Path, limits: ArchiveLimits = ArchiveLimits()) -> None:
    """Extract into `destination` (emptied first). Raises UnsafeArchive, naming the problem."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    root = destination.resolve()
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise UnsafeArchive(tr("the archive holds {count} files (at most {limit})", count=len(members),
                                        limit=limits.max_members))
            total = 0
            for info in members:
                relative = _safe_relative(info.filename)
                if relative is None:
                    raise UnsafeArchive(_outside(info))
                if not relative.parts or relative.parts[0] == "__MACOSX":
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise UnsafeArchive(tr("refused the member {member}: links are not allowed", member=repr(info.filename)))
                target = root.joinpath(*relative.parts)
                if not target.resolve().is_relative_to(root):
                    raise UnsafeArchive(_outside(info))
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                total += _extract_member(archive, info, target, limits, total)
                _keep_saved_time(info, target)
    except UnsafeArchive:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        raise UnsafeArchive(tr("{archive} is not a readable zip file ({reason})", archive=zip_path.name,
                                reason=exc)) from exc
    except (NotImplementedError, RuntimeError) as exc:  # unsupported compression, encryption
        raise UnsafeArchive(tr("{archive} cannot be unpacked: {reason}", archive=zip_path.name, reason=exc)) from exc
    except OSError as exc:
        raise UnsafeArchive(tr("{archive} cannot be read: {reason}", archive=zip_path.name,
                                reason=exc.strerror or exc)) from exc
