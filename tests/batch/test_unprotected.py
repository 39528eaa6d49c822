"""`grader grade` refuses a machine that cannot sandbox student code, unless --insecure.

The machine is made such for real: the grading command runs under a seccomp filter of
its own (the worker's, grader/sandbox/seccomp.py) that denies unshare, so no cell gets
a namespace. No student code may run before the refusal.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from tests.batch.classroom import REFERENCE, folder
from tests.conftest import REPO_ROOT

# Denies unshare, mount and the rest to this process and all it starts, then runs the CLI.
_WITHOUT_NAMESPACES = (
    "import sys; from grader.sandbox import seccomp; assert seccomp.install(); "
    "from grader.cli import run; sys.argv[0] = 'grader'; run()"
)


def _grade(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", REFERENCE)
    (subs / "alice" / "opened_the_network.py").write_text("")  # nothing of it may be read
    out = tmp_path / "out"
    command = [sys.executable, "-c", _WITHOUT_NAMESPACES, "--no-color", "grade", str(subs), "--out", str(out),
               "--jobs", "1", "--exercises", "exercise_01", *extra]
    ran = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "GRADER_COURSE": str(REPO_ROOT), "GRADER_LANG": "en"})
    return ran, out


def test_a_class_is_not_graded_without_the_essential_protections(tmp_path):
    ran, out = _grade(tmp_path)
    assert ran.returncode == 5, ran.stdout + ran.stderr
    said = " ".join((ran.stdout + ran.stderr).split())
    assert "cannot sandbox student code well enough to grade a class" in said
    assert "network isolation" in said and "process isolation" in said
    assert "--insecure" in said
    assert not (out / "grades.csv").exists() and not (out / "gradebook.sqlite").exists()


def test_insecure_grades_anyway_and_the_report_says_what_was_missing(tmp_path):
    ran, out = _grade(tmp_path, "--insecure")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    with (out / "grades.csv").open() as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["student_id"], row["status"], row["total"]) == ("alice", "graded", "20")
    report = (out / "reports" / "alice.json").read_text()
    assert '"missing_protections"' in report and '"network"' in report and '"filesystem"' in report
