"""Why student code gave no usable value, as exceptions raised in the grading process.

Check code calls the student through the sandbox; when that does not yield a value
it gets one of these. The engine turns each into a status and a message for the
student; none of them is a grader failure.

    StudentCodeError              the student's code gave no usable value
    ├── NotImplementedYet         still raises NotImplementedError          -> failed
    ├── MissingFunction           the file has no such function             -> failed
    ├── ForbiddenCall             used an operation the exercise forbids    -> failed
    ├── StudentImportError        the file fails to load (syntax, raise, exit) -> error
    ├── StudentRaised             the function raised an exception          -> error
    ├── StudentCrashed            the child process died (segfault, os._exit) -> error
    ├── UnreadableResult          the child sent something that is not data -> error
    ├── MissingStudentFile        the submission has no file for the exercise -> failed
    └── StudentTimeout            ran past the check's time limit           -> timeout
"""

from __future__ import annotations

import signal

from grader.i18n import N_, tr
from grader.models.status import CheckStatus


class StudentCodeError(Exception):
    status: CheckStatus = CheckStatus.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotImplementedYet(StudentCodeError):
    status = CheckStatus.FAILED


class MissingFunction(StudentCodeError):
    status = CheckStatus.FAILED


class ForbiddenCall(StudentCodeError):
    status = CheckStatus.FAILED


class StudentImportError(StudentCodeError):
    pass


class StudentRaised(StudentCodeError):
    def __init__(self, message: str, exc_type: str, exc_message: str) -> None:
        super().__init__(message)
        self.exc_type = exc_type
        self.exc_message = exc_message


class StudentCrashed(StudentCodeError):
    pass


class UnreadableResult(StudentCodeError):
    pass


class StudentTimeout(StudentCodeError):
    status = CheckStatus.TIMEOUT


_SIGNAL_WORDS = {
    "SIGSEGV": N_("crashed with a segmentation fault ({signal})"),
    "SIGKILL": N_("was killed (often the memory limit or the timeout) ({signal})"),
    "SIGABRT": N_("aborted (os.abort or a failed C assertion) ({signal})"),
    "SIGXCPU": N_("ran out of CPU time ({signal})"),
    "SIGBUS": N_("crashed with a bus error ({signal})"),
}


def describe_exit(code: int | None, signum: int | None) -> str:
    """Plain words for how a child process ended, to follow "the process"."""
    if signum is not None:
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = tr("signal {number}", number=signum)
        return tr(_SIGNAL_WORDS.get(name, N_("was killed by a signal ({signal})")), signal=name)
    if code is None:
        return tr("ended without returning a result")
    return tr("exited with status {code} without returning a result (os._exit or a crash)", code=code)


class MissingStudentFile(StudentCodeError):
    """The submission has no file for this exercise."""

    status = CheckStatus.FAILED
