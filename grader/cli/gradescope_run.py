"""`python -m grader.cli.gradescope_run`: what the Gradescope autograder's run_autograder
runs for each submission (grader/release/gradescope_run.py), with the safe unzip of
grader.batch for a zip the student uploaded. Not a subcommand: only the autograder
built by `grader autograder gradescope` calls it."""

from __future__ import annotations

import os
import sys

from grader.batch.archive import extract_zip
from grader.release.gradescope_run import run


def main() -> int:
    return run(os.environ, extract_zip)


if __name__ == "__main__":
    sys.exit(main())
