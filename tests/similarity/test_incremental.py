"""A re-run compares only what is new: the cache in the class's output folder keeps each
file's fingerprints and each pair's comparison, and the report comes out the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.catalog.course import Course
from grader.similarity.analyse import Submission, analyse
from grader.similarity.cache import FingerprintCache
from grader.similarity.model import SimilarityReport, SimilaritySettings
from tests.conftest import REPO_ROOT
from tests.similarity.authors import GRETA_01
from tests.similarity.planted import build_class, rename

EXERCISES = ["exercise_01", "exercise_02"]


def submissions(folder: Path) -> list[Submission]:
    return [Submission(p.name, p) for p in sorted(folder.iterdir())]


def run(folder: Path, out: Path | None, course: Course | None = None) -> SimilarityReport:
    course = course or Course.at(REPO_ROOT)
    with FingerprintCache(None if out is None else out / "cache.sqlite") as cache:
        return analyse(submissions(folder), course.select(EXERCISES), SimilaritySettings(threshold=0.0), cache)


def same_results(a: SimilarityReport, b: SimilarityReport) -> bool:
    leave = {"generated_at", "cost"}
    return a.model_dump(exclude=leave) == b.model_dump(exclude=leave)


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    return build_class(tmp_path)


def test_an_unchanged_class_compares_nothing_again(planted: Path, tmp_path: Path) -> None:
    first = run(planted, tmp_path / "out")
    again = run(planted, tmp_path / "out")
    assert first.cost.pairs_compared > 0 and first.cost.fingerprinted > 0
    assert (again.cost.pairs_compared, again.cost.fingerprinted) == (0, 0)
    assert again.cost.pairs_reused == first.cost.pairs_compared
    assert same_results(first, again)


def test_one_new_submission_is_compared_with_the_others_and_nothing_else(planted: Path, tmp_path: Path) -> None:
    before = run(planted, tmp_path / "out")
    (planted / "nina").mkdir()
    (planted / "nina" / "exercise_01.py").write_text(rename(GRETA_01, {"twice": "both", "view": "strided"}))
    after = run(planted, tmp_path / "out")
    # Her one file against each different file already there, and the reference: nothing else.
    distinct = next(e for e in before.exercises if e.exercise_id == "exercise_01").distinct_files
    assert (after.cost.fingerprinted, after.cost.pairs_compared) == (1, distinct + 1)
    assert after.cost.pairs_reused == before.cost.pairs_compared
    assert same_results(after, run(planted, None))  # what a run from nothing finds
    pair = next(p for p in after.exercises[0].pairs if "nina" in (p.student_a, p.student_b))
    assert (pair.student_a, pair.student_b) == ("greta", "nina") and pair.score > 0.9


def test_a_changed_file_is_compared_again_and_its_old_version_forgotten(planted: Path, tmp_path: Path) -> None:
    run(planted, tmp_path / "out")
    (planted / "greta" / "exercise_01.py").write_text(GRETA_01 + "\n\ndef extra(x):\n    return x * 2 + 1\n")
    after = run(planted, tmp_path / "out")
    assert after.cost.fingerprinted == 1 and 0 < after.cost.pairs_compared < after.cost.pairs_reused
    assert same_results(after, run(planted, None))


def test_a_changed_stub_starts_the_exercise_over(planted: Path, tmp_path: Path) -> None:
    course_root = tmp_path / "course"
    course_root.mkdir()
    for part in ("course.toml", "exercises", "solutions"):
        source = REPO_ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, course_root / part)
    for exercise_id in EXERCISES:
        (course_root / "checks" / exercise_id).mkdir(parents=True)
        shutil.copy(REPO_ROOT / "checks" / exercise_id / "exercise.toml", course_root / "checks" / exercise_id)
    first = run(planted, tmp_path / "out", Course.at(course_root))
    stub = course_root / "exercises" / "exercise_02.py"
    stub.write_text(stub.read_text() + "\n\ndef helper(x: int) -> int:\n    return x + 1\n")
    after = run(planted, tmp_path / "out", Course.at(course_root))
    exercise_02 = next(e for e in first.exercises if e.exercise_id == "exercise_02")
    assert after.cost.fingerprinted == 0  # the files are the same: only what counts as theirs changed
    pairs_02 = exercise_02.distinct_files + 1  # with the reference
    assert after.cost.pairs_compared == pairs_02 * (pairs_02 - 1) // 2
