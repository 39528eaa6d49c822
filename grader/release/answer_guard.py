"""A kit never hands out an answer: try the kit's own functions as the student's.

The leak check (sources.leaked_solutions) finds a solution's body copied into the kit.
It cannot see a function written afresh that does a stub function's job: a mistake
simulator whose defaults are the correct training loop, a reference renamed. So before
the kit is published, every function of its check and probe files that could stand in
for a stub function (answer_candidates says which) is graded as the student's, as
`grader check` grades a submission: the course's checks, hidden ones included, with the
student's code in the sandbox. One that earns more points than the bare stub is an
answer the kit would hand out, and the release stops, naming the file, the function
and the stub function it answers.

"More than the stub" means more than the stub and more than a stub function that does
nothing (`return None`): some checks look for a mistake's absence (exercise 05's "moves
the batches to the device"), which any function that leaves its arguments alone shows,
and such points answer nothing.

Grading takes about a second a candidate; only the functions that match a stub function
by name or parameters are tried, the stub once per exercise that has any, and the
function that does nothing only for a stub function some candidate beat the stub on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from grader.catalog.course import Course, Exercise
from grader.engine.session import GradingSession
from grader.errors import ReleaseError
from grader.i18n import tr
from grader.release.answer_candidates import Candidate, find_candidates
from grader.sandbox.client import Sandbox

Progress = Callable[[str], None]


@dataclass(frozen=True)
class HandedOutAnswer:
    """A candidate that did better than the stub."""

    candidate: Candidate
    points: float
    stub_points: float

    def describe(self) -> str:
        return tr("{file}: {function}() answers {stub}() ({points} points; doing nothing earns {stub_points})",
                  file=self.candidate.file, function=self.candidate.function, stub=self.candidate.stub,
                  points=f"{self.points:g}", stub_points=f"{self.stub_points:g}")


class AnswerInKit(ReleaseError):
    """Functions the kit would ship answer stub functions (each named)."""

    def __init__(self, answers: list[HandedOutAnswer]) -> None:
        super().__init__(
            tr("the kit would hand out answers: {answers}", answers="; ".join(a.describe() for a in answers)),
            hint=tr("move these functions where students cannot read them (the solution file, which the kit "
                    "never ships, called through `reference`, so the kit replays their results), or mark the "
                    "checks that use them hidden"),
        )
        self.answers = answers


def _points(course: Course, exercise: Exercise, source: str, folder: Path, sandbox: Sandbox) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / exercise.manifest.student_file).write_text(source, encoding="utf-8")
    with GradingSession(course, [exercise], sandbox=sandbox, lent=True) as session:
        return session.grade(folder).points_earned


def refuse_handed_out_answers(course: Course, kit: Path, exercises: list[Exercise], sandbox: Sandbox,
                              scratch: Path, progress: Progress = lambda _: None) -> int:
    """Grade each candidate of the kit; raise AnswerInKit naming every one that earns more
    than its exercise's stub and than a stub function that does nothing. Returns how
    many were tried."""
    candidates = find_candidates(kit, exercises)
    stub_points: dict[str, float] = {}
    baselines: dict[tuple[str, str], float] = {}
    answers: list[HandedOutAnswer] = []
    for index, candidate in enumerate(candidates, start=1):
        exercise = candidate.exercise
        stub_source = exercise.stub_path.read_text(encoding="utf-8")
        if exercise.id not in stub_points:
            progress(tr("grading {exercise}'s stub, to try the kit's functions against it", exercise=exercise.id))
            stub_points[exercise.id] = _points(course, exercise, stub_source, scratch / f"{exercise.id}-stub", sandbox)
        progress(tr("trying {function}() of {file} as {stub}() ({index}/{total})", function=candidate.function,
                    file=candidate.file, stub=candidate.stub, index=index, total=len(candidates)))
        earned = _points(course, exercise, candidate.submission, scratch / f"{exercise.id}-{index}", sandbox)
        if earned <= stub_points[exercise.id]:
            continue
        # Better than the stub: better than doing nothing too? (graded once a stub function, when asked)
        key = (exercise.id, candidate.stub)
        if key not in baselines:
            progress(tr("grading {exercise} with a {stub}() that does nothing", exercise=exercise.id, stub=candidate.stub))
            idle = f"{stub_source.rstrip()}\n\n\ndef {candidate.stub}(*args, **kwargs):\n    return None\n"
            baselines[key] = max(stub_points[exercise.id],
                                 _points(course, exercise, idle, scratch / f"{exercise.id}-idle-{candidate.stub}", sandbox))
        if earned > baselines[key]:
            answers.append(HandedOutAnswer(candidate, earned, baselines[key]))
    if answers:
        raise AnswerInKit(answers)
    return len(candidates)
