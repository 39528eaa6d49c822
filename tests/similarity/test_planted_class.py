"""The similarity report on a class with known copies planted (tests/similarity/planted.py):
the planted pairs rank above every pair of students who wrote their own code, and what
counts for nothing (the stub, the formula everyone writes alike) never makes a pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.catalog.course import Course
from grader.similarity.analyse import Submission, analyse
from grader.similarity.cache import FingerprintCache
from grader.similarity.model import ExerciseSimilarity, PairMatch, SimilarityReport, SimilaritySettings
from tests.similarity.planted import (AUTHORS, CLUSTER_01, DEAD_CODE_LINES, FILES_01, PLANTED_01, UNTOUCHED,
                                      build_class)

# The expected ranking of the planted pairs, highest first (ties: more shared code first).
# Every one of them ranks above every pair of students who each wrote their own.
EXPECTED_RANKING_01 = [
    ("farid", "ivan"),  # the very same file
    ("alice", "zed"),  # every identifier renamed
    ("emil", "uma"), ("emil", "vera"), ("uma", "vera"),  # the group of three
    ("chen", "xena"),  # dead code inserted
    ("boris", "yuri"),  # functions reordered, comments rewritten
    ("dana", "wang"),  # a notebook copy of a .py
]


def submissions(folder: Path) -> list[Submission]:
    return [Submission(p.name, p) for p in sorted(folder.iterdir())]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_class(tmp_path_factory.mktemp("planted"))


def run(folder: Path, threshold: float) -> SimilarityReport:
    course = Course.at(Path(__file__).resolve().parents[2])
    with FingerprintCache(None) as cache:
        return analyse(submissions(folder), course.select(["exercise_01", "exercise_02"]),
                       SimilaritySettings(threshold=threshold), cache)


@pytest.fixture(scope="module")
def every_pair(planted: Path) -> SimilarityReport:
    """Threshold 0: every pair that shares anything that counts, with its score."""
    return run(planted, 0.0)


@pytest.fixture(scope="module")
def report(planted: Path) -> SimilarityReport:
    return run(planted, SimilaritySettings().threshold)


def exercise(report: SimilarityReport, exercise_id: str) -> ExerciseSimilarity:
    return next(e for e in report.exercises if e.exercise_id == exercise_id)


def names(pair: PairMatch) -> tuple[str, str]:
    return pair.student_a, pair.student_b


def test_the_planted_pairs_rank_above_every_independent_pair(every_pair: SimilarityReport) -> None:
    pairs = exercise(every_pair, "exercise_01").pairs
    assert [names(p) for p in pairs[:len(EXPECTED_RANKING_01)]] == EXPECTED_RANKING_01
    planted = [p for p in pairs if names(p) in PLANTED_01]
    independent = [p for p in pairs if names(p) not in PLANTED_01]
    assert len(planted) == len(PLANTED_01) and independent
    assert min(p.score for p in planted) >= 0.85
    assert max(p.score for p in independent) <= 0.25  # well apart: no threshold has to be just so


def test_the_default_threshold_reports_the_planted_pairs_and_nothing_else(report: SimilarityReport) -> None:
    assert {names(p) for p in exercise(report, "exercise_01").pairs} == PLANTED_01
    assert exercise(report, "exercise_02").pairs == []


def test_three_students_sharing_one_file_are_one_group(report: SimilarityReport) -> None:
    (group,) = exercise(report, "exercise_01").clusters
    assert group.students == CLUSTER_01 and not group.exact and group.lowest >= 0.85


def test_untouched_stubs_are_never_compared(every_pair: SimilarityReport) -> None:
    for result in every_pair.exercises:
        assert result.not_compared == {"untouched": UNTOUCHED}
        assert not [p for p in result.pairs if {p.student_a, p.student_b} & set(UNTOUCHED)]
    assert not [m for m in every_pair.students if m.student_id in UNTOUCHED or m.other in UNTOUCHED]


def test_identical_files_are_exact_copies_compared_no_further(every_pair: SimilarityReport) -> None:
    result = exercise(every_pair, "exercise_01")
    ivan = next(p for p in result.pairs if names(p) == ("farid", "ivan"))
    assert ivan.exact and ivan.score == 1.0
    assert result.distinct_files == result.compared - 1  # ivan's file is farid's: fingerprinted and compared once
    others = [p for p in result.pairs if "ivan" in names(p) and not p.exact]
    twins = {(p.other("ivan"), p.score) for p in others}
    assert twins == {(p.other("farid"), p.score) for p in result.pairs if "farid" in names(p) and not p.exact}


def test_a_formula_everyone_writes_alike_is_common_not_a_copy(every_pair: SimilarityReport) -> None:
    result = exercise(every_pair, "exercise_02")
    formula = "return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1"
    assert any(formula in c.text and c.files >= len(AUTHORS) for c in result.common)
    # The copiers filled in the formula alone: byte-identical files, and still no pair.
    copiers = {"zed", "yuri", "xena", "wang", "vera", "uma", "ivan", "rhea"}
    assert not [p for p in result.pairs if {p.student_a, p.student_b} <= copiers]
    assert max(p.score for p in result.pairs) < SimilaritySettings().threshold


def test_the_reference_is_compared_and_shown_apart(report: SimilarityReport) -> None:
    result = exercise(report, "exercise_01")
    assert [(m.student_id, m.exact, m.score) for m in result.reference] == [("rhea", True, 1.0)]
    assert not [p for p in result.pairs if "rhea" in names(p)]  # no student shares the reference's code
    assert result.files["reference"].name == "reference"


def test_the_notebook_copy_is_compared_by_its_code_cells(report: SimilarityReport) -> None:
    result = exercise(report, "exercise_01")
    shown = result.files["wang"]
    assert shown.name == "exercise_01.ipynb" and "# In[1]:" in shown.lines
    pair = next(p for p in result.pairs if names(p) == ("dana", "wang"))
    dana = FILES_01["dana"].splitlines()
    compared = 0
    for region in pair.regions:  # each line of code that matches is the same line of dana's file
        for offset in range(region.b.last - region.b.first + 1):
            mine, hers = shown.lines[region.b.first - 1 + offset], dana[region.a.first - 1 + offset]
            if mine.strip() and not mine.startswith("# In["):  # between cells: her blank lines
                assert mine == hers
                compared += 1
    assert compared >= 35  # most of her code (the def lines are the stub's)


def highlighted(pair: PairMatch, side: str) -> set[int]:
    return {n for r in pair.regions for n in range(getattr(r, side).first, getattr(r, side).last + 1)}


def test_the_matching_lines_are_the_copied_ones(report: SimilarityReport) -> None:
    result = exercise(report, "exercise_01")
    pairs = {names(p): p for p in result.pairs}
    xena = result.files["xena"].lines
    dead = {n for n, line in enumerate(xena, 1) if line in DEAD_CODE_LINES}
    copied = {n for n, line in enumerate(xena, 1) if line.strip() and n not in dead and line in FILES_01["chen"]}
    lines = highlighted(pairs[("chen", "xena")], "b")
    assert len(dead) == len(DEAD_CODE_LINES) and not lines & dead  # (LOOK_ALIKE_LINES may be, and are)
    assert len(lines & copied) >= 0.85 * len(copied)
    # Renamed throughout: every line of alice's functions matches the same line of zed's.
    alice = pairs[("alice", "zed")]
    assert [(r.a.first, r.a.last, r.b.first, r.b.last) for r in alice.regions] == [(9, 73, 9, 73)]  # to the end


def test_each_student_has_a_highest_match(report: SimilarityReport) -> None:
    best = {m.student_id: m for m in report.students}
    assert (best["xena"].other, best["xena"].exercise_id) == ("chen", "exercise_01")
    pair = next(p for p in exercise(report, "exercise_01").pairs if names(p) == ("chen", "xena"))
    assert best["xena"].anchor == pair.anchor
    assert best["greta"].score < 0.5 and best["greta"].anchor == ""  # below the threshold: on no page
