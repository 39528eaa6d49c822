"""Classroom 50: the result.json renderer, and the generated autograder run as the runner runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.catalog.course import Course
from grader.errors import ReleaseError
from grader.release.classroom50 import Assignment, Classroom50Options, build_autograders, plan_assignments
from grader.report import classroom50
from tests.classroom50.result_contract import load, problems
from tests.conftest import FIXTURES
from tests.report.sample import sample_report

TINY = FIXTURES / "courses" / "tiny"
RUNNER_ENV = {
    "CLASSROOM": "cnn-2026", "ASSIGNMENT": "lab1", "SUBMISSION_TAG": "submit/2026-06-01T14-32-05Z-a1b2c3d",
    "PAGES_BASE_URL": "https://org.github.io/classroom50", "USERNAME": "alice", "OWNER": "alice",
    "ASSIGNMENT_TYPE": "individual", "COMMIT_URL": "https://github.com/org/r/commit/a1b2c3d",
    "RELEASE_URL": "https://github.com/org/r/releases/tag/submit%2Fx", "REVIEW_URL": "https://github.com/org/r/compare/b...a",
}


def test_the_renderer_keeps_the_contract_and_withholds_hidden_feedback(monkeypatch):
    for key, value in RUNNER_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GRADER_SUBMITTED_AT", "2026-06-01T16:32:01+02:00")
    report = sample_report()
    payload = load(classroom50.render(report))
    assert problems(payload) == []
    assert payload["datetime"] == "2026-06-01T14:32:01Z" and payload["review"] == RUNNER_ENV["REVIEW_URL"]
    hidden = {(e.id, c.id): c for e in report.exercises for c in e.checks if c.hidden and c.status.value != "skipped"}
    assert hidden
    for test in payload["tests"]:
        if (test["exercise"], test["check"]) in hidden:
            assert test["message"] == "hidden"
    shown = load(classroom50.render(report, show_hidden=True))
    assert any(t["message"] != "hidden" for t in shown["tests"] if (t["exercise"], t["check"]) in hidden)


def test_fractional_points_are_scaled_to_whole_numbers():
    report = sample_report()
    check = report.exercises[0].checks[0].model_copy(update={"points_possible": 1.5, "points_earned": 0.5})
    exercise = report.exercises[0].model_copy(update={"checks": [check]})
    payload = classroom50.result_payload(report.model_copy(update={"exercises": [exercise]}), RUNNER_ENV)
    assert (payload["score"], payload["max-score"]) == (5, 15) and problems(payload) == []


def test_plans_and_refusals(tmp_path):
    course = Course.at(TINY)
    assert plan_assignments(course, [], None) == (Assignment("lab1", ("lab1",)),)
    assert plan_assignments(course, ["1"], "week-1") == (Assignment("week-1", ("lab1",)),)
    with pytest.raises(ReleaseError):
        build_autograders(course, Classroom50Options(out=tmp_path, assignments=(Assignment("Bad Name", ("lab1",)),),
                                                     engine_source="grader==0.2.0"), sandbox=None)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory, module_sandbox) -> Path:
    out = tmp_path_factory.mktemp("classroom50") / "cnn-2026"
    build_autograders(Course.at(TINY), Classroom50Options(out=out, engine_source="grader==0.2.0"), module_sandbox)
    return out


def _run_as_the_runner(autograder: Path, checkout: Path) -> subprocess.CompletedProcess[str]:
    """As Classroom 50's runner does: the student's checkout as working directory, no
    arguments, its environment variables. This interpreter's grader is used (no network)."""
    subprocess.run(["git", "init", "-q"], cwd=checkout, check=True)
    subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "--allow-empty", "-m", "x"],
                   cwd=checkout, check=True, env={**os.environ, "GIT_COMMITTER_DATE": "2026-06-01T14:32:01Z"})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRADER_", "GITHUB_STEP"))}
    env.update(RUNNER_ENV, PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    return subprocess.run([sys.executable, str(autograder)], cwd=checkout, env=env, text=True,
                          capture_output=True, timeout=300, check=False)


@pytest.mark.parametrize("work, full", [("solutions", True), ("exercises", False)])
def test_the_generated_autograder_writes_a_valid_result(classroom, tmp_path, work, full):
    folder = classroom / "autograders" / "lab1"
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"autograder.py", "assignment.json", "course/course.toml", "course/checks/lab1/checks.py"} <= files
    assert not any("solutions" in name for name in files)
    assert "check_double_random" not in (folder / "course" / "checks" / "lab1" / "checks.py").read_text()
    assert '"python": "3.11"' in (classroom / "runtime.json").read_text()
    checkout = tmp_path / "student"
    (checkout / "exercises").mkdir(parents=True)
    shutil.copyfile(TINY / work / "lab1.py", checkout / "exercises" / "lab1.py")
    (checkout / "result.json").write_text('{"score": 99}')  # a student's own is replaced
    finished = _run_as_the_runner(folder / "autograder.py", checkout)
    assert finished.returncode == 0, finished.stderr[-2000:]
    payload = load((checkout / "result.json").read_text(encoding="utf-8"))
    assert problems(payload) == []
    assert payload["classroom"] == "cnn-2026" and payload["assignment"] == "lab1"
    assert payload["datetime"] == "2026-06-01T14:32:01Z"
    assert payload["max-score"] == 5 and (payload["score"] == 5) is full
    assert all(t["passed"] is full for t in payload["tests"])


def test_existing_autograders_are_kept_without_force(classroom, module_sandbox):
    with pytest.raises(ReleaseError, match="--force|not overwriting"):
        build_autograders(Course.at(TINY), Classroom50Options(out=classroom, engine_source="grader==0.2.0"),
                          module_sandbox)
