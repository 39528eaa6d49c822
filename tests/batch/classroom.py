"""Build small classes of submissions on disk: the fixtures of the batch tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.conftest import REPO_ROOT

REFERENCE = (REPO_ROOT / "solutions" / "exercise_01.py").read_text()
STUB = (REPO_ROOT / "exercises" / "exercise_01.py").read_text()
# Right everywhere but conv1x1: a partly wrong submission.
PARTLY_WRONG = REFERENCE + "\n\ndef conv1x1(x, weight, bias=None):\n    return x\n"
SYNTAX_ERROR = "def corr2d(x, k:\n"
# Hostile: kills its own process group at import. Must cost only this student.
HOSTILE = "import os, signal\nos.killpg(0, signal.SIGKILL)\n"


def folder(root: Path, student_id: str, source: str, name: str = "exercise_01.py") -> Path:
    path = root / student_id
    path.mkdir(parents=True)
    (path / name).write_text(source)
    return path


def zipped(root: Path, student_id: str, files: dict[str, str]) -> Path:
    path = root / f"{student_id}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path
