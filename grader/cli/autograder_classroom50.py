"""`grader autograder classroom50`: write the autograders Classroom 50's runner runs."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.version import __version__
from grader.cli.common import add_course_option, console, progress_lines
from grader.errors import GraderError
from grader.i18n import active_language, tr


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = sub.add_parser(
        "classroom50",
        help=tr("Classroom 50: autograders/ASSIGNMENT/autograder.py, which writes result.json"),
        description=tr("Write DIR/autograders/ASSIGNMENT/ for each assignment: the autograder.py "
                       "Classroom 50's runner runs in the student's checkout, the course's public checks "
                       "with their recorded reference values (as in `grader release`, never the solutions), "
                       "and what installs the engine with a pinned CPU torch; and DIR/runtime.json, the "
                       "assignments' runtime block. Copy DIR's contents into the classroom's folder of your "
                       "classroom50 repository."),
        epilog=tr("examples:\n"
                  "  grader autograder classroom50 --out ../classroom50/cnn-2026 --grader-source \"$GRADER_SRC\"\n"
                  "  grader autograder classroom50 --out DIR --engine-wheel dist/grader-{version}-py3-none-any.whl "
                  "--assignment cnn-basics --exercises 01 02", version=__version__),
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help=tr("the classroom's folder (autograders/ is written inside it)"))
    parser.add_argument("--assignment", default=None, metavar="NAME",
                        help=tr("one assignment of this slug made of the --exercises (default: one "
                                "assignment per exercise, named by the exercise's id)"))
    parser.add_argument("--exercises", nargs="+", default=[], metavar="EXERCISE",
                        help=tr("the exercises to grade (default: all)"))
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--grader-source", default=None, metavar="SPEC",
                        help=tr("pip requirement the autograder installs the engine from, e.g. "
                                "'grader @ git+https://github.com/ORG/grader@v{version}'", version=__version__))
    source.add_argument("--engine-wheel", type=Path, default=None, metavar="WHEEL",
                        help=tr("ship this engine wheel beside each autograder and install it from there"))
    parser.add_argument("--python", default="3.11", help=tr("Python version of the runtime block (runtime.json)"))
    parser.add_argument("--torch", default=None, metavar="VERSION",
                        help=tr("torch version to pin (default: the one installed here)"))
    parser.add_argument("--force", action="store_true", help=tr("replace the assignments' existing autograders"))
    add_course_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.grader_source and args.engine_wheel is None:
        raise GraderError(
            tr("autograder classroom50 needs --grader-source or --engine-wheel: where the autograder "
               "installs the course's grader from"),
            hint=tr("e.g. --grader-source 'grader @ git+https://github.com/ORG/grader@v{version}' "
                    "(a plain `grader` from PyPI is a different project)", version=__version__),
        )
    from grader.probes import HELPER_MODULES
    from grader.sandbox.client import Sandbox

    with Sandbox(many_cells=True, warm_modules=HELPER_MODULES) as sandbox:
        from grader.catalog.course import Course
        from grader.ci.workflow import installed_torch_version
        from grader.release.classroom50 import Classroom50Options, build_autograders, plan_assignments

        course = Course.find(args.course, os.environ, Path.cwd())
        options = Classroom50Options(
            out=args.out,
            assignments=plan_assignments(course, args.exercises, args.assignment),
            engine_source=args.grader_source,
            engine_wheel=args.engine_wheel,
            python=args.python,
            torch=args.torch or installed_torch_version(),
            force=args.force,
            language=active_language(),
        )
        err = console(args, stderr=True)
        with progress_lines(err, tr("building the autograders ...")) as progress:
            summary = build_autograders(course, options, sandbox, progress=progress)
    out = console(args)
    for assignment in summary.assignments:
        out.print(tr("wrote {path} ({exercises})", path=summary.out / "autograders" / assignment.slug / "autograder.py",
                     exercises=", ".join(assignment.exercises)), markup=False, soft_wrap=True)
    out.print(tr("{public} public checks ({hidden} hidden ones left out: their reference answers would be "
                 "published with the bundle)", public=summary.public_checks, hidden=summary.hidden_checks),
              markup=False, soft_wrap=True)
    out.print(tr("register each assignment with `gh teacher assignment add ... --runtime {runtime}`",
                 runtime=summary.out / "runtime.json"), markup=False, soft_wrap=True)
    return 0
