"""Where one submission's CPU goes, in a batch worker: grade N submissions of 01-04 as a
worker does (its sandbox, its references and figures kept across them) and print the
CPU seconds per submission of each phase.

    python benchmarks/profile_submission.py [--submissions 20] [--kind correct|stub] [--repo DIR]

Phases of the grading process (time.process_time: CPU, not waiting):
  before pytest   the batch layer and the plan (find the files, read the stubs)
  pytest start    pytest.main until collection: configuration, plugins
  collection      finding the checks (modules are imported once per process)
  checks          running them: pytest's own work per check, fixtures, the checks'
                  code and the reference, but not...
  sandbox calls   ...what asking student code costs this side: encoding the request,
                  decoding the reply, spawning the check's worker
  after pytest    the report, the record as JSON
and the sandbox's processes (its zygote, cells, check workers, student code): the CPU
of a cpuacct cgroup this process runs in (benchmarks/machine.py's CpuAccount), less
its own, over the graded submissions (the sandbox started and the first submission
graded before the count starts). Every file is distinct (a
comment names its student). Run on a quiet machine; the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.machine import CpuAccount  # noqa: E402

EXERCISES = ["exercise_01", "exercise_02", "exercise_03", "exercise_04"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--kind", choices=("correct", "stub"), default="correct")
    parser.add_argument("--repo", type=Path, default=REPO, help="profile another checkout's grader")
    args = parser.parse_args()
    sys.path.insert(0, str(args.repo))
    import pytest

    import grader.batch.local as local
    import grader.engine.run as engine_run
    from grader.batch.task import GradeTask, run_task
    from grader.catalog.course import Course
    from grader.engine.student import StudentCode

    spent: dict[str, float] = defaultdict(float)

    class Phases:
        """A pytest plugin: CPU of collection and of the run, and where pytest.main starts."""

        @pytest.hookimpl(hookwrapper=True)
        def pytest_collection(self, session: object):  # type: ignore[no-untyped-def]
            spent["pytest start"] += time.process_time() - marks.pop("main")
            started = time.process_time()
            yield
            spent["collection"] += time.process_time() - started

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtestloop(self, session: object):  # type: ignore[no-untyped-def]
            started = time.process_time()
            yield
            spent["checks"] += time.process_time() - started

    marks: dict[str, float] = {}
    real_main = engine_run.pytest.main

    def main_with_phases(arguments: list[str], plugins: list[object]) -> object:
        marks["main"] = time.process_time()
        spent["before pytest"] += marks["main"] - marks.pop("task")
        result = real_main(arguments, plugins=[*plugins, Phases()])
        marks["after"] = time.process_time()
        return result

    engine_run.pytest.main = main_with_phases  # type: ignore[assignment]
    real_request = StudentCode._request

    def timed_request(self: StudentCode, *arguments: object) -> object:
        started = time.process_time()
        try:
            return real_request(self, *arguments)
        finally:
            spent["sandbox calls"] += time.process_time() - started

    StudentCode._request = timed_request  # type: ignore[method-assign]

    account = CpuAccount().__enter__()
    account.join()  # this process, and all it starts from now on
    local._start_worker(1, os.getppid())
    sandbox = local._WORKER_SANDBOX
    assert sandbox is not None
    course = Course.at(args.repo)
    root = Path(tempfile.mkdtemp(prefix="profile-submission-"))
    try:
        for index in range(args.submissions + 1):
            folder = root / f"s{index}"
            folder.mkdir()
            for exercise in course.select(EXERCISES):
                source = exercise.solution_path if args.kind == "correct" else exercise.stub_path
                (folder / exercise.manifest.student_file).write_text(source.read_text() + f"\n# s{index}\n")

        def grade(index: int) -> dict:
            task = GradeTask(student_id=f"s{index}", source=str(root / f"s{index}"), work_dir=str(root / f"w{index}"),
                             course_root=str(args.repo), exercise_ids=tuple(EXERCISES), content_hash="",
                             config_hash="", language="en")
            marks["task"] = time.process_time()
            text = run_task(task, sandbox)
            spent["after pytest"] += time.process_time() - marks.pop("after")
            return json.loads(text)

        grade(0)  # the first pays for imports and the sandbox's first cell: not counted
        spent.clear()
        group_before = _usage(account)
        self_before = _self_cpu()
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        wall = time.perf_counter()
        for index in range(1, args.submissions + 1):
            grade(index)
        wall = time.perf_counter() - wall
        sandbox_cpu = _usage(account) - group_before - (_self_cpu() - self_before)
        sandbox.close()
        n = args.submissions
        spent["checks"] -= spent["sandbox calls"]
        print(f"{n} {args.kind} submissions of {', '.join(EXERCISES)}, grader of {args.repo}; load {load} -> "
              + " ".join(Path("/proc/loadavg").read_text().split()[:3]))
        for phase in ("before pytest", "pytest start", "collection", "checks", "sandbox calls", "after pytest"):
            print(f"  {phase:<14} {spent[phase] / n:.3f} s")
        own = sum(spent.values()) / n
        print(f"  grading process {own:.3f} s per submission")
        print(f"  sandbox processes {sandbox_cpu / n:.3f} s per submission" if account.group is not None
              else "  sandbox processes: not measured (no writable cpuacct cgroup)")
        print(f"  wall {wall / n:.3f} s per submission")
    finally:
        shutil.rmtree(root, ignore_errors=True)
        account.leave()
        account.__exit__(None, None, None)


def _usage(account: "CpuAccount") -> float:
    return int((account.group / "cpuacct.usage").read_text()) / 1e9 if account.group is not None else 0.0


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
