"""A process that grades many submissions (a batch worker, watch mode) imports a course's
check modules and solutions once, and again only when their files change."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from grader.catalog.course import Course
from grader.engine.run import grade_submission
from tests.conftest import FIXTURES

TINY = FIXTURES / "courses" / "tiny"
CHECK_MODULE = "lab1.checks"  # pytest's importlib mode: the path below the checks folder


def _copy_of_tiny(root: Path) -> Path:
    shutil.copytree(TINY, root)
    return root


def _points(course_root: Path, submission: Path, sandbox) -> dict[str, float]:
    course = Course.at(course_root)
    report = grade_submission(course, course.exercises(), submission, sandbox)
    return {c.id: c.points_earned for e in report.exercises for c in e.checks}


def test_a_second_grading_reuses_the_check_module(tmp_path, sandbox):
    course = _copy_of_tiny(tmp_path / "course")
    first = _points(course, course / "solutions", sandbox)
    module = sys.modules[CHECK_MODULE]
    assert _points(course, course / "solutions", sandbox) == first
    assert sys.modules[CHECK_MODULE] is module


def test_an_edited_check_file_is_imported_again(tmp_path, sandbox):
    course = _copy_of_tiny(tmp_path / "course")
    assert _points(course, course / "solutions", sandbox)["double_fixed"] == 1
    checks = course / "checks" / "lab1" / "checks.py"
    # Same length, so only the contents tell the two versions apart.
    checks.write_text(checks.read_text().replace('reference.double(x), "double(x)")',
                                                 'reference.double(-x),"double(x)")', 1))
    assert _points(course, course / "solutions", sandbox)["double_fixed"] == 0


def test_an_edited_solution_is_imported_again(tmp_path, sandbox):
    course = _copy_of_tiny(tmp_path / "course")
    student = tmp_path / "student"
    student.mkdir()
    shutil.copy(course / "solutions" / "lab1.py", student / "lab1.py")
    assert _points(course, student, sandbox)["double_fixed"] == 1
    solution = course / "solutions" / "lab1.py"
    solution.write_text(solution.read_text().replace("result = x + x", "result = x * 3"))
    assert _points(course, student, sandbox)["double_fixed"] == 0


def test_another_course_at_the_same_relative_path_runs_its_own_checks(tmp_path, sandbox):
    one = _copy_of_tiny(tmp_path / "one")
    other = _copy_of_tiny(tmp_path / "other")
    checks = other / "checks" / "lab1" / "checks.py"
    checks.write_text(checks.read_text().replace("@check(points=1, title=\"double: a fixed tensor\")",
                                                 "@check(points=7, title=\"double: a fixed tensor\")"))
    assert _points(one, one / "solutions", sandbox)["double_fixed"] == 1
    assert _points(other, other / "solutions", sandbox)["double_fixed"] == 7
    assert _points(one, one / "solutions", sandbox)["double_fixed"] == 1
