"""`grader check`: grade exercises of one submission folder and print the report."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grader.cli.common import add_course_option, append, console, percentage, positive, write
from grader.cli import watch
from grader.cli.datasets import add_data_options, locate_all, open_data_sets
from grader.errors import GraderError, ScoreBelowThreshold
from grader.i18n import tr

# The names of grader.report.RENDERERS, plus the terminal table; spelled out here so that
# building the parser imports no model code (a test keeps the two in step).
FORMATS = ("terminal", "json", "junit", "gradescope", "classroom", "classroom50", "markdown", "html")


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    check = sub.add_parser(
        "check",
        help=tr("check exercises and print a scored report"),
        description=tr("Run the checks of one or more exercises against a submission folder. "
                       "Exit status 0 whenever grading completed, whatever the score."),
        epilog=tr("examples:\n"
                  "  grader check 03                      exercise 03, in ./exercises\n"
                  "  grader check 03 --watch              again each time the file is saved\n"
                  "  grader check --all                   every exercise\n"
                  "  grader check 01 --format html --output report.html"),
    )
    check.add_argument("exercises", nargs="*", metavar="EXERCISE",
                       help=tr("e.g. exercise_01 or 01, or your file's path (work/exercise_01.py)"))
    check.add_argument("--all", action="store_true", help=tr("check every exercise"))
    check.add_argument(
        "--submission",
        type=Path,
        default=None,
        help=tr("folder with the exercise_NN.py files (default: ./exercises if present, else .)"),
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="terminal",
        help=tr("report format: terminal table, json (the result model), junit (XML), gradescope "
                "(results.json), classroom (GitHub Classroom's base64 result, for a deprecated reporter), classroom50 "
                "(Classroom 50's result.json), markdown, html (one "
                "self-contained page). When "
                "$GITHUB_STEP_SUMMARY is set, the Markdown summary is also appended to that file"),
    )
    check.add_argument("--output", type=Path, default=None, help=tr("write the report to this file"))
    check.add_argument(
        "--fail-under",
        type=percentage,
        default=None,
        metavar="PCT",
        help=tr("exit with status 1 when the score is below PCT percent"),
    )
    check.add_argument(
        "--show-hidden",
        action="store_true",
        help=tr("show hidden (instructor-only) checks' feedback; by default every format a "
                "student reads withholds it (Gradescope output marks it after_published instead)"),
    )
    limits = check.add_argument_group(tr("limits for student code (default: each exercise's own)"))
    limits.add_argument("--timeout", type=positive(float), default=None, metavar="S",
                        help=tr("wall time per check, seconds"))
    limits.add_argument("--cpu-s", type=positive(float), default=None, metavar="S",
                        help=tr("CPU time per check, seconds"))
    limits.add_argument("--memory-mb", type=positive(int), default=None, metavar="MB", help=tr("memory per check, MiB"))
    limits.add_argument("--file-mb", type=positive(int), default=None, metavar="MB",
                        help=tr("largest file and printed output, MiB"))
    limits.add_argument("--processes", type=positive(int), default=None, metavar="N",
                        help=tr("processes and threads per check"))
    limits.add_argument(
        "--submission-timeout", type=positive(float), default=None, metavar="S",
        help=tr("wall time for all checks of one exercise together, seconds"),
    )
    watch.add_option(check)
    add_data_options(check)
    add_course_option(check)
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.sandbox.client import Sandbox

    if args.all == bool(args.exercises):
        raise GraderError(
            tr("name the exercises to check, or pass --all (not both)"),
            hint=tr("e.g. `grader check exercise_01` or `grader check --all`"),
        )
    watch.refuse_incompatible(args)
    # The zygote starts first: its torch import then overlaps everything else here, our
    # own torch import included (finding the course, which loads pydantic, took 0.1 s of
    # a cold check before it). A usage error found below (unknown exercise, missing
    # folder, a --data-dir without the data) kills it unused at once.
    sandbox = Sandbox()
    session = None
    try:
        from grader.catalog.course import Course
        from grader.catalog.submission import exercises_named_by_files, resolve_submission_dir
        from grader.engine.session import GradingOptions, GradingSession, LimitOverrides

        course = Course.find(args.course, os.environ, Path.cwd())
        names, files_folder = exercises_named_by_files(args.exercises, Path.cwd())
        exercises = course.exercises() if args.all else course.select(names)
        submission = resolve_submission_dir(args.submission or files_folder, Path.cwd())
        if files_folder is not None and submission != files_folder:
            raise GraderError(tr("the files named are not in --submission {folder}", folder=args.submission),
                              hint=tr("name the files, or the exercises with --submission, not both"))
        located = locate_all(exercises, args)
        data = open_data_sets(located, args, console(args, stderr=True)) if located else None
        overrides = LimitOverrides(
            timeout_s=args.timeout,
            cpu_s=args.cpu_s,
            memory_mb=args.memory_mb,
            file_mb=args.file_mb,
            processes=args.processes,
            submission_timeout_s=args.submission_timeout,
        )
        session = GradingSession(course, exercises, GradingOptions(overrides=overrides), sandbox=sandbox, data=data)
    finally:
        if session is None:  # a usage error: the zygote goes unused, at once
            sandbox.close(wait=False)
    # Leaving the session closes the data's temporary copies and the sandbox (whose
    # zygote clears the student's sandbox away on its own: the report needn't wait).
    with session:
        if args.watch:
            return watch.watch(session, submission, console(args), show_hidden=args.show_hidden)
        from rich.markup import escape

        grading = tr("grading {exercises} in {submission} ...",
                     exercises=", ".join(e.id for e in exercises), submission=submission)
        with console(args, stderr=True).status(escape(grading)) as status:

            def progress(text: str, done: int, total: int) -> None:
                status.update(escape(f"[{done + 1}/{total}] {text}"))

            report = session.grade(submission, progress=progress)
    from grader.report import RENDERERS
    from grader.report.terminal import render_terminal

    # Every format withholds hidden checks' feedback unless --show-hidden (Gradescope's
    # gates it itself, until grades are published).
    show_hidden = args.show_hidden
    if args.format == "terminal":
        render_terminal(report, console(args), show_hidden=show_hidden)
        if args.output:
            write(args.output, RENDERERS["json"](report, show_hidden=show_hidden))
    else:
        text = RENDERERS[args.format](report, show_hidden=show_hidden)
        if args.output:
            write(args.output, text)
            render_terminal(report, console(args), show_hidden=show_hidden)
        else:
            sys.stdout.write(text)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        append(Path(step_summary), RENDERERS["markdown"](report, show_hidden=show_hidden))
    if args.fail_under is not None and report.percent < args.fail_under:
        raise ScoreBelowThreshold(tr("score {percent}% is below --fail-under {threshold}%",
                                     percent=f"{report.percent:g}", threshold=f"{args.fail_under:g}"))
    return 0
