"""`grader init-ci`: write the GitHub Actions workflow that grades a student repository."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.version import __version__
from grader.cli.common import console, percentage
from grader.errors import GraderError
from grader.i18n import tr


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    init_ci = sub.add_parser(
        "init-ci",
        help=tr("write a GitHub Actions workflow that grades a student repository on every push"),
        description=tr("Write .github/workflows/grader.yml: install the grader with a pinned CPU "
                       "torch, cache MNIST, run `grader check --all`, publish the score (run summary and "
                       "GitHub Classroom)."),
        epilog=tr("examples:\n"
                  "  GRADER_SRC='grader @ git+https://github.com/ORG/grader@v{version}'\n"
                  "  grader init-ci --grader-source \"$GRADER_SRC\" --fail-under 60", version=__version__),
    )
    init_ci.add_argument("--path", type=Path, default=None, help=tr("where to write it "
                                                                    "(default: .github/workflows/grader.yml)"))
    init_ci.add_argument("--force", action="store_true", help=tr("replace an existing file"))
    init_ci.add_argument("--python", default="3.11", help=tr("Python version on the runner"))
    init_ci.add_argument("--torch", default=None, metavar="VERSION",
                         help=tr("torch version to pin (default: the one installed here)"))
    init_ci.add_argument("--grader-source", default=None, metavar="SPEC",
                         help=tr("pip requirement for the grading engine (required), e.g. "
                                 "'grader @ git+https://github.com/ORG/grader@v{version}'", version=__version__))
    init_ci.add_argument("--fail-under", type=percentage, default=None, metavar="PCT",
                         help=tr("fail the run when the score is below PCT percent"))
    init_ci.set_defaults(run=run)


def _require_course_in_repository(cwd: Path) -> None:
    """The workflow installs only the engine, which carries no course: the repository it
    grades must hold one (a kit from `grader release`), found as the workflow will."""
    from grader.catalog.course import Course
    from grader.errors import CourseNotFound

    try:
        Course.find(None, {}, cwd)
    except CourseNotFound as missing:
        raise GraderError(
            tr("init-ci: this repository holds no course, so the workflow would have nothing to grade "
               "({reason})", reason=missing.message),
            hint=tr("run it in a student kit made by `grader release` (which already carries the workflow), "
                    "or in a repository with the course's course.toml and checks/"),
        ) from missing


def run(args: argparse.Namespace) -> int:
    from grader.ci.workflow import DEFAULT_PATH, WorkflowOptions, installed_torch_version, write_workflow

    if not args.grader_source:
        # "grader" on PyPI is another project: the workflow must name where ours comes from.
        raise GraderError(
            tr("init-ci needs --grader-source: where the workflow installs the course's grader from"),
            hint=tr("e.g. --grader-source 'grader @ git+https://github.com/ORG/grader@v{version}' "
                    "(a plain `grader` from PyPI is a different project)", version=__version__),
        )
    _require_course_in_repository(Path.cwd())
    options = WorkflowOptions(
        python=args.python,
        torch=args.torch or installed_torch_version(),
        grader_source=args.grader_source,
        fail_under=args.fail_under,
    )
    path = write_workflow(args.path or Path.cwd() / DEFAULT_PATH, options, force=args.force)
    # Two lines, neither wrapped by rich: a long path must not push the sentence after it
    # across a line break ("commit and push it to / grade every push").
    out = console(args)
    out.print(tr("wrote {path}", path=path), markup=False, soft_wrap=True)
    out.print(tr("commit and push it to grade every push"), markup=False, soft_wrap=True)
    return 0
