"""The feedback catalogue (tests/fixtures/catalogue/): submissions the checks were not written against.

Each case folder holds one complete `exercise_NN.py` and an `expect.toml`:
  kind = "correct"   a legitimate solution written in an unusual way: full marks;
  kind = "mistake"   one realistic mistake: exactly the checks in `failing` lose their
                     points, the named mistakes recorded are among `causes` (the true
                     ones; [] when no cause should be named), and when `causes` is not
                     empty some message names the cause (contains `phrase`).
`judge` turns a graded case into a Verdict; the test and benchmarks/bench_feedback.py
both use it, so the figures the benchmark prints are the ones the test asserts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader.models.results import CheckStatus, ExerciseResult

CATALOGUE = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue"


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    exercise: str
    kind: str
    failing: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()
    phrase: str = ""


@dataclass
class Verdict:
    """What the grader did with one case, in the terms the issue measures."""

    full_marks: bool
    caught: bool  # lost points (mistakes)
    exact_checks: bool  # exactly the expected checks failed
    named_right_cause: bool  # a message names the true cause (mistakes with causes)
    wrong_causes: list[str] = field(default_factory=list)  # named mistakes it does not have
    problems: list[str] = field(default_factory=list)


def load_cases() -> list[Case]:
    cases = []
    for expect in sorted(CATALOGUE.glob("*/expect.toml")):
        data = tomllib.loads(expect.read_text())
        cases.append(Case(
            name=expect.parent.name, folder=expect.parent, exercise=data["exercise"], kind=data["kind"],
            failing=tuple(data.get("failing", ())), causes=tuple(data.get("causes", ())), phrase=data.get("phrase", ""),
        ))
    return cases


def judge(case: Case, result: ExerciseResult) -> Verdict:
    failed = {c.id for c in result.checks if c.status is not CheckStatus.PASSED}
    messages = [c.message for c in result.checks if c.id in failed]
    named = [m.id for c in result.checks for m in c.mistakes]
    full = result.points_earned == result.points_possible
    verdict = Verdict(
        full_marks=full,
        caught=not full,
        exact_checks=failed == set(case.failing),
        named_right_cause=bool(case.causes) and (
            any(m in case.causes for m in named) or any(case.phrase in text for text in messages)
        ),
        # evidence.* ids state what the numbers show (true by construction), not a cause.
        wrong_causes=[m for m in named if m not in case.causes and not m.startswith("evidence.")],
    )
    if case.kind == "correct" and not full:
        verdict.problems.append(f"a correct solution lost points: {_describe(result)}")
    if case.kind == "mistake":
        if full:
            verdict.problems.append("the mistake got full marks")
        elif not verdict.exact_checks:
            verdict.problems.append(f"failed checks {sorted(failed)}, expected {sorted(case.failing)}: {_describe(result)}")
        if verdict.wrong_causes:
            verdict.problems.append(f"named causes it does not have: {verdict.wrong_causes}: {_describe(result)}")
        if case.causes and not verdict.named_right_cause:
            verdict.problems.append(f"no message names the cause ({case.causes}): {_describe(result)}")
    return verdict


def _describe(result: ExerciseResult) -> str:
    return "; ".join(f"{c.id}: {c.message}" for c in result.checks if c.status is not CheckStatus.PASSED)
