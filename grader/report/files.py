"""Writing report files: whole or not at all."""

from __future__ import annotations

from pathlib import Path

from grader.errors import ReportWriteError
from grader.i18n import tr


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file and a rename, so a reader never sees half a report."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise ReportWriteError(
            tr("cannot write the report to {path}: {reason}", path=path, reason=exc.strerror or exc)
        ) from exc
