"""In a batch, student code sees neither the rest of the class nor the gradebook."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from grader.cli import main
from tests.batch.classroom import REFERENCE, folder

# Copies a classmate's file if it can read it; tries to edit the gradebook and reports.
COPYCAT = '''
import importlib.util
import os

import torch

_HERE = os.path.dirname(__file__)
_TARGETS = open(os.path.join(_HERE, "targets.txt")).read().split()


def _classmate():
    spec = importlib.util.spec_from_file_location("classmate", _TARGETS[0])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


for name in ("corr2d", "conv2d", "max_pool2d", "avg_pool2d", "conv1x1"):
    try:
        globals()[name] = getattr(_classmate(), name)
    except OSError:
        globals()[name] = lambda *args, **kwargs: torch.zeros(1)

for target in _TARGETS[1:]:
    for path in [target] + [os.path.join(target, f) for f in (os.listdir(target) if os.path.isdir(target) else [])]:
        try:
            with open(path, "a") as handle:
                handle.write("tampered")
        except OSError:
            pass
'''


@pytest.fixture
def outside_tmp() -> Iterator[Path]:
    """A folder outside /tmp: the sandbox's private /tmp would hide /tmp anyway, and
    this test is about the batch hiding the class wherever it lives."""
    base = Path("/var/tmp")
    if not os.access(base, os.W_OK):
        pytest.skip("no writable folder outside /tmp")
    folder_ = Path(tempfile.mkdtemp(prefix="grader-privacy-", dir=base))
    yield folder_
    shutil.rmtree(folder_, ignore_errors=True)


def test_student_code_cannot_copy_a_classmate_or_touch_the_gradebook(outside_tmp: Path) -> None:
    tmp_path = outside_tmp
    subs = tmp_path / "subs"
    subs.mkdir()
    out = tmp_path / "out"
    folder(subs, "alice", REFERENCE)
    mallory = folder(subs, "mallory", COPYCAT)
    (Path(mallory) / "targets.txt").write_text(f"{subs / 'alice' / 'exercise_01.py'} {out} {out / 'reports'}")
    args = ["--no-color", "grade", str(subs), "--jobs", "1", "--out", str(out), "--exercises", "exercise_01"]
    assert main(args) == 0
    with (out / "grades.csv").open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert rows["alice"]["total"] == "20"
    assert rows["mallory"]["total"] == "0"
    assert "tampered" not in (subs / "alice" / "exercise_01.py").read_text()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".csv", ".json", ".md", ".svg"}:
            assert "tampered" not in path.read_text(), path
    # A second run still reads the gradebook: nothing corrupted it.
    assert main(args) == 0
