"""The one result model: report -> exercises -> checks. Every output format renders it."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from grader.models.status import CheckStatus


class ImportFailure(str, Enum):
    """Why the student's file could not be loaded at all (every check that needs it then
    gets the same answer): data for the class dashboard, whatever the message's language."""

    ERROR = "error"  # a syntax error, not UTF-8, or it raised or exited while being imported
    CRASHED = "crashed"  # the process died while importing it
    TIMEOUT = "timeout"  # importing it ran past the time limit


class NamedMistake(BaseModel):
    """A mistake a check recognised, as data: counted across a class, shown by id."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", description="stable id, e.g. conv2d.kernel_flipped")
    title: str = Field(description="a short title, e.g. 'conv2d flips the kernel (a true convolution)'")
    message: str = Field("", description="what the student was told")


class CheckResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="stable id: the check function's name")
    title: str
    status: CheckStatus
    points_earned: float = 0.0
    points_possible: float
    message: str = ""
    duration_s: float = 0.0
    hidden: bool = Field(False, description="details withheld from the student until release")
    mistakes: list[NamedMistake] = Field(
        default_factory=list, description="the named mistakes this check recognised (usually one or none)"
    )


class IdenticalFiles(BaseModel):
    """In a class: other submissions held this same exercise file (grader.catalog.identical),
    so it was graded once and the one result recorded for each of them."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="the file's content key: equal keys, identical files")
    submissions: int = Field(ge=2, description="the class's submissions holding this file, this one included")


class _Totalled(BaseModel):
    """A model with computed totals: they are written to JSON and, on reading a report
    back, recomputed rather than trusted (any other unknown field is still refused)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        if isinstance(data, dict):
            computed = set(cls.model_computed_fields)
            return {k: v for k, v in data.items() if k not in computed}
        return data


class ExerciseResult(_Totalled):

    id: str
    title: str
    student_file: str | None = Field(None, description="the file that was graded, if found")
    file_choice: str = Field(
        "", description="why student_file was graded, when the submission had both a .py file and a notebook"
    )
    checks: list[CheckResult] = Field(default_factory=list)
    message: str = Field("", description="exercise-wide note, e.g. the file is missing")
    import_failure: ImportFailure | None = Field(
        None, description="set when the student's file could not be imported at all, and why"
    )
    comparison: dict[str, dict[str, float | str]] = Field(
        default_factory=dict, description="side-by-side figures some exercises report"
    )
    identical: IdenticalFiles | None = Field(
        None, description="set by `grader grade` when other submissions of the class held this same file"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def points_earned(self) -> float:
        return round(sum(c.points_earned for c in self.checks), 6)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def points_possible(self) -> float:
        return round(sum(c.points_possible for c in self.checks), 6)


class SubmissionReport(_Totalled):
    """Everything the grader decided about one submission folder."""

    grader_version: str
    submission: str = Field(description="the submission folder as given")
    student_id: str | None = None
    started_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    duration_s: float = 0.0
    exercises: list[ExerciseResult] = Field(default_factory=list)
    missing_protections: list[str] = Field(
        default_factory=list, description="protections of the sandbox this machine could not give (their ids)"
    )
    notes: list[str] = Field(
        default_factory=list, description="run-wide notes, e.g. a protection unavailable here"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def points_earned(self) -> float:
        return round(sum(e.points_earned for e in self.exercises), 6)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def points_possible(self) -> float:
        return round(sum(e.points_possible for e in self.exercises), 6)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def percent(self) -> float:
        if not self.points_possible:
            return 0.0
        return round(100.0 * self.points_earned / self.points_possible, 2)
