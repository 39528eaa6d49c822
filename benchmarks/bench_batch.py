"""Time `grader grade` on a generated class of 100, with --jobs 1 and --jobs 2.

The class is built from the course itself, so new exercises join by themselves:
for every exercise the reference solution is "correct", the reference with one of
the stub's functions pasted over it is "partly wrong", a syntax error is "broken",
and some students hand in only some files or nothing at all (roster only). Every
fifth submission comes as a .zip.

Printed for each --jobs: wall time, submissions per minute, and the overhead beyond
the checks themselves, two ways:
  in-worker  per submission: a worker's time on it minus its checks' own time
             (pytest session, fixtures, forking check workers, unpacking, storing)
  amortised  (wall x jobs - all checks' time) / submissions: also pays for starting
             the workers, their sandboxes and torch, spread over the class
and, of the in-worker overhead, what the batch layer itself adds around the engine's
grade_submission (unpacking, loading the course, building the record). Then the CPU
time while `grader grade` ran, per submission and as cores kept busy on average, two
ways: its own processes' (a cpuacct cgroup it runs in, student code in the sandbox
included: true on a shared machine; benchmarks/machine.py's CpuAccount), and the whole
machine's (/proc/stat: also counts other users' work). With --jobs 1 the grader already works
on a second core (the sandbox forks and builds the next check's worker while a check
runs), and 2 cores / the cores --jobs 1 keeps busy bounds what --jobs 2 can gain when
a submission needs the same CPU either way. The load average before and after each
run says how disturbed it was: repeat a disturbed one.

Identical files are graded once (grader.batch.sharing): the "correct" students hand
in the same reference files, so a class of 100 grades about 65. The figures per
submission count the class; "graded" counts the gradings. --distinct ends every file
with a comment naming its student, so each is graded: CPU per graded submission, as
before files were shared. --repo grades with another checkout's grader (the code
before a change, for a figure before and after on the same class and machine).

With --scheduler, the same class is graded on a real Dask cluster instead: a `dask
scheduler` and 1, then 2, `dask worker` processes on the loopback (each a fresh
cluster, the workers started and connected before the clock starts), and the
scale-out efficiency is printed: throughput with 2 workers / (2 x with 1 worker).
The issue's target is >= 80% at 2 workers on a 2-core machine for exercises 01-04.

    python benchmarks/bench_batch.py [--students 100] [--jobs 1 2] [--keep DIR] [--distinct] [--repo DIR]
    python benchmarks/bench_batch.py --scheduler [--workers 1 2] [--students 100]
    python benchmarks/bench_batch.py --course [--students 4] [--exercises 01,02,03,04]   (benchmarks/course_cost.py)
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.machine import CpuAccount, load_average, machine_cpu_s  # noqa: E402
from grader.catalog.course import Course  # noqa: E402

KINDS = (("correct", 35), ("partly_wrong", 30), ("broken", 15), ("some_files_missing", 10), ("absent", 10))


def _functions(source: str) -> dict[str, str]:
    tree = ast.parse(source)
    return {node.name: ast.get_source_segment(source, node) or "" for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def _partly_wrong(reference: str, stub: str, rng: random.Random) -> str:
    stub_functions = _functions(stub)
    name = rng.choice(sorted(stub_functions))
    return reference + "\n\n# one function left as the stub has it\n" + stub_functions[name] + "\n"


def default_exercises() -> list[str]:
    """The exercises without training data (01-04): the issue's target is for those."""
    return [e.id for e in Course.at(REPO).exercises() if not e.manifest.needs_data]


def build_class(root: Path, students: int, exercise_ids: list[str], seed: int = 5,
                distinct: bool = False) -> tuple[Path, Path, dict[str, int]]:
    """`distinct`: each file ends with a comment naming its student, so no two are identical
    and each is graded (without it, the correct ones are the same file, graded once)."""
    rng = random.Random(seed)
    course = Course.at(REPO)
    files = {e.manifest.student_file: (e.solution_path.read_text(), e.stub_path.read_text())
             for e in course.select(exercise_ids)}
    kinds = [kind for kind, weight in KINDS for _ in range(round(weight * students / 100))][:students]
    rng.shuffle(kinds)
    subs = root / "submissions"
    subs.mkdir(parents=True)
    roster = ["id,name,email"]
    counts: dict[str, int] = {}
    for index, kind in enumerate(kinds):
        student = f"student{index:03d}"
        roster.append(f"{student},Student {index},{student}@example.org")
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "absent":
            continue
        contents: dict[str, str] = {}
        for name, (reference, stub) in files.items():
            if kind == "correct":
                contents[name] = reference
            elif kind == "partly_wrong":
                contents[name] = _partly_wrong(reference, stub, rng)
            elif kind == "broken":
                contents[name] = reference.replace("def ", "def (", 1)
            elif rng.random() < 0.5:  # some_files_missing: each file kept with probability 1/2
                contents[name] = reference
        if distinct:
            contents = {name: text + f"\n# {student}\n" for name, text in contents.items()}
        if index % 5 == 0:
            with zipfile.ZipFile(subs / f"{student}.zip", "w") as archive:
                for name, text in contents.items():
                    archive.writestr(f"{student}/{name}", text)
        else:
            (subs / student).mkdir()
            for name, text in contents.items():
                (subs / student / name).write_text(text)
    (root / "roster.csv").write_text("\n".join(roster) + "\n")
    return subs, root / "roster.csv", counts


def measure(subs: Path, roster: Path, out: Path, jobs: int, exercise_ids: list[str],
            scheduler: str | None = None, repo: Path = REPO) -> dict[str, float]:
    command = [sys.executable, "-m", "grader", "--no-color", "grade", str(subs), "--out", str(out),
               "--jobs", str(jobs), "--roster", str(roster), "--regrade", "--exercises", *exercise_ids]
    if scheduler:
        command += ["--scheduler", scheduler]
    load_before = load_average()
    before = machine_cpu_s()
    started = time.perf_counter()
    with CpuAccount() as account:
        # cwd: `python -m grader` imports the grader of `repo` (another checkout: the code before a change).
        subprocess.run(command, check=True, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       preexec_fn=account.join)
        wall = time.perf_counter() - started
        cpu = machine_cpu_s() - before
    own_cpu = account.seconds if account.seconds is not None else float("nan")
    in_worker, batch_layer, checks_total, graded, gradings = [], [], 0.0, 0, 0
    seen: set[str] = set()  # identical files: the first student (by id) graded it, the others copied it
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        for (text,) in db.execute("SELECT record FROM records WHERE status != 'missing' ORDER BY student_id"):
            record = json.loads(text)
            graded += 1
            if not record["duration_s"]:
                continue  # every file of it was another's, graded once: no grading of its own
            gradings += 1
            report = record["report"] or {}
            # Only what this submission's own task graded: results copied from an identical file took no time here.
            own = [e for e in report.get("exercises", []) if not e.get("identical") or e["identical"]["key"] not in seen]
            seen.update(e["identical"]["key"] for e in own if e.get("identical"))
            checks = sum(c["duration_s"] for e in own for c in e["checks"])
            checks_total += checks
            in_worker.append(record["duration_s"] - checks)
            if record["report"]:
                batch_layer.append(record["duration_s"] - record["report"]["duration_s"])
    return {
        "jobs": jobs,
        "submissions": graded,
        "wall_s": wall,
        "per_minute": 60 * graded / wall,
        "checks_s": checks_total,
        "gradings": gradings,
        "in_worker_overhead_s": statistics.fmean(in_worker),
        "amortised_overhead_s": (wall * jobs - checks_total) / max(1, gradings),
        "batch_layer_s": statistics.fmean(batch_layer) if batch_layer else 0.0,
        "dashboard_kb": (out / "index.html").stat().st_size / 1024,
        "cpu_per_submission_s": cpu / graded,
        "cores_busy": cpu / wall,
        "own_cpu_per_submission_s": own_cpu / graded,
        "own_cores_busy": own_cpu / wall,
        "load": f"{load_before} -> {load_average()}",
    }



def measure_on_cluster(root: Path, subs: Path, roster: Path, workers: int, exercise_ids: list[str]) -> dict[str, float]:
    """Grade the class on a fresh loopback cluster of `workers` single-threaded dask workers."""
    from tests.batch.dask_cluster import LoopbackCluster

    folder = root / f"cluster-{workers}"
    folder.mkdir()
    cluster = LoopbackCluster(folder)
    try:
        address = cluster.start_scheduler()
        for index in range(workers):
            cluster.start_worker(f"bench-{index}")
        cluster.wait_for_workers(workers)
        return measure(subs, roster, root / f"out-dask{workers}", workers, exercise_ids, scheduler=address)
    finally:
        cluster.stop()


def print_cluster_figures(results: list[dict[str, float]]) -> None:
    for r in results:
        print(f"dask, {r['jobs']} worker(s): {r['submissions']} submissions in {r['wall_s']:.1f} s = "
              f"{r['per_minute']:.1f}/min; checks themselves {r['checks_s']:.1f} s; index.html {r['dashboard_kb']:.0f} kB")
    base = next((r for r in results if r["jobs"] == 1), None)
    for r in results:
        if base and r["jobs"] > 1:
            efficiency = r["per_minute"] / (r["jobs"] * base["per_minute"])
            print(f"scale-out efficiency at {r['jobs']} workers: {100 * efficiency:.0f}% "
                  f"(target >= 80% at 2 workers on 2 cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep", type=Path, default=None, help="build the class here and keep it")
    parser.add_argument("--exercises", nargs="+", default=None,
                        help="exercises in the class (default: those that need no data, 01-04)")
    parser.add_argument("--scheduler", action="store_true",
                        help="grade on a loopback Dask cluster (dask scheduler + dask worker processes)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="with --scheduler: the numbers of dask workers to measure")
    parser.add_argument("--distinct", action="store_true",
                        help="no two files identical (each ends with a comment naming its student): every "
                             "submission is graded, as before identical files were graded once")
    parser.add_argument("--repo", type=Path, default=REPO,
                        help="grade with the grader of this checkout (e.g. an older commit, for a before figure)")
    parser.add_argument("--course", action="store_true",
                        help="cost per student for the whole course: all six exercises, trainings included "
                             "(see benchmarks/course_cost.py; --students defaults to 4 there)")
    args = parser.parse_args()
    if args.course:
        from benchmarks.course_cost import run_course_benchmark

        run_course_benchmark(args)
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        exercises = [x for item in args.exercises for x in item.split(",") if x] if args.exercises else default_exercises()
        subs, roster, counts = build_class(root, args.students, exercises, distinct=args.distinct)
        print(f"class of {args.students}: {counts}; exercises: {', '.join(exercises)}; "
              f"{'every file distinct' if args.distinct else 'the correct files identical'}; grader of {args.repo}")
        if args.scheduler:
            print_cluster_figures([measure_on_cluster(root, subs, roster, n, exercises) for n in args.workers])
            return
        rates: dict[int, float] = {}
        busy: dict[int, float] = {}
        for jobs in args.jobs:
            r = measure(subs, roster, root / f"out-jobs{jobs}", jobs, exercises, repo=args.repo)
            rates[jobs] = r["per_minute"]
            print(f"--jobs {jobs}: {r['submissions']} submissions ({r['gradings']} graded, the rest copied from an "
                  f"identical file) in {r['wall_s']:.1f} s = "
                  f"{r['per_minute']:.0f}/min; checks themselves {r['checks_s']:.1f} s; overhead per "
                  f"submission: in-worker {r['in_worker_overhead_s']:.3f} s, amortised "
                  f"{r['amortised_overhead_s']:.3f} s (target <= 0.2 s at --jobs 2); of which the "
                  f"batch layer {1000 * r['batch_layer_s']:.0f} ms; index.html {r['dashboard_kb']:.0f} kB")
            print(f"          CPU per submission: {r['own_cpu_per_submission_s']:.3f} s by `grader grade`'s "
                  f"processes ({r['own_cores_busy']:.2f} cores busy on average); the whole machine's "
                  f"{r['cpu_per_submission_s']:.3f} s ({r['cores_busy']:.2f} cores, others' work included); "
                  f"load average {r['load']}")
            busy[jobs] = r["own_cores_busy"]
        if 1 in rates and 2 in rates:
            bound = (os.cpu_count() or 1) / busy[1]
            print(f"--jobs 2 / --jobs 1 throughput: {rates[2] / rates[1]:.2f}x; at the same CPU per submission, "
                  f"{os.cpu_count()} cores / {busy[1]:.2f} busy at --jobs 1 allow at most {bound:.2f}x: "
                  f"{100 * rates[2] / rates[1] / bound:.0f}% of that bound (target >= 90%)")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
