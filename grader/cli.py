"""The `grader` command. The one boundary that turns errors into messages and exit codes.

Torch is imported only after the sandbox's zygote has been started, so the two
imports of torch (ours and the zygote's) overlap.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from grader import __version__
from grader.errors import (
    DataError,
    DataNotFound,
    GraderError,
    ReportWriteError,
    ScoreBelowThreshold,
    SubmissionNotFound,
)

if TYPE_CHECKING:  # imported lazily at run time: `grader --help` stays instant
    from rich.console import Console

    from grader.batch.runner import BatchOutcome
    from grader.batch.summary import ClassSummary
    from grader.data.locate import Located
    from grader.data.prepared import MnistProvider

# The names of grader.report.RENDERERS, plus the terminal table; spelled out here so that
# building the parser imports no model code (a test keeps the two in step).
FORMATS = ("terminal", "json", "junit", "gradescope", "classroom", "markdown")
ENV_DATA_DIR = "GRADER_DATA_DIR"


def _positive(kind: type) -> "Callable[[str], float | int]":
    """An argparse type for limits: a number above zero, or a usage error."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} must be above zero")
        return value

    return parse


def _add_course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course",
        type=Path,
        default=None,
        help="folder holding the course's checks/ and solutions/ (default: the course "
        "installed with the grader)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader",
        description="Check PyTorch exercises against the course's reference solutions.",
    )
    parser.add_argument("--version", action="version", version=f"grader {__version__}")
    parser.add_argument("--no-color", action="store_true", help="plain text output (also: NO_COLOR=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    list_parser = sub.add_parser("list", help="list the exercises, their titles and points")
    _add_course_option(list_parser)

    check = sub.add_parser(
        "check",
        help="check exercises and print a scored report",
        description="Run the checks of one or more exercises against a submission folder. "
        "Exit status 0 whenever grading completed, whatever the score.",
    )
    check.add_argument("exercises", nargs="*", metavar="EXERCISE", help="e.g. exercise_01 (or 01)")
    check.add_argument("--all", action="store_true", help="check every exercise")
    check.add_argument(
        "--submission",
        type=Path,
        default=None,
        help="folder with the exercise_NN.py files (default: ./exercises if present, else .)",
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="terminal",
        help="report format: terminal table, json (the result model), junit (XML), gradescope "
        "(results.json), classroom (GitHub Classroom's base64 result), markdown. When "
        "$GITHUB_STEP_SUMMARY is set, the Markdown summary is also appended to that file",
    )
    check.add_argument("--output", type=Path, default=None, help="write the report to this file")
    check.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="PCT",
        help="exit with status 1 when the score is below PCT percent",
    )
    limits = check.add_argument_group("limits for student code (default: each exercise's own)")
    limits.add_argument("--timeout", type=_positive(float), default=None, metavar="S", help="wall time per check, seconds")
    limits.add_argument("--cpu-s", type=_positive(float), default=None, metavar="S", help="CPU time per check, seconds")
    limits.add_argument("--memory-mb", type=_positive(int), default=None, metavar="MB", help="memory per check, MiB")
    limits.add_argument("--file-mb", type=_positive(int), default=None, metavar="MB", help="largest file and printed output, MiB")
    limits.add_argument("--processes", type=_positive(int), default=None, metavar="N", help="processes and threads per check")
    limits.add_argument(
        "--submission-timeout", type=_positive(float), default=None, metavar="S",
        help="wall time for all checks of one exercise together, seconds",
    )
    _add_data_options(check)
    _add_course_option(check)

    data = sub.add_parser(
        "data",
        help="show where the MNIST data was found; download or import it",
        description="Without options: show where MNIST was looked for and found. "
        f"Search order: --data-dir, ${ENV_DATA_DIR}, the user cache, torchvision's layout "
        "(./data/MNIST/raw, ./dataset/mnist/MNIST/raw).",
    )
    action = data.add_mutually_exclusive_group()
    action.add_argument("--download", action="store_true", help="download from the standard mirrors (sha256-checked)")
    action.add_argument("--import", dest="import_from", type=Path, default=None, metavar="FOLDER",
                        help="copy the four files from FOLDER after checking their sha256")
    action.add_argument("--verify", action="store_true", help="check the found files' sha256 and contents")
    data.add_argument("--to", type=Path, default=None, metavar="FOLDER",
                      help="where --download/--import put the files (default: the user cache)")
    _add_data_options(data, downloads=False)

    grade = sub.add_parser(
        "grade",
        help="grade a whole class: one folder or .zip per student, into a gradebook",
        description="Grade every submission in SUBMISSIONS (one folder or .zip per student, named "
        "by the student's id) in parallel. Results are stored as they finish in DIR/gradebook.sqlite; "
        "re-running skips unchanged submissions. Writes grades.csv, reports/, feedback/ and a class "
        "summary (summary.json, summary.svg) to DIR.",
    )
    grade.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    grade.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    grade.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="submissions graded at once (default: the cores)")
    grade.add_argument("--exercises", nargs="+", default=None, metavar="EXERCISE",
                       help="grade only these exercises (default: all)")
    grade.add_argument("--roster", type=Path, default=None, metavar="CSV",
                       help="roster with columns id,name,email; absent students get status 'missing'")
    grade.add_argument("--regrade", action="store_true", help="grade everything again, changed or not")
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on Dask: tcp://host:8786, or 'local' for a local cluster")
    grade.add_argument("--timeout", type=_positive(float), default=None, metavar="S", help="time limit per check, seconds")
    grade.add_argument("--memory-mb", type=_positive(int), default=None, metavar="MB", help="memory limit of student code")
    _add_data_options(grade, downloads=False)
    _add_course_option(grade)

    init_ci = sub.add_parser(
        "init-ci",
        help="write a GitHub Actions workflow that grades a student repository on every push",
        description="Write .github/workflows/grader.yml: install the grader with a pinned CPU "
        "torch, cache MNIST, run `grader check --all`, publish the score (run summary and "
        "GitHub Classroom).",
    )
    init_ci.add_argument("--path", type=Path, default=None, help="where to write it "
                         "(default: .github/workflows/grader.yml)")
    init_ci.add_argument("--force", action="store_true", help="replace an existing file")
    init_ci.add_argument("--python", default="3.11", help="Python version on the runner")
    init_ci.add_argument("--torch", default=None, metavar="VERSION",
                         help="torch version to pin (default: the one installed here)")
    init_ci.add_argument("--grader-source", default=None, metavar="SPEC",
                         help="pip requirement for the course's grader (required), e.g. "
                         "'grader @ git+https://github.com/ORG/grader@v0.1.0'")
    init_ci.add_argument("--fail-under", type=float, default=None, metavar="PCT",
                         help="fail the run when the score is below PCT percent")
    return parser


def _add_data_options(parser: argparse.ArgumentParser, downloads: bool = True) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="FOLDER",
        help=f"folder holding the four MNIST files (also: ${ENV_DATA_DIR}; default: search the usual places)",
    )
    if downloads:
        parser.add_argument(
            "--no-download", action="store_true", help="never download MNIST when it is not found"
        )


def _console(args: argparse.Namespace, stderr: bool = False) -> "Console":
    from rich.console import Console  # imported late: `grader check` starts its sandbox first

    no_color = args.no_color or bool(os.environ.get("NO_COLOR"))
    return Console(stderr=stderr, no_color=no_color, highlight=False)


def _cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from grader.catalog.course import Course
    from grader.catalog.points import checks_of

    course = Course.at(args.course)
    table = Table(title="Exercises", title_justify="left")
    table.add_column("Exercise")
    table.add_column("Title")
    table.add_column("Checks", justify="right")
    table.add_column("Points", justify="right")
    for exercise in course.exercises():
        checks = checks_of(exercise)
        table.add_row(
            exercise.id,
            exercise.manifest.title,
            str(len(checks)),
            f"{sum(c.points for c in checks):g}",
        )
    _console(args).print(table)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from grader.sandbox.client import Sandbox

    if args.all == bool(args.exercises):
        raise GraderError(
            "name the exercises to check, or pass --all (not both)",
            hint="e.g. `grader check exercise_01` or `grader check --all`",
        )
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise GraderError("--fail-under takes a percentage between 0 and 100")
    # Started before anything heavy is imported: the zygote's torch import overlaps ours.
    with Sandbox() as sandbox:
        from grader.catalog.course import Course
        from grader.catalog.submission import resolve_submission_dir

        course = Course.at(args.course)
        exercises = course.exercises() if args.all else course.select(args.exercises)
        submission = resolve_submission_dir(args.submission, Path.cwd())
        needs_mnist = any(e.needs_mnist for e in exercises)
        data = _mnist_provider(args, _console(args, stderr=True)) if needs_mnist else None

        from rich.markup import escape

        from grader.engine.run import LimitOverrides, grade_submission

        try:
            with _console(args, stderr=True).status(f"grading {', '.join(e.id for e in exercises)} in {submission} ...") as status:

                def progress(text: str, done: int, total: int) -> None:
                    status.update(escape(f"[{done + 1}/{total}] {text}"))

                report = grade_submission(
                    course,
                    exercises,
                    submission,
                    sandbox,
                    LimitOverrides(
                        timeout_s=args.timeout,
                        cpu_s=args.cpu_s,
                        memory_mb=args.memory_mb,
                        file_mb=args.file_mb,
                        processes=args.processes,
                        submission_timeout_s=args.submission_timeout,
                    ),
                    progress=progress,
                    data=data,
                )
        finally:
            if data is not None:
                data.close()  # its temporary copy of MNIST goes, whatever happened
    from grader.report import RENDERERS
    from grader.report.terminal import render_terminal

    if args.format == "terminal":
        render_terminal(report, _console(args))
        if args.output:
            _write(args.output, RENDERERS["json"](report))
    else:
        text = RENDERERS[args.format](report)
        if args.output:
            _write(args.output, text)
            render_terminal(report, _console(args))
        else:
            sys.stdout.write(text)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        _append(Path(step_summary), RENDERERS["markdown"](report))
    if args.fail_under is not None and report.percent < args.fail_under:
        raise ScoreBelowThreshold(f"score {report.percent:g}% is below --fail-under {args.fail_under:g}%")
    return 0


def _write(path: Path, text: str) -> None:
    from grader.report.files import write_atomically

    write_atomically(path, text)


# -- MNIST ---------------------------------------------------------------------------
def _locate_mnist(args: argparse.Namespace) -> "Located":
    """The data search with this process's inputs: options, environment, home, working folder."""
    from grader.data.locate import candidates, default_cache_dir, find_mnist

    if args.data_dir is not None and not args.data_dir.is_dir():
        raise DataNotFound(f"--data-dir {args.data_dir} is not a folder")
    located = find_mnist(
        candidates(
            data_dir=args.data_dir,
            env_dir=os.environ.get(ENV_DATA_DIR),
            cache_dir=default_cache_dir(os.environ, Path.home()),
            cwd=Path.cwd(),
        )
    )
    if args.data_dir is not None and located.source not in ("--data-dir", "--data-dir (torchvision layout)"):
        # An explicit folder that lacks the data is a mistake to report, not to search past.
        raise DataNotFound(
            f"--data-dir {args.data_dir} does not hold MNIST ({located.passed_over[0][1]})",
            hint="the folder must hold train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (or MNIST/raw/ with them)",
        )
    return located


def _download(dest: Path, console: Console) -> None:
    """Download into `dest` with a progress bar: the only place that draws one."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from grader.data.download import download_mnist

    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        console=console, transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"MNIST {name}", total=total)
            bar.update(tasks[name], completed=done)

        download_mnist(dest, progress=progress)


def _mnist_provider(args: argparse.Namespace, console: Console) -> "MnistProvider":
    """Find MNIST for `grader check`, downloading it into the user cache when allowed."""
    from grader.data.locate import default_cache_dir, how_to_provide
    from grader.data.prepared import MnistProvider

    located = _locate_mnist(args)
    if located.folder is not None:
        return MnistProvider(located.folder)
    message = how_to_provide(located)
    if not args.no_download:
        cache = default_cache_dir(os.environ, Path.home())
        try:
            _download(cache, console)
            return MnistProvider(cache)
        except (DataError, OSError) as error:
            reason = error.message if isinstance(error, DataError) else str(error)
            message += f" (A download was tried and failed: {reason[:300]})"
    return MnistProvider(None, message)


def _cmd_data(args: argparse.Namespace) -> int:
    from grader.data.download import import_mnist, is_verified
    from grader.data.files import ATTRIBUTION, MNIST_FILES
    from grader.data.locate import default_cache_dir, how_to_provide
    from grader.data.mnist import file_path, load_mnist

    console = _console(args)
    target = args.to or default_cache_dir(os.environ, Path.home())
    if args.download:
        _download(target, console)
        console.print(f"MNIST downloaded and verified in {target}", markup=False)
    elif args.import_from is not None:
        copied = import_mnist(args.import_from, target)
        console.print(f"imported {len(copied)} verified files into {target}", markup=False)
    located = _locate_mnist(args)
    for candidate, why in located.passed_over:
        console.print(f"  {candidate.folder}  ({candidate.source}): {why}", markup=False, highlight=False)
    if located.folder is None:
        raise DataNotFound(how_to_provide(located))
    console.print(f"MNIST found in {located.folder} ({located.source})", markup=False, highlight=False)
    if args.verify:
        for spec in MNIST_FILES:
            path = file_path(located.folder, spec)
            assert path is not None
            state = "sha256 ok" if is_verified(path, spec) else "sha256 differs from the original file"
            console.print(f"  {path.name}: {state}", markup=False)
        data = load_mnist(located.folder)
        console.print(
            f"  {data.train_images.shape[0]} training and {data.test_images.shape[0]} test images read",
            markup=False,
        )
    console.print(ATTRIBUTION, markup=False, style="dim")
    return 0



def _grading_engine(args: argparse.Namespace, jobs: int) -> object:
    if args.scheduler is None:
        from grader.batch.local import LocalEngine

        return LocalEngine(jobs)
    try:
        from grader.batch.dask_engine import DaskEngine
    except ImportError as exc:
        raise GraderError(
            f"--scheduler needs Dask distributed ({exc})", hint="pip install 'grader[batch]'"
        ) from exc
    return DaskEngine(args.scheduler, jobs)


def _cmd_grade(args: argparse.Namespace) -> int:
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from grader.batch.outputs import write_outputs, write_summary
    from grader.batch.roster import load_roster
    from grader.batch.runner import BatchPlan, BatchProgress, run_batch
    from grader.batch.summary import summarize
    from grader.catalog.course import Course

    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise GraderError("--jobs takes a number of at least 1")
    if not args.submissions.is_dir():
        raise SubmissionNotFound(
            f"{args.submissions} is not a folder",
            hint="pass the folder that holds one folder or .zip per student",
        )
    course = Course.at(args.course)
    exercises = course.select(args.exercises) if args.exercises else course.exercises()
    plan = BatchPlan(
        submissions=args.submissions,
        out=args.out,
        course=course,
        exercises=exercises,
        timeout_s=args.timeout,
        memory_mb=args.memory_mb,
        roster=load_roster(args.roster) if args.roster else {},
        regrade=args.regrade,
        data_dir=_locate_mnist(args).folder if any(e.needs_mnist for e in exercises) else None,
    )
    engine = _grading_engine(args, jobs)
    console = _console(args, stderr=True)
    started = time.monotonic()
    bar = Progress(
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[failures]}"),
        console=console,
    )
    task_id = bar.add_task("grading", total=None, rate="", failures="")

    def on_progress(progress: BatchProgress, record: object) -> None:
        minutes = (time.monotonic() - started) / 60
        rate = f"{progress.graded_now / minutes:.1f}/min" if progress.graded_now and minutes else "-/min"
        failures = f"{progress.failures} failed" if progress.failures else "no failures"
        bar.update(task_id, total=progress.total, completed=progress.done, rate=rate, failures=failures)

    with bar:
        outcome = run_batch(plan, engine, on_progress)  # type: ignore[arg-type]
    exercise_ids = [e.id for e in exercises]
    paths = write_outputs(args.out, outcome.records, plan.roster, exercise_ids)
    summary = summarize(outcome.records)
    paths.update(write_summary(args.out, summary))
    _print_class_summary(_console(args), summary, outcome, paths)
    return 0


HARDEST_SHOWN = 12  # checks listed in the terminal; the chart and summary.json have them all


def _print_class_summary(
    console: Console, summary: "ClassSummary", outcome: "BatchOutcome", paths: dict[str, Path]
) -> None:
    from rich.table import Table

    progress = outcome.progress
    console.print(
        f"{progress.total} submissions: {progress.graded_now} graded now, {progress.skipped} unchanged "
        f"(skipped), {progress.failures} could not be graded", markup=False,
    )
    counts = ", ".join(f"{n} {status}" for status, n in summary.status_counts.items() if n)
    console.print(f"students: {summary.students} ({counts or 'none'}); mean {summary.mean_percent:g}%, "
                  f"median {summary.median_percent:g}%", markup=False)
    table = Table(title="Score distribution (graded)", title_justify="left")
    table.add_column("Score")
    table.add_column("Students", justify="right")
    table.add_column("")
    peak = max(summary.histogram) or 1
    for index, count in enumerate(summary.histogram):
        table.add_row(summary.bin_label(index), str(count), "#" * round(30 * count / peak))
    console.print(table)
    shown = summary.checks[:HARDEST_SHOWN]
    more = f"; all {len(summary.checks)} in summary.svg" if len(summary.checks) > len(shown) else ""
    checks = Table(title=f"Pass rate per check (hardest first{more})", title_justify="left")
    checks.add_column("Check")
    checks.add_column("Passed", justify="right")
    checks.add_column("Rate", justify="right")
    for check in shown:
        checks.add_row(f"{check.exercise_id}: {check.title}", f"{check.passed}/{check.graded}",
                       f"{100 * check.rate:.0f}%")
    console.print(checks)
    for name in outcome.ignored:
        console.print(f"note: ignored {name}: not a folder or .zip", markup=False)
    if outcome.not_on_roster:
        console.print(f"note: not on the roster: {', '.join(outcome.not_on_roster)}", markup=False)
    for kind, path in paths.items():
        console.print(f"{kind}: {path}", markup=False)


def _cmd_init_ci(args: argparse.Namespace) -> int:
    from grader.ci.workflow import DEFAULT_PATH, WorkflowOptions, installed_torch_version, write_workflow

    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise GraderError("--fail-under takes a percentage between 0 and 100")
    if not args.grader_source:
        # "grader" on PyPI is another project: the workflow must name where ours comes from.
        raise GraderError(
            "init-ci needs --grader-source: where the workflow installs the course's grader from",
            hint="e.g. --grader-source 'grader @ git+https://github.com/ORG/grader@v0.1.0' "
            "(a plain `grader` from PyPI is a different project)",
        )
    options = WorkflowOptions(
        python=args.python,
        torch=args.torch or installed_torch_version(),
        grader_source=args.grader_source,
        fail_under=args.fail_under,
    )
    path = write_workflow(args.path or Path.cwd() / DEFAULT_PATH, options, force=args.force)
    _console(args).print(f"wrote {path}: commit and push it to grade every push", markup=False)
    return 0


def _append(path: Path, text: str) -> None:
    """Append to a file others also write (GitHub's step summary), never replacing it."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise ReportWriteError(f"cannot append the summary to {path}: {exc.strerror}") from exc


COMMANDS = {
    "list": _cmd_list,
    "check": _cmd_check,
    "data": _cmd_data,
    "grade": _cmd_grade,
    "init-ci": _cmd_init_ci,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except GraderError as error:
        from rich.text import Text

        console = _console(args, stderr=True)
        # Text, not markup: a message may quote a student's "[...]".
        console.print(Text.assemble(("error: ", "bold red"), error.message), soft_wrap=True)
        if error.hint:
            console.print(Text(f"hint: {error.hint}"), soft_wrap=True)
        return error.exit_code
    except KeyboardInterrupt:
        _console(args, stderr=True).print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
