"""What an exercise is, as read from its `exercise.toml` manifest."""

from __future__ import annotations

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
