"""The held-out catalogue (issue 23): cases the checks were not written from, and how
one graded case is judged.

Each case is a folder `tests/fixtures/heldout/<case>/` holding one complete student file
(`exercise_NN.py`: the reference solution with exactly one realistic mistake, or an
unusual rewrite that is still correct) and an `expect.toml`:

    exercise = "exercise_01"
    kind = "mistake"            # or "correct"
    cause = "one sentence: what the student did"       # mistakes only
    words = [["swap", "swapped", "交换"], ["stride"]]   # mistakes only

A mistake is CAUGHT when the exercise loses points, and NAMED when the text the student
is shown for the failing checks (their messages, and the titles and messages of the
mistakes they recognised), lower-cased, holds at least one word of every group. A
correct variant is PENALISED when it loses points. The folders are written by
tests/heldout_build.py; tests/test_heldout_catalogue.py keeps them well formed and
benchmarks/bench_heldout.py grades them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from grader.models.results import CheckResult, CheckStatus, ExerciseResult

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"
EXPECT_FILE = "expect.toml"
KINDS = ("mistake", "correct")


class CaseError(ValueError):
    """A case folder that does not follow the format above; the message names the file."""


@dataclass(frozen=True)
class Case:
    """One held-out case, as its folder describes it."""

    name: str
    folder: Path
    exercise: str
    kind: Literal["mistake", "correct"]
    cause: str = ""
    words: tuple[tuple[str, ...], ...] = ()

    @property
    def student_file(self) -> Path:
        return self.folder / f"{self.exercise}.py"


@dataclass(frozen=True)
class Verdict:
    """What the grader made of one case, judged against its expect.toml."""

    case: Case
    full_marks: bool
    caught: bool  # a mistake lost points
    named: bool  # a mistake's failing checks say its cause (the words rule)
    penalised: bool  # a correct variant lost points
    failing: tuple[CheckResult, ...]
    points: tuple[float, float]  # earned, possible


def load_case(folder: Path) -> Case:
    """The case in `folder`; CaseError when its expect.toml or student file is missing or wrong."""
    expect = folder / EXPECT_FILE
    try:
        data = tomllib.loads(expect.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"{expect}: {exc}") from exc
    unknown = set(data) - {"exercise", "kind", "cause", "words"}
    if unknown:
        raise CaseError(f"{expect}: unknown keys {sorted(unknown)}")
    exercise, kind = data.get("exercise"), data.get("kind")
    if not isinstance(exercise, str) or not exercise.startswith("exercise_"):
        raise CaseError(f"{expect}: exercise must be a string like 'exercise_01', got {exercise!r}")
    if kind not in KINDS:
        raise CaseError(f"{expect}: kind must be one of {KINDS}, got {kind!r}")
    cause, words = data.get("cause", ""), data.get("words", [])
    if kind == "mistake":
        if not isinstance(cause, str) or not cause.strip():
            raise CaseError(f"{expect}: a mistake needs a cause (one sentence)")
        if (not isinstance(words, list) or not words
                or not all(isinstance(g, list) and g and all(isinstance(w, str) and w.strip() for w in g)
                           for g in words)):
            raise CaseError(f"{expect}: a mistake needs words: a non-empty list of non-empty lists of words")
    elif cause or words:
        raise CaseError(f"{expect}: a correct variant has no cause or words")
    case = Case(name=folder.name, folder=folder, exercise=exercise, kind=kind, cause=cause,
                words=tuple(tuple(w.lower() for w in group) for group in words))
    if not case.student_file.is_file():
        raise CaseError(f"{folder}: no student file {case.student_file.name}")
    others = sorted(p.name for p in folder.iterdir()
                    if p.name not in (EXPECT_FILE, case.student_file.name, "__pycache__"))
    if others:
        raise CaseError(f"{folder}: unexpected files {others} (one student file and expect.toml only)")
    return case


def load_cases(root: Path = HELDOUT) -> list[Case]:
    """Every case under `root`, in folder-name order."""
    return [load_case(folder) for folder in sorted(p for p in root.iterdir() if p.is_dir())]


def lost_points(check: CheckResult) -> bool:
    return check.status is not CheckStatus.PASSED or check.points_earned < check.points_possible


def shown_text(checks: tuple[CheckResult, ...] | list[CheckResult]) -> str:
    """What the student reads about these checks, lower-cased: messages and named mistakes."""
    parts: list[str] = []
    for check in checks:
        parts.append(check.message)
        for mistake in check.mistakes:
            parts.extend((mistake.title, mistake.message))
    return "\n".join(parts).lower()


def names_cause(text: str, words: tuple[tuple[str, ...], ...]) -> bool:
    """The words rule: every group has at least one of its words in `text` (lower-cased)."""
    return bool(words) and all(any(word in text for word in group) for group in words)


def judge(case: Case, result: ExerciseResult) -> Verdict:
    failing = tuple(c for c in result.checks if lost_points(c))
    full = bool(result.checks) and not failing and result.points_earned >= result.points_possible
    mistake = case.kind == "mistake"
    return Verdict(
        case=case,
        full_marks=full,
        caught=mistake and not full,
        named=mistake and not full and names_cause(shown_text(failing), case.words),
        penalised=not mistake and not full,
        failing=failing,
        points=(result.points_earned, result.points_possible),
    )
