"""`grader autograder PLATFORM`: build, from the course, what a grading platform runs.

One module per platform (autograder_<platform>.py), each declaring its subcommand.
"""

from __future__ import annotations

import argparse

from grader.cli import autograder_classroom50, autograder_gradescope
from grader.i18n import tr

PLATFORMS = (autograder_gradescope, autograder_classroom50)


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    autograder = sub.add_parser(
        "autograder",
        help=tr("build the autograder a grading platform runs (Gradescope, Classroom 50)"),
        description=tr("Build, from the course, what a grading platform runs to grade a submission."),
    )
    platforms = autograder.add_subparsers(dest="platform", metavar="PLATFORM", required=True)
    for platform in PLATFORMS:
        platform.add_parser(platforms)
