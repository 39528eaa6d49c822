"""A check's status: a plain enum of its own, so that the sandbox's client can name
statuses without importing pydantic and the result models (a cold `grader check`
starts its sandbox before those are loaded)."""

from __future__ import annotations

from enum import Enum


class CheckStatus(str, Enum):
    """Outcome of one check. Status is data: nothing here is an exception."""

    PASSED = "passed"
    FAILED = "failed"  # the student's answer is wrong (or not implemented yet)
    ERROR = "error"  # the student's code raised or crashed
    TIMEOUT = "timeout"  # the student's code ran past a limit of time
    SKIPPED = "skipped"  # not run, e.g. data missing; earns nothing
    GRADER_ERROR = "grader_error"  # a bug in the grader or the checks, not the student's fault
