"""What an exercise is, as read from its `exercise.toml` manifest."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class CheckLimits(BaseModel):
    """Resource limits for the child process that runs student code during one check.

    Defaults are generous for exercises 01-04 and are raised per exercise in its
    manifest (training checks need minutes, not seconds).
    """

    model_config = ConfigDict(extra="forbid")

    timeout_s: float = Field(10.0, gt=0, description="wall time for one check")
    cpu_s: float | None = Field(
        None, gt=0, description="CPU time for one check; default: timeout_s x the number of cores"
    )
    memory_mb: int = Field(4096, gt=0, description="address space of the child, MiB")
    file_mb: int = Field(
        64, gt=0, description="largest file, and the printed output, the child may write, MiB"
    )
    processes: int = Field(128, gt=0, description="processes and threads the child may own")
    reply_mb: int = Field(
        16, gt=0, le=128,
        description="largest answer one call may send back, MiB: reading, decoding and comparing it is the "
        "grading process's cost, so a check that needs more (a big state_dict) says so",
    )

    def merged(self, **overrides: float | int | None) -> "CheckLimits":
        """A copy with the given non-None fields replaced."""
        changes = {k: v for k, v in overrides.items() if v is not None}
        # Validated, not model_copy(update=...): an override breaks the same rules a manifest must keep.
        return CheckLimits.model_validate({**self.model_dump(), **changes})


class ExerciseManifest(BaseModel):
    """One exercise: discovered from `checks/<id>/exercise.toml`, never listed in code."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    student_file: str = Field(description="file name the student edits, e.g. exercise_01.py")
    solution_file: str
    description: str = ""
    needs_data: list[str] = Field(default_factory=list, description="datasets, e.g. ['mnist']")
    limits: CheckLimits = Field(default_factory=CheckLimits)
    sandbox_preload: list[str] = Field(
        default_factory=list,
        description="modules the sandbox imports once before forking this exercise's workers "
        "(e.g. torch._dynamo, which building a first optimizer imports: ~1 s in every worker)",
    )
    submission_timeout_s: float = Field(
        600.0, gt=0, description="wall time for all checks of this exercise together"
    )

    @field_validator("sandbox_preload")
    @classmethod
    def _module_names(cls, names: list[str]) -> list[str]:
        for name in names:
            if not name.replace("_", "a").replace(".", "a").isalnum() or name.startswith("."):
                raise ValueError(f"{name!r} is not a module name")
        return names


class CourseInfo(BaseModel):
    """The `[course]` table of course.toml: what the course is and which engine it needs."""

    model_config = ConfigDict(extra="forbid")

    title: str
    version: str = "0"
    language: str = Field("en", description="the language the course is taught in (e.g. zh)")
    engine: str = Field("", description="grader versions this course works with, e.g. '>=0.2,<0.3'")
    exercise_shorthand: str = Field(
        "", description="what a bare number means on the command line, e.g. 'exercise_{:02d}': "
        "`grader check 3` then checks exercise_03"
    )

    @field_validator("engine")
    @classmethod
    def _specifier(cls, text: str) -> str:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            SpecifierSet(text)
        except InvalidSpecifier as exc:
            raise ValueError(f"{text!r} is not a version specifier such as '>=0.2,<0.3'") from exc
        return text

    @field_validator("exercise_shorthand")
    @classmethod
    def _shorthand(cls, text: str) -> str:
        if text:
            try:
                text.format(1)
            except (IndexError, KeyError, ValueError) as exc:
                raise ValueError(f"{text!r} is not a format for one number, e.g. 'exercise_{{:02d}}'") from exc
        return text


class ReleaseInfo(BaseModel):
    """The `[release]` table a student kit's course.toml carries (absent in the instructor's)."""

    model_config = ConfigDict(extra="forbid")

    content_hash: str = Field(description="sha256 of the kit's files other than course.toml")
    engine_version: str = Field(description="the grader version the kit was released with")


class LatePolicy(BaseModel):
    """`[gradescope.late_policy]`: what a late submission loses on Gradescope (read from
    the submission's metadata: its time, the due date and the late due date).

    kind "none": nothing; "per_day"/"per_hour": `penalty_percent` of the score for each
    started day/hour after the due date, at most `cap_percent`; "zero_after_late_due":
    nothing until the late due date, zero after it. Past the late due date a "per_day" or
    "per_hour" policy also gives zero when `zero_after_late_due` is true."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["none", "per_day", "per_hour", "zero_after_late_due"] = "none"
    penalty_percent: float = Field(0.0, ge=0, le=100, description="percent of the score lost per day or hour late")
    cap_percent: float = Field(100.0, ge=0, le=100, description="the most a late submission loses, percent")
    zero_after_late_due: bool = Field(False, description="per_day/per_hour: zero after the late due date")


class GradescopeSettings(BaseModel):
    """`[gradescope]` in course.toml: how `grader autograder gradescope`'s results read."""

    model_config = ConfigDict(extra="forbid")

    hidden_visibility: Literal["after_due_date", "after_published", "hidden"] = Field(
        "after_published", description="when students see a hidden check's result (Gradescope's visibility)")
    leaderboard: bool = Field(False, description="post each exercise's test accuracy (exercises 05/06) "
                                                 "to the assignment's leaderboard")
    late_policy: LatePolicy = Field(default_factory=LatePolicy)


class CourseManifest(BaseModel):
    """course.toml: marks a folder as a course and says what it needs."""

    model_config = ConfigDict(extra="forbid")

    course: CourseInfo
    # [data.<name>]: each data set's settings (e.g. [data.mnist] mean and std), as read:
    # the data set's provider validates its own table (grader.data.providers).
    data: dict[str, dict[str, Any]] = Field(default_factory=dict)
    release: ReleaseInfo | None = None
    gradescope: GradescopeSettings = Field(default_factory=GradescopeSettings)
