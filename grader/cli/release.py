"""`grader release`: build the student kit of the course (instructors)."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from grader.version import __version__
from grader.cli.common import add_course_option, console, progress_lines
from grader.i18n import active_language, tr


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    release = sub.add_parser(
        "release",
        help=tr("build the student kit: stubs, notebooks, public checks, recorded reference values"),
        description=tr("Build the course's student kit in DIR: exercise stubs (.py and generated "
                       "notebooks), the public checks only, the reference values they need (recorded now, "
                       "never the solutions), course.toml pinned to this engine, a student README and the CI "
                       "workflow. The kit is graded on the stubs and the solutions before it is written; a "
                       "public check that cannot work without the solution stops the release, named. The stubs' "
                       "instructions, the notebooks and README.md are in the command's language (--lang; the "
                       "course's catalog translates the stubs' docstrings), the README in every other language "
                       "beside it."),
        epilog=tr("examples:\n"
                  "  grader release --out ../kit --engine-wheel dist/grader-0.2.0-py3-none-any.whl\n"
                  "  grader --lang zh release --out ../kit --engine-source \"$GRADER_SRC\""),
    )
    release.add_argument("--out", type=Path, required=True, metavar="DIR", help=tr("where to write the kit"))
    source = release.add_mutually_exclusive_group(required=True)
    source.add_argument("--engine-wheel", type=Path, default=None, metavar="WHEEL",
                        help=tr("ship this engine wheel in the kit's wheels/ and install it from there "
                                "(build it with `pip wheel --no-deps -w dist .`)"))
    source.add_argument("--engine-source", default=None, metavar="SPEC",
                        help=tr("how students install the engine: a pip requirement, e.g. "
                                "'grader @ git+https://github.com/ORG/grader@v{version}'", version=__version__))
    release.add_argument("--python", default="3.11", help=tr("Python version of the kit's CI workflow"))
    release.add_argument("--torch", default=None, metavar="VERSION",
                         help=tr("torch version the kit pins (default: the one installed here)"))
    release.add_argument("--force", action="store_true", help=tr("replace DIR if it is not empty"))
    add_course_option(release)
    release.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.probes import HELPER_MODULES
    from grader.sandbox.client import Sandbox

    with Sandbox(many_cells=True, warm_modules=HELPER_MODULES) as sandbox:
        from grader.catalog.course import Course
        from grader.ci.workflow import installed_torch_version
        from grader.release.kit import ReleaseOptions, build_kit

        course = Course.find(args.course, os.environ, Path.cwd())
        options = ReleaseOptions(
            out=args.out,
            engine_source=args.engine_source,
            engine_wheel=args.engine_wheel,
            python=args.python,
            torch=args.torch or installed_torch_version(),
            force=args.force,
            language=active_language(),
        )
        started = time.monotonic()
        err = console(args, stderr=True)
        with progress_lines(err, tr("releasing ...")) as progress:
            summary = build_kit(course, options, sandbox, progress=progress)
    seconds = time.monotonic() - started
    console(args).print(
        tr("released {title} to {out}: {exercises} exercises, {public} public checks ({hidden} hidden ones "
           "left out), {calls} recorded reference calls, {files} files, {kib} KiB, in {seconds} s\n"
           "content hash {digest}", title=tr(course.title), out=summary.out, exercises=len(summary.exercises),
           public=summary.public_checks, hidden=summary.hidden_checks, calls=summary.recorded_calls,
           files=summary.files, kib=f"{summary.bytes / 1024:.0f}", seconds=f"{seconds:.1f}",
           digest=summary.content_hash),
        markup=False, highlight=False,
    )
    for warning in summary.warnings:
        console(args).print(tr("warning: {warning}", warning=warning), markup=False, highlight=False)
    return 0
