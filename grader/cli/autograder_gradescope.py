"""`grader autograder gradescope`: placeholder until the platform's builder lands."""

from __future__ import annotations

import argparse


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    pass
