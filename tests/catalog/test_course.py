"""Exercises are discovered from their manifests; bad manifests are named precisely."""

from __future__ import annotations

import pytest

from grader.catalog.course import Course
from grader.catalog.declarations import declarations_of
from grader.errors import CourseNotFound, ExerciseNotFound, ManifestError
from tests.conftest import REPO_ROOT


def _course(tmp_path, manifest: str, folder: str = "exercise_09"):
    (tmp_path / "checks" / folder).mkdir(parents=True)
    (tmp_path / "checks" / folder / "exercise.toml").write_text(manifest)
    (tmp_path / "course.toml").write_text('[course]\ntitle = "t"\nexercise_shorthand = "exercise_{:02d}"\n')
    return Course.at(tmp_path)


def test_the_course_lists_its_exercises_in_order():
    ids = [e.id for e in Course.at(REPO_ROOT).exercises()]
    assert ids[:2] == ["exercise_01", "exercise_02"] and ids == sorted(ids)


def test_a_new_exercise_is_a_folder(tmp_path):
    course = _course(tmp_path, 'id = "exercise_09"\ntitle = "New"\nstudent_file = "exercise_09.py"\nsolution_file = "exercise_09.py"\n')
    (exercise,) = course.exercises()
    assert exercise.manifest.title == "New"
    assert exercise.solution_path == tmp_path.resolve() / "solutions" / "exercise_09.py"


@pytest.mark.parametrize("text, phrase", [
    ('id = "exercise_09"\ntitle = "x"\n', "student_file: Field required"),
    ('id = "exercise_09"\ntitle = "x"\nstudent_file = "a.py"\nsolution_file = "a.py"\n[limits]\ntimeout_s = -1\n', "limits.timeout_s"),
    ('id = "exercise_09"\ntitle = "x"\nstudent_file = "a.py"\nsolution_file = "a.py"\ncolour = "red"\n', "colour: Extra inputs are not permitted"),
    ("id = ", "not valid TOML"),
    ('id = "exercise_10"\ntitle = "x"\nstudent_file = "a.py"\nsolution_file = "a.py"\n', "differs from its folder name"),
])
def test_bad_manifests_name_the_file_and_field(tmp_path, text, phrase):
    course = _course(tmp_path, text)
    with pytest.raises(ManifestError) as error:
        course.exercises()
    assert "exercise.toml" in error.value.message and phrase in error.value.message


def test_no_course(tmp_path):
    with pytest.raises(CourseNotFound):
        Course.at(tmp_path)


@pytest.mark.parametrize("given, expected", [("exercise_01", "exercise_01"), ("01", "exercise_01"), ("1", "exercise_01"), ("exercise_02.py", "exercise_02")])
def test_exercise_names_users_type(given, expected):
    (exercise,) = Course.at(REPO_ROOT).select([given])
    assert exercise.id == expected


def test_unknown_exercise_suggests_close_names():
    with pytest.raises(ExerciseNotFound) as error:
        Course.at(REPO_ROOT).select(["exercise_001"])
    assert "exercise_01" in error.value.hint


def test_points_are_read_without_running_checks():
    (exercise,) = Course.at(REPO_ROOT).select(["exercise_01"])
    checks = declarations_of(exercise)
    assert len(checks) == 11 and sum(c.points for c in checks) == 20
