"""Training figures for exercises 05 and 06 on the reference solutions (real MNIST).

Prints, for Net (exercise 05) and DeepNet (exercise 06):
  * per seed: test accuracy after each epoch, seconds of training until the accuracy
    first reached 98%, and the final accuracy (the budget must pass on every seed);
  * the grader's overhead beyond the training itself, from a real `grade_submission`
    of each exercise: (check wall time - training time measured in the sandbox) /
    training time (target < 5%), and the same for the whole exercise;
  * the peak memory of grading exercise 05 (target < 2 GiB): the grading process's own
    peak RSS plus the largest sandbox process's (getrusage self + children, measured
    in a fresh process that grades only exercise 05).

    python benchmarks/bench_training.py [--data-dir DIR] [--seeds 0,1,2,3,4] [--skip-seeds]

Contention mode (issue 24: training on a shared machine): `--busy N` times
`grader check EXERCISE` on the reference solution quiet, then with N CPU-bound busy
loops beside it, and prints both times, the training time inside each, and the ratio
(target: exercise 05 with 2 busy loops on 2 cores <= 2.5x quiet). `--repo` runs another
checkout's grader (its .venv) the same way, for a before/after in the same hour:

    python benchmarks/bench_training.py --busy 2 [--check exercise_05] [--repeat 2] [--repo ../main]

The data folder defaults to $GRADER_DATA_DIR, then ../shared/data/mnist.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import torch  # noqa: E402

from grader.data.mnist.load import load_mnist  # noqa: E402
from grader.data.mnist.prepared import normalise  # noqa: E402
from grader.data.mnist.provider import MnistProvider  # noqa: E402
from grader.catalog.course import Course  # noqa: E402
from grader.probes.training import Budget, predict, shuffled_loader  # noqa: E402
from benchmarks.contention import busy_loops, load_average, settle  # noqa: E402

THRESHOLD = 0.98


def _solution(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "solutions" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _budget() -> Budget:
    # The checks' own choice (checks/exercise_05/checks.py: budget()).
    return Budget(lrs=(2e-3, 1e-3, 2.5e-4), batch_size=64, threads=max(1, min(4, len(os.sched_getaffinity(0)))))


def _normalisation() -> tuple[float, float]:
    mnist = MnistProvider().settings(Course.at(REPO).manifest.data.get("mnist"))
    return mnist.mean, mnist.std


def train_seed(make_model, train_epoch, data, seed: int) -> dict:
    """The grader's budget, evaluated after every epoch (evaluation time not counted)."""
    plan = Budget(lrs=_budget().lrs, batch_size=_budget().batch_size, seed=seed, threads=_budget().threads)
    torch.set_num_threads(plan.threads)
    train_x, train_y = normalise(data.train_images, *_normalisation()), data.train_labels.long()
    test_x, test_y = normalise(data.test_images, *_normalisation()), data.test_labels.long()
    torch.manual_seed(seed)
    model = make_model()
    device = torch.device("cpu")
    optimizer = torch.optim.Adam(model.parameters(), lr=plan.lrs[0])
    loader = shuffled_loader(train_x, train_y, plan.batch_size, seed)
    criterion = torch.nn.CrossEntropyLoss()
    trained, to_threshold, accuracies = 0.0, None, []
    for lr in plan.lrs:
        for group in optimizer.param_groups:
            group["lr"] = lr
        started = time.perf_counter()
        train_epoch(model, loader, optimizer, criterion, device)
        trained += time.perf_counter() - started
        accuracy = float((predict(model, test_x, device).long() == test_y).double().mean())
        accuracies.append(accuracy)
        if to_threshold is None and accuracy >= THRESHOLD:
            to_threshold = trained
    return {"seed": seed, "accuracies": accuracies, "seconds_to_threshold": to_threshold, "train_seconds": trained}


def grade(exercise_id: str, data_dir: Path) -> dict:
    """Grade one exercise of the reference solutions in this process; figures from the report."""
    from grader.catalog.course import Course
    from grader.engine.run import grade_submission
    from grader.sandbox.client import Sandbox

    from grader.data.prepared import DataSets, PreparedData

    course = Course.at(REPO)
    provider = DataSets(prepared=[PreparedData(MnistProvider(), data_dir)])
    try:
        with Sandbox() as sandbox:
            started = time.perf_counter()
            report = grade_submission(course, course.select([exercise_id]), REPO / "solutions", sandbox, data=provider)
            wall = time.perf_counter() - started
    finally:
        provider.close()
    (result,) = report.exercises
    checks = {c.id: c for c in result.checks}
    return {
        "exercise": exercise_id,
        "score": f"{result.points_earned:g}/{result.points_possible:g}",
        "wall_s": wall,
        "mnist_check_s": checks["mnist_accuracy"].duration_s,
        "mnist_status": checks["mnist_accuracy"].status.value,
        "comparison": result.comparison,
        "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "children_maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


def grade_in_fresh_process(exercise_id: str, data_dir: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--grade-only", exercise_id, "--data-dir", str(data_dir)],
        check=True, capture_output=True, text=True, cwd=REPO,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def timed_check(repo: Path, exercise_id: str, data_dir: Path) -> dict:
    """`grader check EXERCISE` of `repo`'s reference solution, as a user runs it (its own
    .venv's Python, a fresh process): wall time and the training time its report shows."""
    python = repo / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "-m", "grader", "check", exercise_id,
               "--submission", "solutions", "--data-dir", str(data_dir), "--no-download", "--format", "json",
               "--show-hidden", "--lang", "en"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"grader check failed ({done.returncode}):\n{done.stderr[-2000:]}")
    (result,) = json.loads(done.stdout)["exercises"]
    yours = next((row for name, row in result["comparison"].items() if "yours" in name), {})
    return {"wall_s": wall, "train_s": yours.get("training time (s)"),
            "score": f"{result['points_earned']:g}/{result['points_possible']:g}"}


def contention(repo: Path, exercise_id: str, data_dir: Path, busy: int, repeat: int) -> None:
    """Quiet, then with `busy` busy loops, `repeat` times over; the load average before each."""
    print(f"grader check {exercise_id} of {repo} on {len(os.sched_getaffinity(0))} cores, quiet vs {busy} busy "
          f"loops beside it")
    ratios = []
    for _ in range(repeat):
        times = {}
        for label, loops in (("quiet", 0), (f"{busy} busy", busy)):
            pressure = settle()
            before = f"{load_average()}, CPU pressure {pressure}%"
            with busy_loops(loops):
                figures = timed_check(repo, exercise_id, data_dir)
            times[label] = figures["wall_s"]
            print(f"  {label:8s} {figures['wall_s']:6.1f} s (training {figures['train_s']} s), score "
                  f"{figures['score']}; load before: {before}; after: {load_average()}", flush=True)
        ratios.append(times[f"{busy} busy"] / times["quiet"])
        print(f"  ratio {ratios[-1]:.2f}x (target <= 2.5x for 2 busy loops on 2 cores)", flush=True)
    if repeat > 1:
        print(f"ratios: {', '.join(f'{r:.2f}' for r in ratios)}")


def _data_dir(given: str | None) -> Path:
    folder = Path(given or os.environ.get("GRADER_DATA_DIR") or REPO.parent / "shared" / "data" / "mnist")
    if not (folder / "t10k-labels-idx1-ubyte.gz").exists() and not (folder / "t10k-labels-idx1-ubyte").exists():
        sys.exit(f"no MNIST in {folder}: pass --data-dir or set GRADER_DATA_DIR")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--skip-seeds", action="store_true", help="only the graded runs (overhead, memory)")
    parser.add_argument("--grade-only", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--busy", type=int, default=None, metavar="N",
                        help="contention mode: time `grader check` quiet and with N busy loops beside it")
    parser.add_argument("--check", default="exercise_05", metavar="EXERCISE", help="the exercise --busy times")
    parser.add_argument("--repeat", type=int, default=1, help="quiet/contended pairs --busy runs")
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout whose grader --busy runs")
    args = parser.parse_args()
    data_dir = _data_dir(args.data_dir)
    if args.grade_only:
        print(json.dumps(grade(args.grade_only, data_dir)))
        return
    if args.busy is not None:
        contention(args.repo.resolve(), args.check, data_dir, args.busy, args.repeat)
        return

    plan = _budget()
    print(f"budget: {plan.describe()}, {plan.threads} torch threads; threshold {100 * THRESHOLD:g}%")
    if not args.skip_seeds:
        data = load_mnist(data_dir)
        ex05, ex06 = _solution("exercise_05"), _solution("exercise_06")
        for name, make in (("Net", ex05.Net), ("DeepNet", ex06.DeepNet)):
            for seed in (int(s) for s in args.seeds.split(",")):
                r = train_seed(make, ex05.train_epoch, data, seed)
                accs = ", ".join(f"{100 * a:.2f}" for a in r["accuracies"])
                reach = f"{r['seconds_to_threshold']:.1f} s" if r["seconds_to_threshold"] is not None else "never"
                print(f"{name:8s} seed {seed}: accuracy by epoch [{accs}] %, 98% reached after {reach} of "
                      f"training, {r['train_seconds']:.1f} s in all", flush=True)

    for exercise_id, row in (("exercise_05", "Net (yours)"), ("exercise_06", "DeepNet (yours)")):
        g = grade_in_fresh_process(exercise_id, data_dir)
        figures = g["comparison"].get(row, {})
        train_s = float(figures.get("training time (s)", "nan"))
        other_training = float(g["comparison"].get("Net (course)", {}).get("training time (s)", 0.0))
        check_overhead = (g["mnist_check_s"] - train_s - other_training) / (train_s + other_training)
        print(f"{exercise_id}: score {g['score']}, MNIST check {g['mnist_status']}, accuracy "
              f"{figures.get('test accuracy (%)')}%; check {g['mnist_check_s']:.1f} s of which training "
              f"{train_s + other_training:.1f} s -> grader overhead {100 * check_overhead:.1f}%; whole exercise "
              f"{g['wall_s']:.1f} s")
        if exercise_id == "exercise_05":
            peak_mib = (g["self_maxrss_kib"] + g["children_maxrss_kib"]) / 1024
            print(f"exercise_05 peak memory: grading process {g['self_maxrss_kib'] / 1024:.0f} MiB + largest "
                  f"sandbox process {g['children_maxrss_kib'] / 1024:.0f} MiB = {peak_mib:.0f} MiB "
                  f"(target < 2048 MiB)")
        if exercise_id == "exercise_06":
            for name, values in g["comparison"].items():
                print(f"  {name:16s} " + ", ".join(f"{k} {v}" for k, v in values.items()))


if __name__ == "__main__":
    main()
