"""Errors the user can act on. Each knows its exit status; only `cli.main` shows them.

    GraderError                 (exit 2 unless noted)
    ├── CourseNotFound          no checks/ folder where the course should be
    ├── ManifestError           an exercise.toml is invalid (names the file and field)
    ├── ExerciseNotFound        an unknown exercise id (suggests the known ones)
    ├── SubmissionNotFound      the submission folder does not exist
    ├── WorkflowExists          `init-ci` would overwrite a workflow (without --force)
    ├── RosterError             the roster CSV is unreadable or malformed (names the line)
    ├── LmsDownloadError        an LMS's bulk download cannot be read as the platform lays it out
    ├── SchedulerError          the Dask scheduler cannot be reached or Dask is missing
    ├── Unprotected             a class would be graded without the sandbox's essential
    │                           protections (names them; --insecure grades anyway)  (exit 5)
    ├── ReportWriteError        the report could not be written           (exit 3)
    ├── ScoreBelowThreshold     --fail-under was not met                  (exit 1)
    ├── ReleaseError            the kit cannot be released as the course stands (names
    │   │                       the check or file and the remedy)
    │   └── AnswerInKit         a kit function answers a stub (grader.release.answer_guard)
    ├── DataError               a data set could not be used               (exit 2)
    │   ├── UnknownDataSet      no provider has the name an exercise asks for (names the known)
    │   ├── DataFileError       a data file is corrupt or truncated (names the file)
    │   ├── DataNotFound        no folder holds the data (says how to provide it)
    │   └── DownloadFailed      every mirror failed or served a bad checksum
    └── GraderBug               the grader itself broke, not the student  (exit 4)
"""

from __future__ import annotations


class GraderError(Exception):
    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class CourseNotFound(GraderError):
    pass


class ManifestError(GraderError):
    pass


class ExerciseNotFound(GraderError):
    pass


class SubmissionNotFound(GraderError):
    pass


class WorkflowExists(GraderError):
    pass


class RosterError(GraderError):
    pass


class LmsDownloadError(GraderError):
    pass


class SchedulerError(GraderError):
    pass


class Unprotected(GraderError):
    exit_code = 5

    def __init__(self, message: str, hint: str, missing: list[str]) -> None:
        super().__init__(message, hint)
        self.missing = missing


class ReportWriteError(GraderError):
    exit_code = 3


class ScoreBelowThreshold(GraderError):
    exit_code = 1


class ReleaseError(GraderError):
    """The kit cannot be released as the course stands (names the check and the remedy)."""


class GraderBug(GraderError):
    exit_code = 4


class DataError(GraderError):
    pass


class UnknownDataSet(DataError):
    pass


class DataFileError(DataError):
    pass


class DataNotFound(DataError):
    pass


class DownloadFailed(DataError):
    pass
