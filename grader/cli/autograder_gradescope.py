"""`grader autograder gradescope`: build the zip a Gradescope assignment runs
(grader/release/gradescope.py; what it does per submission: grader/release/gradescope_run.py)."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from grader.cli.common import add_course_option, console, progress_lines
from grader.i18n import tr


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    gradescope = sub.add_parser(
        "gradescope",
        help=tr("build autograder.zip for a Gradescope programming assignment"),
        description=tr("Build the zip Gradescope runs, to upload as it is: setup.sh (the engine wheel and the "
                       "pinned CPU build of torch), run_autograder, the whole course (hidden checks included) "
                       "with every check's reference answers recorded instead of the solutions, and the data "
                       "sets the exercises need. A check that cannot be recorded ships its exercise's solution "
                       "file, named in the output. The course.toml table [gradescope] sets the hidden checks' "
                       "visibility, the leaderboard and the late policy."),
        epilog=tr("example:\n"
                  "  grader autograder gradescope --out autograder.zip "
                  "--engine-wheel dist/grader-0.2.0-py3-none-any.whl"),
    )
    gradescope.add_argument("--out", type=Path, required=True, metavar="ZIP", help=tr("the zip to write"))
    gradescope.add_argument("--engine-wheel", type=Path, required=True, metavar="WHEEL",
                            help=tr("the engine wheel setup.sh installs (build it with `pip wheel --no-deps -w dist .`)"))
    gradescope.add_argument("--torch", default=None, metavar="VERSION",
                            help=tr("the torch version setup.sh installs, CPU build (default: the one installed here)"))
    gradescope.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                            help=tr("where the data sets are (default: where `grader check` looks)"))
    gradescope.add_argument("--without-data", action="store_true",
                            help=tr("leave out a data set that is not found (its checks are then NOT RUN), with a warning"))
    gradescope.add_argument("--force", action="store_true", help=tr("replace ZIP if it exists"))
    add_course_option(gradescope)
    gradescope.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.probes import HELPER_MODULES
    from grader.sandbox.client import Sandbox

    with Sandbox(many_cells=True, warm_modules=HELPER_MODULES) as sandbox:
        from grader.catalog.course import Course
        from grader.ci.workflow import installed_torch_version
        from grader.release.gradescope import AutograderOptions, build_autograder

        course = Course.find(args.course, os.environ, Path.cwd())
        options = AutograderOptions(out=args.out, engine_wheel=args.engine_wheel,
                                    torch=args.torch or installed_torch_version(), data_dir=args.data_dir,
                                    without_data=args.without_data, force=args.force, environ=dict(os.environ),
                                    cwd=Path.cwd(), home=Path.home())
        started = time.monotonic()
        err = console(args, stderr=True)
        with progress_lines(err, tr("building the Gradescope autograder ...")) as progress:
            summary = build_autograder(course, options, sandbox, progress=progress)
    out = console(args)
    out.print(tr("wrote {out}: {exercises} exercises, {checks} checks ({hidden} hidden), {calls} recorded reference "
                 "calls, data: {data}, torch {torch} (CPU), {files} files, {mib} MiB, in {seconds} s",
                 out=summary.out, exercises=len(summary.exercises), checks=summary.checks,
                 hidden=summary.hidden_checks, calls=summary.recorded_calls, data=", ".join(summary.data) or "-",
                 torch=options.torch, files=summary.files, mib=f"{summary.bytes / 2**20:.1f}",
                 seconds=f"{time.monotonic() - started:.1f}"), markup=False, highlight=False)
    for exercise, reasons in summary.solutions.items():
        out.print(tr("{exercise}: its solution file is in the zip, because these checks cannot be recorded:",
                     exercise=exercise), markup=False, highlight=False)
        for reason in reasons:
            out.print(f"  - {reason}", markup=False, highlight=False)
    for warning in summary.warnings:
        out.print(tr("warning: {warning}", warning=warning), markup=False, highlight=False)
    return 0
