"""Grade the held-out catalogue (issue 23) and print how well the checks name mistakes
nobody catalogued for them.

    GRADER_DATA_DIR=/path/to/mnist python benchmarks/bench_heldout.py [-v] [--only e04_,e06_] [--lang en]

Every case in tests/fixtures/heldout/ (tests/heldout.py describes them) is graded with
the engine, one GradingSession per case over one shared sandbox. Prints

  mistakes named      the failing checks' text holds every word group of the case
  mistakes caught     the exercise lost points
  correct, full marks an unusual but correct rewrite kept every point
  time per failing check  the wall time of the checks that lost points (what a
                          diagnosis added to them would add to)

  diagnosis per failing comparison  the time and grading-process memory (RSS growth)
                          the rungs after "not close" take: named mistakes, the
                          counterfactual search, the relations (measured around the
                          helpers' failure path, in this process, which is the
                          grading process)

and, with -v, each case: its points, and each failing check with its time and message.
MNIST comes from where `grader check` finds it ($GRADER_DATA_DIR, the cache, the
working folder); without it, the MNIST checks are NOT RUN and count as lost points.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
import os
import statistics
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader.authoring import tensors, values  # noqa: E402
from grader.catalog.course import Course  # noqa: E402
from grader.engine.session import GradingSession, data_sets_found  # noqa: E402
from grader.i18n import COURSE_LOCALE_FOLDER, use_language  # noqa: E402
from grader.sandbox.client import Sandbox  # noqa: E402
from tests.heldout import Case, Verdict, judge, load_cases  # noqa: E402


@dataclass
class DiagnosisCost:
    """What each failing comparison's diagnosis took, measured around the helpers'
    failure paths (expect_tensor's, and the number helpers' counterfactual search)."""

    seconds: list[float] = field(default_factory=list)
    rss_growth: list[int] = field(default_factory=list)

    def wrap(self, function):
        def measured(*args, **kwargs):
            rss, started = _rss(), time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds.append(time.perf_counter() - started)
                self.rss_growth.append(_rss() - rss)
        return measured


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure_diagnosis() -> DiagnosisCost:
    cost = DiagnosisCost()
    tensors._explain_wrong = cost.wrap(tensors._explain_wrong)
    values._counterfactual = cost.wrap(values._counterfactual)
    return cost


def grade_cases(course: Course, cases: list[Case], verbose: bool) -> list[tuple[Verdict, float]]:
    exercises = course.select(sorted({case.exercise for case in cases}))
    data = data_sets_found(exercises, Path.cwd(), os.environ, Path.home())
    verdicts = []
    try:
        with Sandbox(many_cells=True) as box:
            for case in cases:
                started = time.perf_counter()
                with GradingSession(course, course.select([case.exercise]), sandbox=box, data=data, lent=True) as s:
                    result = s.grade(case.folder).exercises[0]
                wall = time.perf_counter() - started
                verdict = judge(case, result)
                verdicts.append((verdict, wall))
                if verbose:
                    show_case(verdict, wall)
    finally:
        data.close()
    return verdicts


def outcome(verdict: Verdict) -> str:
    if verdict.case.kind == "correct":
        return "PENALISED" if verdict.penalised else "full marks"
    if verdict.named:
        return "NAMED"
    return "caught, not named" if verdict.caught else "MISSED (full marks)"


def show_case(verdict: Verdict, wall: float) -> None:
    case = verdict.case
    earned, possible = verdict.points
    print(f"\n== {case.name} [{case.kind}] {earned:g}/{possible:g} points, {wall:.1f} s: {outcome(verdict)}")
    if case.cause:
        print(f"   cause: {case.cause}")
        print(f"   words: {' AND '.join('(' + ' | '.join(g) + ')' for g in case.words)}")
    for check in verdict.failing:
        print(f"   - {check.id} [{check.status.value}] {check.points_earned:g}/{check.points_possible:g}, "
              f"{check.duration_s:.2f} s")
        text = check.message.strip() or "(no message)"
        for mistake in check.mistakes:
            text += f"\n[named mistake {mistake.id}: {mistake.title}]"
        print(textwrap.indent(text, "       "))
    sys.stdout.flush()  # a long run shows each case as it is graded, even into a file


def percent(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.0f}%)" if total else "0/0"


def summary(verdicts: list[tuple[Verdict, float]], cost: DiagnosisCost) -> None:
    mistakes = [v for v, _ in verdicts if v.case.kind == "mistake"]
    correct = [v for v, _ in verdicts if v.case.kind == "correct"]
    print("\n== held-out catalogue")
    print(f"mistakes named:               {percent(sum(v.named for v in mistakes), len(mistakes))}")
    print(f"mistakes caught:              {percent(sum(v.caught for v in mistakes), len(mistakes))}")
    print(f"correct variants, full marks: {percent(sum(v.full_marks for v in correct), len(correct))}")
    by_exercise: dict[str, list[Verdict]] = {}
    for v in mistakes:
        by_exercise.setdefault(v.case.exercise, []).append(v)
    for exercise, group in sorted(by_exercise.items()):
        print(f"  {exercise}: named {sum(v.named for v in group)}/{len(group)}, "
              f"caught {sum(v.caught for v in group)}/{len(group)}")
    times = [c.duration_s for v, _ in verdicts for c in v.failing]
    if times:
        print(f"time per failing check:       median {statistics.median(times):.2f} s, "
              f"mean {statistics.mean(times):.2f} s, max {max(times):.2f} s ({len(times)} failing checks)")
    if cost.seconds:
        print(f"diagnosis per failing comparison: median {1000 * statistics.median(cost.seconds):.1f} ms, "
              f"max {1000 * max(cost.seconds):.0f} ms, RSS growth max {max(cost.rss_growth) / 2**20:.1f} MiB, "
              f"total {sum(g for g in cost.rss_growth if g > 0) / 2**20:.1f} MiB ({len(cost.seconds)} comparisons)")
    walls = [w for _, w in verdicts]
    print(f"wall per case:                median {statistics.median(walls):.1f} s, total {sum(walls):.0f} s")
    missed = [v.case.name for v in mistakes if not v.caught]
    penalised = [v.case.name for v in correct if v.penalised]
    unnamed = [v.case.name for v in mistakes if v.caught and not v.named]
    print(f"mistakes with full marks: {', '.join(missed) or 'none'}")
    print(f"correct variants that lost points: {', '.join(penalised) or 'none'}")
    print(f"caught, not named: {', '.join(unnamed) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="each case and its failing checks' messages")
    parser.add_argument("--only", default="",
                        help="grade only the cases whose name contains one of these (comma-separated)")
    parser.add_argument("--lang", default="en", help="the language of the messages (default en)")
    args = parser.parse_args()
    wanted = [part for part in args.only.split(",") if part] or [""]
    cases = [c for c in load_cases() if any(part in c.name for part in wanted)]
    if not cases:
        parser.error(f"no case matches {args.only!r}")
    course = Course.at(REPO)
    started = time.perf_counter()
    cost = measure_diagnosis()
    with use_language(args.lang, REPO / COURSE_LOCALE_FOLDER):
        verdicts = grade_cases(course, cases, args.verbose)
    summary(verdicts, cost)
    print(f"{len(cases)} cases graded in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
