"""Cost per student for the whole course: `python benchmarks/bench_batch.py --course`.

A class of N students (--students, default 4: the MNIST trainings of exercises 05 and
06 take about a minute each) over all six exercises, or those named (--exercises
01,02,03,04 leaves the trainings out). Each student hands in, per exercise, in turn:
  correct    the reference solution, ending with a comment naming the student (real
             students' work is their own: no two correct files are identical)
  wrong      a realistic mistake from the held-out catalogue (tests/fixtures/heldout),
             also made the student's own
  untouched  the stub as the course gives it: identical for everyone, graded once
The class is graded through the batch runner as `grader grade` does, without the
canary (two gradings of the reference per batch, whatever the class's size), at
--jobs 1 and at --jobs 2 (--jobs). Printed:
  - wall time per student at each --jobs;
  - CPU seconds per student: `grader grade`'s own processes (a cpuacct cgroup: the
    grading processes, their sandboxes, student code; benchmarks/machine.py), and the
    whole machine's (/proc/stat, others' work included); the load average around each run;
  - that CPU split three ways, by grading the class again, at the largest --jobs, twice more:
      training   = the class's CPU minus the same class's without data (the MNIST
                   checks then do not run: no student training, no course-Net
                   training, no MNIST loading)
      overhead   = a class of untouched stubs, each student's own (every check runs
                   and stops at the first call), per exercise graded, times the
                   exercises the class graded: worker and sandbox start, pytest,
                   forking a worker per check, records and outputs. An upper bound:
                   it includes what each check does before the stub raises.
      checks     = the rest: the checks' own work beside the student's code and in it
  - peak memory per job: the largest resident size of one job's processes together
    (its grading process, its sandbox's zygote, cells and check workers), sampled
    every 0.2 s; pages shared between them (torch, forked from the zygote) count once
    per process, so this overstates what the machine needs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "tests" / "fixtures" / "heldout"
KINDS = ("correct", "wrong", "untouched")
MNIST = Path(os.environ.get("GRADER_DATA_DIR", "/work/shared/data/mnist"))

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from benchmarks.machine import CpuAccount, load_average, machine_cpu_s  # noqa: E402

# grader is imported inside the functions: the measured process imports the grader of --repo.


def _mistakes(exercise_id: str) -> list[Path]:
    number = exercise_id.rsplit("_", 1)[-1]
    return sorted(case / f"{exercise_id}.py" for case in HELDOUT.glob(f"e{number}_*")
                  if "_ok_" not in case.name and (case / f"{exercise_id}.py").is_file())


def build_course_class(root: Path, students: int, exercise_ids: list[str], stubs_only: bool = False) -> Path:
    """Student i hands in exercise k as KINDS[(i + k) % 3]: every student mixes the kinds,
    every exercise has each of them. `stubs_only`: every file the untouched stub, made
    the student's own (the overhead class)."""
    from grader.catalog.course import Course

    rng = random.Random(24)
    subs = root / ("stubs" if stubs_only else "class")
    course = Course.at(REPO)
    for index in range(students):
        student = f"student{index:03d}"
        folder = subs / student
        folder.mkdir(parents=True)
        for k, exercise in enumerate(course.select(exercise_ids)):
            kind = "untouched" if stubs_only else KINDS[(index + k) % len(KINDS)]
            if kind == "untouched":
                text = exercise.stub_path.read_text() + (f"\n# {student}\n" if stubs_only else "")
            elif kind == "correct" or not _mistakes(exercise.id):
                text = exercise.solution_path.read_text() + f"\n# {student}\n"
            else:
                text = rng.choice(_mistakes(exercise.id)).read_text() + f"\n# {student}\n"
            (folder / exercise.manifest.student_file).write_text(text)
    return subs


class PeakMemory:
    """Samples the resident size of each job's processes (a pool worker and its descendants)."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.per_job_mb = 0.0
        self.process_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            try:
                driver = psutil.Process(self.root_pid)
                jobs = [p for p in driver.children() if "multiprocessing" in " ".join(p.cmdline())
                        and "resource_tracker" not in " ".join(p.cmdline())]
            except psutil.Error:
                continue
            for job in jobs:
                total = 0.0
                try:
                    for process in [job, *job.children(recursive=True)]:
                        rss = process.memory_info().rss / 2**20
                        total += rss
                        self.process_mb = max(self.process_mb, rss)
                except psutil.Error:
                    continue
                self.per_job_mb = max(self.per_job_mb, total)


def _drive(repo: Path, subs: Path, out: Path, jobs: int, exercise_ids: list[str], data: bool) -> None:
    """In the measured process: grade the class as `grader grade` does, without the canary."""
    from grader.batch.local import LocalEngine
    from grader.catalog.course import Course
    from grader.batch.outputs import write_outputs, write_summary
    from grader.batch.runner import BatchPlan, run_batch
    from grader.batch.summary import summarize

    course = Course.at(repo)
    exercises = course.select(exercise_ids)
    needed = {name for e in exercises for name in e.needs_data}
    plan = BatchPlan(submissions=subs, out=out, course=course, exercises=exercises, canary=False, regrade=True,
                     data_dirs={name: str(MNIST) for name in needed} if data else {})
    outcome = run_batch(plan, LocalEngine(jobs))
    ids = [e.id for e in exercises]
    write_outputs(out, outcome.records, {}, ids)
    write_summary(out, summarize(outcome.records), outcome.records, {}, ids)


def _gradings(out: Path) -> tuple[int, int]:
    """(exercise results graded, of which copied from an identical file), from the gradebook."""
    graded = copied = 0
    seen: set[str] = set()
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        for (text,) in db.execute("SELECT record FROM records ORDER BY student_id"):
            for exercise in (json.loads(text).get("report") or {}).get("exercises", []):
                key = (exercise.get("identical") or {}).get("key")
                if key in seen:
                    copied += 1
                else:
                    graded += 1
                    if key:
                        seen.add(key)
    return graded, copied


def measure(repo: Path, subs: Path, out: Path, jobs: int, exercise_ids: list[str], data: bool = True) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--drive", str(repo), str(subs), str(out), str(jobs),
               ",".join(exercise_ids), "data" if data else "no-data"]
    load = load_average()
    machine = machine_cpu_s()
    started = time.perf_counter()
    with CpuAccount() as account:
        process = subprocess.Popen(command, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=account.join)
        with PeakMemory(process.pid) as memory:
            _, errors = process.communicate()
        wall = time.perf_counter() - started
        machine = machine_cpu_s() - machine
    if process.returncode:
        raise SystemExit(f"grading the class failed:\n{errors[-3000:]}")
    graded, copied = _gradings(out)
    own = account.seconds if account.seconds is not None else float("nan")
    return {"wall_s": wall, "own_cpu_s": own, "machine_cpu_s": machine,
            "load": f"{load} -> {load_average()}", "graded": graded, "copied": copied,
            "job_mb": memory.per_job_mb, "process_mb": memory.process_mb}


def run_course_benchmark(args: argparse.Namespace) -> None:
    from grader.catalog.course import Course

    students = args.students if args.students != 100 else 4  # bench_batch's default is for 01-04
    exercise_ids = [e.id for e in Course.at(REPO).select(
        [x for item in (args.exercises or ["01,02,03,04,05,06"]) for x in item.split(",") if x])]
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-course-"))
    try:
        subs = build_course_class(root, students, exercise_ids)
        print(f"class of {students} over {', '.join(exercise_ids)}; each student's exercises in turn "
              f"{' / '.join(KINDS)}; grader of {args.repo}; MNIST {MNIST}")
        # What a job costs before its first student: a class of one untouched stub of one exercise.
        start = measure(args.repo, build_course_class(root / "one", 1, exercise_ids[:1], stubs_only=True),
                        root / "out-one", 1, exercise_ids[:1])
        print(f"one job's start (a grading process, its sandbox, torch; and one stub graded): "
              f"{start['own_cpu_s']:.1f} s CPU, {start['wall_s']:.1f} s wall; load {start['load']}")
        runs = {}
        for jobs in args.jobs:
            r = runs[jobs] = measure(args.repo, subs, root / f"out{jobs}", jobs, exercise_ids)
            print(f"--jobs {jobs}: {r['wall_s'] / students:.1f} s wall per student; CPU per student "
                  f"{r['own_cpu_s'] / students:.1f} s (grader's processes), {r['machine_cpu_s'] / students:.1f} s "
                  f"(whole machine), {(r['own_cpu_s'] - jobs * start['own_cpu_s']) / students:.1f} s beyond "
                  f"the jobs' start; {r['graded']} exercise files graded, {r['copied']} results copied; peak memory "
                  f"per job {r['job_mb']:.0f} MiB (largest process {r['process_mb']:.0f} MiB); load {r['load']}")
        # Split at the largest --jobs: each training then has its share of the cores, as in a
        # class graded for real (at --jobs 1 two training threads spin while other work holds a core).
        jobs = max(runs)
        base = runs[jobs]
        without = measure(args.repo, subs, root / "out-no-data", jobs, exercise_ids, data=False)
        stubs = measure(args.repo, build_course_class(root, students, exercise_ids, stubs_only=True),
                        root / "out-stubs", jobs, exercise_ids)
        beyond_start = (base["own_cpu_s"] - jobs * start["own_cpu_s"]) / students
        training = max(0.0, base["own_cpu_s"] - without["own_cpu_s"]) / students
        per_stub = max(0.0, stubs["own_cpu_s"] - jobs * start["own_cpu_s"]) / max(1, stubs["graded"] - jobs)
        overhead = per_stub * base["graded"] / students
        print(f"CPU per student at --jobs {jobs} beyond the jobs' start, split: training {training:.1f} s; "
              f"overhead {overhead:.1f} s; checks' own compute {max(0.0, beyond_start - training - overhead):.1f} s; "
              f"total {beyond_start:.1f} s")
        print(f"          (without data {without['own_cpu_s'] / students:.1f} s per student, load {without['load']}; "
              f"a stub {per_stub:.2f} s per exercise graded, load {stubs['load']})")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--drive":
    _, _, repo_, subs_, out_, jobs_, exercises_, data_ = sys.argv
    sys.path.insert(0, repo_)  # before any import of grader: the checkout being measured
    _drive(Path(repo_), Path(subs_), Path(out_), int(jobs_), exercises_.split(","), data_ == "data")
