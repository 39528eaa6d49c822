"""Time the similarity report on a generated class: 300 students x the course's 6 exercises.

Each student's file is the exercise's stub with every function filled with code of their
own (statements drawn at random from tensor code's usual shapes: different code, with
the bits everyone writes alike), so most pairs share little, as in a real class; some
students copy a classmate (every name renamed, or the very same file). Every fifth
submission is a .zip.

Printed:
  full      the first run, nothing cached: files read, fingerprinted, pairs compared
  unchanged the same class again: everything from the cache
  one new   one more student: only that student's files are compared with the class
and, for each, wall time and the CPU time of this process and its workers (the machine's
load average is printed first: other work on the cores stretches the wall time). The
target (issue 25): 300 x 6 in <= 60 s on a 2-core machine.

    python benchmarks/bench_similarity.py [--students 300] [--jobs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import random
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader.catalog.course import Course  # noqa: E402
from grader.similarity.analyse import Submission, analyse  # noqa: E402
from grader.similarity.cache import FingerprintCache  # noqa: E402
from grader.similarity.html import render_similarity  # noqa: E402
from grader.similarity.model import SimilaritySettings  # noqa: E402

METHODS = ["view", "reshape", "sum", "mean", "unfold", "permute", "flatten", "amax", "clamp", "softmax",
           "matmul", "transpose", "unsqueeze", "squeeze", "contiguous", "float", "argmax", "max", "abs", "exp"]
FUNCTIONS = ["torch.zeros", "torch.ones", "torch.einsum", "torch.stack", "torch.cat", "F.pad", "F.relu",
             "torch.tensordot", "torch.arange", "torch.where", "torch.maximum", "nn.Linear", "nn.Conv2d"]
NAMES = ["x", "y", "out", "acc", "total", "h", "w", "kh", "kw", "rows", "cols", "step", "tmp", "part", "size",
         "value", "result", "grid", "tile", "batch", "count", "loss", "pred", "seen", "idx", "block"]


def _expression(rng: random.Random, depth: int = 0) -> str:
    pick = rng.random()
    if depth > 1 or pick < 0.3:
        return rng.choice(NAMES) if rng.random() < 0.7 else str(rng.choice([0, 1, 2, 3, -1, 10, 28, 784]))
    if pick < 0.55:
        args = ", ".join(_expression(rng, depth + 1) for _ in range(rng.randint(0, 2)))
        keyword = f", dim={rng.randint(-2, 3)}" if rng.random() < 0.3 else ""
        return f"{_expression(rng, depth + 1)}.{rng.choice(METHODS)}({args}{keyword})"
    if pick < 0.8:
        args = ", ".join(_expression(rng, depth + 1) for _ in range(rng.randint(1, 3)))
        return f"{rng.choice(FUNCTIONS)}({args})"
    return f"{_expression(rng, depth + 1)} {rng.choice('+-*/')} {_expression(rng, depth + 1)}"


def _block(rng: random.Random, indent: str, lines: int) -> list[str]:
    body: list[str] = []
    while len(body) < lines:
        pick = rng.random()
        if pick < 0.15 and len(indent) < 12:
            body.append(f"{indent}for {rng.choice(NAMES)} in range({_expression(rng, 1)}):")
            body += _block(rng, indent + "    ", rng.randint(1, 3))
        elif pick < 0.25 and len(indent) < 12:
            body.append(f"{indent}if {rng.choice(NAMES)} is not None:")
            body += _block(rng, indent + "    ", rng.randint(1, 2))
        elif pick < 0.3:
            body.append(f"{indent}# {rng.choice(NAMES)} then {rng.choice(METHODS)}")
        else:
            body.append(f"{indent}{rng.choice(NAMES)} = {_expression(rng)}")
    return body


def student_file(stub: str, rng: random.Random) -> str:
    """The stub with each function's `raise NotImplementedError` replaced by code of one's own."""
    def fill(match: re.Match[str]) -> str:
        indent = match.group(1)
        return "\n".join(_block(rng, indent, rng.randint(6, 14)) + [f"{indent}return {rng.choice(NAMES)}"])

    return re.sub(r"^( +)raise NotImplementedError$", fill, stub, flags=re.M)


def renamed(source: str, rng: random.Random) -> str:
    names = {n: f"{n}_{rng.randint(0, 99)}" for n in NAMES}
    return re.sub(r"\b[a-z_]\w*\b", lambda m: names.get(m.group(0), m.group(0)), source)


def build_class(root: Path, students: int, course: Course, seed: int = 25) -> Path:
    rng = random.Random(seed)
    exercises = course.exercises()
    stubs = {e.id: e.stub_path.read_text(encoding="utf-8") for e in exercises}
    folder = root / "submissions"
    written: list[dict[str, str]] = []
    for index in range(students):
        name = f"s{index:03d}"
        if written and rng.random() < 0.05:
            files = dict(rng.choice(written))  # the very same files
        elif written and rng.random() < 0.10:
            files = {k: renamed(v, rng) for k, v in rng.choice(written).items()}
        else:
            files = {e.id: student_file(stubs[e.id], rng) for e in exercises}
        written.append(files)
        write_submission(folder, name, files, as_zip=index % 5 == 4)
    return folder


def write_submission(folder: Path, name: str, files: dict[str, str], as_zip: bool) -> None:
    if as_zip:
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(folder / f"{name}.zip", "w") as archive:
            for exercise_id, text in files.items():
                archive.writestr(f"{name}/{exercise_id}.py", text)
    else:
        (folder / name).mkdir(parents=True)
        for exercise_id, text in files.items():
            (folder / name / f"{exercise_id}.py").write_text(text, encoding="utf-8")


def own_cpu_s() -> float:
    """CPU seconds of this process and its finished children (the fingerprinting workers):
    on a machine others use too, the cost that is ours."""
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def timed_run(label: str, folder: Path, out: Path, course: Course, jobs: int) -> None:
    submissions = [Submission(p.stem if p.suffix == ".zip" else p.name, p) for p in sorted(folder.iterdir())]
    cpu, wall = own_cpu_s(), time.perf_counter()
    with FingerprintCache.in_folder(out) as cache:
        report = analyse(submissions, course.exercises(), SimilaritySettings(), cache, jobs)
    page = render_similarity(report)
    (out / "similarity.html").write_text(page, encoding="utf-8")
    wall, cpu = time.perf_counter() - wall, own_cpu_s() - cpu
    cost = report.cost
    print(f"{label:10s} {len(submissions)} students x {len(report.exercises)} exercises: {wall:6.2f} s wall, "
          f"{cpu:6.2f} s CPU; files {cost.files}, fingerprinted {cost.fingerprinted}, "
          f"exact copies {cost.exact_copies}, pairs compared {cost.pairs_compared}, reused {cost.pairs_reused}; "
          f"{report.flagged()} pairs >= {report.settings.threshold:g}, "
          f"{sum(len(e.clusters) for e in report.exercises)} clusters; page {len(page) / 1024:.0f} kB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--keep", type=Path, default=None, help="build the class here and keep it")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes fingerprinting new files")
    args = parser.parse_args()
    course = Course.at(REPO)
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-similarity-"))
    try:
        folder = build_class(root, args.students, course)
        out = root / "results"
        print(f"{os.cpu_count()} cores, --jobs {args.jobs}, load average {os.getloadavg()[0]:.2f} before the runs")
        timed_run("full", folder, out, course, args.jobs)
        timed_run("unchanged", folder, out, course, args.jobs)
        rng = random.Random(2025)
        files = {e.id: student_file(e.stub_path.read_text(encoding="utf-8"), rng) for e in course.exercises()}
        write_submission(folder, "s999-new", files, as_zip=False)
        timed_run("one new", folder, out, course, args.jobs)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
