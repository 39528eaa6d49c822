"""Time a cold `grader check exercise_01` against a bare `python -c "import torch"`.

Target (issue 10): the whole check <= 1.3x a bare torch import, measured as pairs
(A B A B: one torch import, then one check) so that drift on a shared machine
affects both alike. Then a breakdown of where a cold check's time goes, from a run
with timestamps (one more process per run, the same command line otherwise):

  cli imported        the `grader` command and its parser are loaded
  zygote started      the sandbox's zygote is launched (it imports torch meanwhile)
  engine imported     the grading process has imported torch, pytest and the engine
  collected           pytest has collected the exercise's checks
  first check         the first check starts
  waited for the cell how long the first check waited for its cell (the zygote's
                      torch import, then the cell's namespaces and root; asked for
                      before pytest starts)
  checks done         the last check has finished
  end                 the report is printed

    python benchmarks/bench_check.py [--runs 7] [--exercise exercise_01] [--repo DIR]

`--repo DIR` times another checkout of the grader (e.g. a worktree of main, for a
before/after), with this interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Runs in the child: wrap a few stable names to timestamp the phases of a check.
_PHASES = r"""
import json, sys, time
started = time.perf_counter()
marks = {}
def mark(name):
    marks.setdefault(name, time.perf_counter() - started)
import grader.cli
mark("cli imported")
from grader.sandbox import client
_start, _complete_cell = client.Sandbox._start, client.Sandbox._complete_cell
def complete_cell(self, cell):
    before = time.perf_counter(); _complete_cell(self, cell)
    marks.setdefault("waited for the cell", time.perf_counter() - before)
def start(self):
    _start(self)
    if "zygote started" in marks:
        return
    mark("zygote started")
    # The command imports the engine right after starting the zygote: so do we, to wrap it.
    import grader.engine.run as run
    mark("engine imported")
    _modify, _logstart = run.GradingPlugin.pytest_collection_modifyitems, run.GradingPlugin.pytest_runtest_logstart
    def modify(plugin, config, items):  # the plugin's own hook signature
        mark("collected"); return _modify(plugin, config, items)
    def logstart(plugin, nodeid, location):
        mark("first check"); return _logstart(plugin, nodeid, location)
    run.GradingPlugin.pytest_collection_modifyitems, run.GradingPlugin.pytest_runtest_logstart = modify, logstart
    _grade = run.grade_submission
    def grade(*args, **kwargs):
        report = _grade(*args, **kwargs); mark("checks done"); return report
    run.grade_submission = grade
client.Sandbox._start, client.Sandbox._complete_cell = start, complete_cell
code = grader.cli.main(sys.argv[1:])
mark("end")
sys.__stderr__.write("PHASES " + json.dumps(marks) + "\n")
"""


def timed(command: list[str], repo: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=repo, env=_env(repo))
    return time.perf_counter() - started


def _env(repo: Path) -> dict[str, str]:
    # The checkout's package first (ahead of any editable install of another one).
    return dict(os.environ, PYTHONPATH=str(repo))


def phases(check_args: list[str], repo: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _PHASES, *check_args], check=True, capture_output=True, text=True, cwd=repo,
        env=_env(repo),
    )
    line = next(line for line in result.stderr.splitlines() if line.startswith("PHASES "))
    return json.loads(line.removeprefix("PHASES "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--exercise", default="exercise_01")
    parser.add_argument("--submission", default="solutions")
    parser.add_argument("--repo", type=Path, default=REPO, help="the grader checkout to time")
    args = parser.parse_args()
    repo = args.repo.resolve()

    bare = [sys.executable, "-c", "import torch"]
    check_args = ["--no-color", "check", args.exercise, "--submission", args.submission]
    check = [sys.executable, "-m", "grader", *check_args]
    timed(bare, repo)  # warm the page cache for both
    timed(check, repo)
    bare_times, check_times = [], []
    for _ in range(args.runs):  # pairs, A B A B: drift affects both alike
        bare_times.append(timed(bare, repo))
        check_times.append(timed(check, repo))
    ratios = [c / b for b, c in zip(bare_times, check_times)]
    bare_median = statistics.median(bare_times)
    check_median = statistics.median(check_times)
    print(f"repo: {repo}; {args.runs} pairs (import torch, check), medians")
    print(f"python -c 'import torch'           : {bare_median:6.3f} s  (min {min(bare_times):.3f})")
    print(f"grader check {args.exercise} ({args.submission}): {check_median:6.3f} s  (min {min(check_times):.3f})")
    print(f"ratio (median of the pairs' ratios): {statistics.median(ratios):6.2f}x  "
          f"(range {min(ratios):.2f}-{max(ratios):.2f}; target <= 1.3x)")

    runs = [phases(check_args, repo) for _ in range(max(3, args.runs // 2))]
    print(f"breakdown of a cold check (seconds since the interpreter ran our first line; median of {len(runs)}):")
    for name in ("cli imported", "zygote started", "engine imported", "collected", "first check",
                 "waited for the cell", "checks done", "end"):
        values = [r[name] for r in runs if name in r]
        if values:
            print(f"  {name:18s} {statistics.median(values):6.3f}")


if __name__ == "__main__":
    main()
