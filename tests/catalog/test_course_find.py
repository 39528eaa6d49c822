"""The engine finds a course as git and pytest find their roots: --course, $GRADER_COURSE,
else walking up from the working folder to a course.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

import grader
from grader.catalog.course import Course
from grader.errors import CourseNotFound, ManifestError



def _course(folder: Path, toml: str = '[course]\ntitle = "T"\n') -> Path:
    (folder / "checks").mkdir(parents=True)
    (folder / "course.toml").write_text(toml, encoding="utf-8")
    return folder


def test_walks_up_from_a_subfolder(tmp_path):
    root = _course(tmp_path / "kit")
    deep = root / "exercises" / "notes"
    deep.mkdir(parents=True)
    assert Course.find(None, {}, deep).root == root.resolve()


def test_explicit_beats_environment_beats_walking(tmp_path):
    here, env, explicit = (_course(tmp_path / name) for name in ("here", "env", "explicit"))
    assert Course.find(explicit, {"GRADER_COURSE": str(env)}, here).root == explicit.resolve()
    assert Course.find(None, {"GRADER_COURSE": str(env)}, here).root == env.resolve()
    assert Course.find(None, {}, here).root == here.resolve()


def test_nothing_found_says_where_it_looked(tmp_path):
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    with pytest.raises(CourseNotFound) as error:
        Course.find(None, {}, cwd)
    assert str(cwd) in error.value.message and "GRADER_COURSE" in error.value.message
    assert "--course" in error.value.hint


def test_an_explicit_folder_without_course_toml_is_named(tmp_path):
    (tmp_path / "checks").mkdir()
    with pytest.raises(CourseNotFound) as error:
        Course.find(tmp_path, {}, Path.cwd())
    assert str(tmp_path) in error.value.message and "course.toml" in error.value.message


def test_a_course_for_another_engine_says_which_to_install(tmp_path):
    root = _course(tmp_path / "old", '[course]\ntitle = "T"\nengine = "==0.0.1"\n'
                   '[release]\ncontent_hash = "x"\nengine_version = "0.0.1"\n')
    with pytest.raises(CourseNotFound) as error:
        Course.at(root)
    assert "==0.0.1" in error.value.message and grader.__version__ in error.value.message
    assert 'pip install "grader==0.0.1"' in error.value.hint


@pytest.mark.parametrize("toml, phrase", [
    ("[course]\n", "course.title: Field required"),
    ('[course]\ntitle = "T"\nengine = "new please"\n', "course.engine"),
    ('[course]\ntitle = "T"\nexercise_shorthand = "ex{x}"\n', "course.exercise_shorthand"),
    ("[course", "not valid TOML"),
])
def test_a_bad_course_toml_names_the_field(tmp_path, toml, phrase):
    root = _course(tmp_path / "bad", toml)
    with pytest.raises(ManifestError) as error:
        Course.at(root)
    assert "course.toml" in error.value.message and phrase in error.value.message


def test_a_course_without_a_shorthand_takes_full_ids_only(tmp_path):
    root = _course(tmp_path / "c")
    (root / "checks" / "lab_3").mkdir()
    (root / "checks" / "lab_3" / "exercise.toml").write_text(
        'id = "lab_3"\ntitle = "x"\nstudent_file = "lab_3.py"\nsolution_file = "lab_3.py"\n')
    course = Course.at(root)
    assert [e.id for e in course.select(["lab_3"])] == ["lab_3"]
    with pytest.raises(Exception):
        course.select(["3"])
