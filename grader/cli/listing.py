"""`grader list`: the course's exercises with their checks and points."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.cli.common import add_course_option, console
from grader.i18n import tr


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = sub.add_parser("list", help=tr("list the exercises, their titles and points"))
    add_course_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rich.table import Table

    from grader.catalog.course import Course
    from grader.catalog.declarations import declarations_of

    course = Course.find(args.course, os.environ, Path.cwd())
    table = Table(title=tr("Exercises"), title_justify="left")
    table.add_column(tr("Exercise"))
    table.add_column(tr("Title"))
    table.add_column(tr("Checks"), justify="right")
    table.add_column(tr("Points"), justify="right")
    for exercise in course.exercises():
        checks = declarations_of(exercise)
        table.add_row(
            exercise.id,
            tr(exercise.manifest.title),  # the course's catalog translates it
            str(len(checks)),
            f"{sum(c.points for c in checks):g}",
        )
    console(args).print(table)
    return 0
