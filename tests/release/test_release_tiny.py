"""`grader release` on a course the engine has never seen (tests/fixtures/courses/tiny)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.catalog.course import Course
from grader.cli import main
from grader.engine.run import grade_submission
from grader.errors import GraderError
from grader.release.kit import ReleaseError, ReleaseOptions, build_kit
from grader.release.sources import leaked_solutions
from tests.conftest import FIXTURES

TINY = FIXTURES / "courses" / "tiny"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def kit(tmp_path_factory, sandbox_module) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "kit"
    build_kit(Course.at(TINY), ReleaseOptions(out=out, engine_source="grader==0.2.0"), sandbox_module)
    return out


@pytest.fixture(scope="module")
def sandbox_module():
    from grader.sandbox.client import Sandbox

    with Sandbox() as box:
        yield box


def _points(course: Course, folder: Path, sandbox) -> dict[str, tuple[str, float, str]]:
    report = grade_submission(course, course.exercises(), folder, sandbox)
    return {c.id: (c.status.value, c.points_earned, c.message) for e in report.exercises for c in e.checks}


def test_the_engine_grades_a_course_it_has_never_seen(sandbox_module):
    course = Course.at(TINY)
    assert [e.id for e in course.select(["1"])] == ["lab1"]  # the course's own shorthand
    full = _points(course, TINY / "solutions", sandbox_module)
    assert {status for status, _, _ in full.values()} == {"passed"} and sum(p for _, p, _ in full.values()) == 8
    stub = _points(course, TINY / "exercises", sandbox_module)
    assert sum(p for _, p, _ in stub.values()) == 0
    assert all("not implemented yet" in message for _, _, message in stub.values())


def test_the_kit_has_public_checks_stubs_and_a_tape_but_no_solution(kit):
    files = _tree(kit)
    assert "checks/lab1/reference.json" in files and "exercises/lab1.py" in files
    notebook = files["exercises/lab1.ipynb"].decode()
    assert 'grader.check(\\"lab1\\")' in notebook and "def sgd_step" in notebook
    assert "solutions/lab1.py" not in files and not any(name.endswith((".pyc", ".pkl", ".pt")) for name in files)
    checks = files["checks/lab1/checks.py"].decode()
    assert "check_double_random" not in checks and "staff only" not in checks
    assert "check_sgd_step" in checks and "probes.py" in checks and "checks/lab1/probes.py" in files
    assert leaked_solutions(kit, [TINY / "solutions" / "lab1.py"]) == []
    toml = files["course.toml"].decode()
    assert 'engine = "==0.2.0"' in toml and "content_hash = \"sha256:" in toml
    assert "grader==0.2.0" in files["README.md"].decode()
    assert "grader==0.2.0" in files[".github/workflows/grader.yml"].decode()


def test_releasing_twice_gives_byte_identical_kits(kit, tmp_path, sandbox_module):
    again = tmp_path / "again"
    build_kit(Course.at(TINY), ReleaseOptions(out=again, engine_source="grader==0.2.0"), sandbox_module)
    assert _tree(again) == _tree(kit)


def test_the_kit_scores_public_checks_as_the_course_does(kit, tmp_path, sandbox_module):
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    source = (TINY / "solutions" / "lab1.py").read_text()
    (wrong / "lab1.py").write_text(source.replace("parameter -= 0.1 *", "parameter -= 0.2 *").replace("x + x", "x * 3"))
    kit_course = Course.at(kit)
    for folder in (TINY / "solutions", TINY / "exercises", wrong):
        full = _points(Course.at(TINY), folder, sandbox_module)
        public = {k: v for k, v in full.items() if k != "double_random"}
        assert _points(kit_course, folder, sandbox_module) == public
    wrong_points = _points(kit_course, wrong, sandbox_module)
    assert wrong_points["double_fixed"][0] == "failed" and wrong_points["sgd_step"][0] == "failed"
    assert wrong_points["make_layer"][0] == "passed"


def test_a_public_check_that_needs_the_solution_stops_the_release_named(tmp_path, sandbox_module):
    course = tmp_path / "course"
    shutil.copytree(TINY, course)
    checks = course / "checks" / "lab1" / "checks.py"
    checks.write_text(checks.read_text() + '''

@check(points=1, title="double: of the student's own output")
def check_double_twice(student, reference):
    once = student.call("double", torch.ones(2))
    expect_tensor(student.call("double", once), reference.double(once), "double(double(x))")
''')
    out = tmp_path / "kit"
    with pytest.raises(ReleaseError) as error:
        build_kit(Course.at(course), ReleaseOptions(out=out, engine_source="grader==0.2.0"), sandbox_module)
    assert "lab1:double_twice" in error.value.message and "student's code returned" in error.value.message
    assert "hidden" in error.value.hint
    assert not out.exists()  # nothing half-written


def test_release_refuses_bad_options(tmp_path, sandbox_module, capsys):
    with pytest.raises(GraderError, match="inside the course"):
        build_kit(Course.at(TINY), ReleaseOptions(out=TINY / "kit", engine_source="x"), sandbox_module)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(GraderError, match="not empty"):
        build_kit(Course.at(TINY), ReleaseOptions(out=tmp_path / "busy", engine_source="x"), sandbox_module)
    with pytest.raises(SystemExit) as usage:  # no engine source: argparse's usage error
        main(["--no-color", "release", "--out", str(tmp_path / "k")])
    assert usage.value.code == 2 and "--engine-wheel" in capsys.readouterr().err


def test_a_kit_is_not_released_again(kit, tmp_path, sandbox_module):
    with pytest.raises(ReleaseError, match="itself a student kit"):
        build_kit(Course.at(kit), ReleaseOptions(out=tmp_path / "k2", engine_source="x"), sandbox_module)
