"""Time the sandbox's own costs: building a student's cell, and one check's worker in it.

    python benchmarks/bench_sandbox.py [--checks 40] [--students 5] [--many-cells]

For each of --students cells: the first check (which builds the cell: namespaces,
allow-listed root, staged files) and --checks more checks in the same cell (a fresh
worker each: fork, mount namespace, /tmp/work, a copy of the submission, import of a
one-line module, one call, kill and clean-up). Prints medians in milliseconds, and the
machine's CPU time per further check (/proc/stat, all cores: run nothing else meanwhile),
which is what any check costs before it computes anything: a batch of exercises 01-04
forks about 45 workers per submission.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine_cpu_s  # noqa: E402
from grader.engine.student import StudentCode  # noqa: E402
from grader.models.manifest import CheckLimits  # noqa: E402
from grader.sandbox.client import Sandbox  # noqa: E402


def one_check(box: Sandbox, path: Path) -> float:
    started = time.perf_counter()
    code = StudentCode(box, path, "exercise_01", CheckLimits(timeout_s=30))
    try:
        assert code.call("answer") == 42
    finally:
        code.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=40)
    parser.add_argument("--students", type=int, default=5)
    parser.add_argument("--many-cells", action="store_true",
                        help="a batch job's zygote (its memory folded into huge pages once the first cell is open)")
    args = parser.parse_args()
    first, rest = [], []
    rest_cpu_s = 0.0
    with tempfile.TemporaryDirectory() as folder, Sandbox(many_cells=args.many_cells) as box:
        for student in range(args.students):
            path = Path(folder) / f"student{student}" / "exercise_01.py"
            path.parent.mkdir()
            path.write_text("def answer():\n    return 42\n")
            first.append(one_check(box, path))
            before = machine_cpu_s()
            rest += [one_check(box, path) for _ in range(args.checks)]
            rest_cpu_s += machine_cpu_s() - before
            getattr(box, "close_cell", lambda: None)()  # older sandboxes have no cells
        print(f"protections: {sorted(box.protections or ())}")
    print(f"first check of a student (builds the cell): median {1000 * statistics.median(first):.1f} ms")
    print(f"each further check (a fresh worker in the cell): median {1000 * statistics.median(rest):.1f} ms; "
          f"machine CPU {1000 * rest_cpu_s / len(rest):.1f} ms per check")


if __name__ == "__main__":
    main()
