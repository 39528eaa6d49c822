"""Exercise 05's "one score on every machine" rule, checked through `grader grade`.

Builds a small class of exercise 05 submissions (the reference solution, and the device
mistakes a GPU punishes differently from a CPU), grades it with `grader grade --jobs 2`
on real MNIST, and compares every student's points with the points the same class gets
on a CPU (EXPECTED, measured on the 2-core development machine). On a GPU machine the
training runs there for real; the points must be the same. Prints one line per student
and exits 1 on any difference.

    python benchmarks/gpu_class.py --data-dir MNIST_FOLDER [--out DIR] [--jobs 2]

benchmarks/gpu_check.sh runs it on a lent GPU machine.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.exercises.device_loops import TRAIN_EPOCH, loop  # noqa: E402


# Appended to the reference solution: each overrides one function with a mistake.
VARIANTS = {
    "correct": "",
    "targets_not_moved": loop(TRAIN_EPOCH, move="inputs = inputs.to(device)"),
    "cuda_call": loop(TRAIN_EPOCH, move="inputs, targets = inputs.cuda(), targets.cuda()"),
    "model_left_to_caller": loop(TRAIN_EPOCH, model="pass"),
    "device_always_cpu": "\ndef get_device():\n    return torch.device('cpu')\n",
}

# Points out of 16 on a CPU (real MNIST, `--jobs 2`, measured 2026-11-29).
EXPECTED = {
    "correct": 16.0,
    "targets_not_moved": 9.0,
    "cuda_call": 9.0,
    "model_left_to_caller": 14.0,
    "device_always_cpu": 15.0,
}


def build_class(folder: Path) -> Path:
    submissions = folder / "submissions"
    reference = (REPO / "solutions" / "exercise_05.py").read_text(encoding="utf-8")
    for student, override in VARIANTS.items():
        (submissions / student).mkdir(parents=True)
        (submissions / student / "exercise_05.py").write_text(reference + "\n" + override, encoding="utf-8")
    return submissions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the four MNIST files")
    parser.add_argument("--out", type=Path, default=None, help="keep the results here")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        submissions = build_class(Path(scratch))
        out = args.out or Path(scratch) / "results"
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "grader", "--no-color", "--lang", "en", "grade", str(submissions),
             "--out", str(out), "--jobs", str(args.jobs), "--exercises", "05", "--data-dir", str(args.data_dir),
             "--regrade", "--course", str(REPO)],
            cwd=REPO, capture_output=True, text=True,
        )
        seconds = time.monotonic() - started
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
            print(f"grader grade exited with {done.returncode}")
            return 1
        with (out / "grades.csv").open(newline="", encoding="utf-8") as handle:
            rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    differences = 0
    for student, expected in EXPECTED.items():
        got = float(rows[student]["total"])
        same = got == expected
        differences += not same
        print(f"{student:22s} {got:5g}/16  expected {expected:g}  {'ok' if same else 'DIFFERENT'}  "
              f"{rows[student]['status']}")
    print(f"graded {len(rows)} submissions in {seconds:.0f} s with --jobs {args.jobs}; "
          f"{'all as on a CPU' if not differences else f'{differences} differ from a CPU'}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
