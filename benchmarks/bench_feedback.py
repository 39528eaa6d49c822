"""Grade the feedback catalogue (tests/fixtures/catalogue/) and print the issue's figures.

  correct solutions given full marks     n of N
  mistakes caught (lost points)          n of N
  messages naming the right cause        n of N (mistakes whose cause can be named)
  messages naming a cause it lacks       n

then, with -v, every case's failed checks and messages.

    python benchmarks/bench_feedback.py [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.catalog.course import Course  # noqa: E402
from grader.engine.run import grade_submission  # noqa: E402
from grader.models.results import CheckStatus  # noqa: E402
from grader.sandbox.client import Sandbox  # noqa: E402
from tests.feedback.cases import judge, load_cases  # noqa: E402


def main() -> None:
    verbose = "-v" in sys.argv
    course = Course.at(Path(__file__).resolve().parents[1])
    cases = load_cases()
    verdicts = {}
    with Sandbox() as sandbox:
        for case in cases:
            exercises = course.select([case.exercise])
            (result,) = grade_submission(course, exercises, case.folder, sandbox).exercises
            verdicts[case.name] = verdict = judge(case, result)
            if verbose:
                print(f"\n{case.name} ({case.kind}): {result.points_earned:g}/{result.points_possible:g}")
                for check in result.checks:
                    if check.status is not CheckStatus.PASSED:
                        ids = [m.id for m in check.mistakes]
                        print(f"  {check.id}: {check.message.splitlines()[0]} {ids or ''}")
                for problem in verdict.problems:
                    print(f"  !! {problem.split(':')[0]}")
    correct = [c for c in cases if c.kind == "correct"]
    wrong = [c for c in cases if c.kind == "mistake"]
    nameable = [c for c in wrong if c.causes]
    print(f"\ncorrect solutions given full marks   {sum(verdicts[c.name].full_marks for c in correct)} of {len(correct)}")
    print(f"mistakes caught (lost points)        {sum(verdicts[c.name].caught for c in wrong)} of {len(wrong)}")
    print(f"  ... exactly the expected checks    {sum(verdicts[c.name].exact_checks for c in wrong)} of {len(wrong)}")
    print(f"messages naming the right cause      {sum(verdicts[c.name].named_right_cause for c in nameable)} of {len(nameable)}")
    print(f"cases told of a cause they lack      {sum(bool(verdicts[c.name].wrong_causes) for c in wrong)}")


if __name__ == "__main__":
    main()
