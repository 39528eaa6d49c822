"""The held-out catalogue (tests/fixtures/heldout/, issue 23) is well formed.

Nothing here grades: benchmarks/bench_heldout.py does, and prints the naming rate, which
no test asserts (the catalogue measures the checks; it is not a target for them).
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from tests import heldout_build
from tests.heldout import HELDOUT, Case, CaseError, load_case, load_cases, names_cause

REPO = Path(__file__).resolve().parents[1]
CASES = load_cases()
IDS = [case.name for case in CASES]


def test_the_catalogue_is_big_enough_and_spread_over_every_exercise() -> None:
    kinds = Counter(case.kind for case in CASES)
    assert kinds["mistake"] >= 40 and kinds["correct"] >= 10, kinds
    exercises = {p.stem for p in (REPO / "solutions").glob("exercise_*.py")}
    assert {case.exercise for case in CASES if case.kind == "mistake"} == exercises
    assert {case.exercise for case in CASES if case.kind == "correct"} == exercises


def test_the_folders_are_what_the_builder_writes() -> None:
    """Every case is reproducible from tests/heldout_build.py (and none is left over)."""
    assert heldout_build.build(HELDOUT, check=True) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_student_file_compiles(case: Case) -> None:
    source = case.student_file.read_text(encoding="utf-8")
    compile(source, str(case.student_file), "exec")
    assert (REPO / "solutions" / case.student_file.name).is_file(), f"{case.exercise} has no reference"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_student_file_differs_from_the_reference(case: Case) -> None:
    """Compared as code (docstrings and comments aside): a case that only edits words is no case."""
    reference = heldout_build.student_base(case.exercise)
    assert _code(case.student_file.read_text(encoding="utf-8")) != _code(reference)


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "mistake"], ids=lambda c: c.name)
def test_a_mistake_has_a_cause_and_words_no_values_message_gives_away(case: Case) -> None:
    assert case.cause.strip().endswith(".") and "\n" not in case.cause
    assert case.words and all(group for group in case.words)
    generic = ("wrong values: 12 of 16 elements differ; has shape (2, 3), expected (3, 3); "
               "returned 4, expected 5 differs from the reference's")
    assert not names_cause(generic, case.words), "a plain 'values differ' message would count as naming it"


def test_the_words_rule() -> None:
    words = (("swap", "交换"), ("stride",))
    assert names_cause("you swapped stride and padding", words)
    assert names_cause("步幅和填充被交换了 (stride)", words)
    assert not names_cause("the stride is wrong", words)
    assert not names_cause("anything", ())


def test_a_broken_case_is_refused_with_its_file(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "expect.toml").write_text('exercise = "exercise_01"\nkind = "mistake"\n', encoding="utf-8")
    (folder / "exercise_01.py").write_text("", encoding="utf-8")
    with pytest.raises(CaseError, match=r"broken.*expect\.toml.*cause"):
        load_case(folder)


def _code(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return ast.dump(tree)
