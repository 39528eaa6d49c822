"""Time `grader check exercise_01` against a bare `python -c "import torch"`, in the same run.

Target (issue 2): the whole check under 1.5x a bare torch import.

    python benchmarks/bench_check.py [--runs 5] [--exercise exercise_01]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--exercise", default="exercise_01")
    parser.add_argument("--submission", default="solutions")
    args = parser.parse_args()

    bare = [sys.executable, "-c", "import torch"]
    check = [sys.executable, "-m", "grader", "check", args.exercise, "--submission", args.submission]
    timed(bare)  # warm the page cache for both
    timed(check)
    bare_times, check_times = [], []
    for _ in range(args.runs):  # interleaved, so drift affects both alike
        bare_times.append(timed(bare))
        check_times.append(timed(check))
    bare_median = statistics.median(bare_times)
    check_median = statistics.median(check_times)
    print(f"runs: {args.runs} (median of each, interleaved)")
    print(f"python -c 'import torch'           : {bare_median:6.3f} s  (min {min(bare_times):.3f})")
    print(f"grader check {args.exercise} ({args.submission}): {check_median:6.3f} s  (min {min(check_times):.3f})")
    print(f"ratio                              : {check_median / bare_median:6.2f}x  (target < 1.5x)")


if __name__ == "__main__":
    main()
