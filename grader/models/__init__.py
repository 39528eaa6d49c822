"""Pydantic data: exercise manifests and grading results. Imports no other layer of grader."""

from grader.models.manifest import CheckLimits, ExerciseManifest
from grader.models.results import (
    CheckResult,
    CheckStatus,
    ExerciseResult,
    SubmissionReport,
)

__all__ = [
    "CheckLimits",
    "CheckResult",
    "CheckStatus",
    "ExerciseManifest",
    "ExerciseResult",
    "SubmissionReport",
]
