"""One student's row in the gradebook: what happened to their submission, and the report."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from grader.i18n import N_, tr
from grader.models.results import SubmissionReport


class StudentStatus(str, Enum):
    GRADED = "graded"  # the checks ran; the score may be anything
    MISSING = "missing"  # on the roster, nothing submitted
    INVALID = "invalid"  # could not be read: corrupt or unsafe zip, unreadable file, duplicate
    GRADER_ERROR = "grader_error"  # the grader failed on it; retried on the next run


_STATUS_WORDS = {
    StudentStatus.GRADED.value: N_("graded"),
    StudentStatus.MISSING.value: N_("missing"),
    StudentStatus.INVALID.value: N_("invalid"),
    StudentStatus.GRADER_ERROR.value: N_("grader error"),
}


def status_word(status: "StudentStatus | str") -> str:
    """The status as the instructor reads it (grades.csv keeps the value itself)."""
    value = status.value if isinstance(status, StudentStatus) else status
    word = _STATUS_WORDS.get(value)
    return tr(word) if word else value


class LmsOrigin(BaseModel):
    """Where a submission came from in an LMS's bulk download (`grader grade --from ...`)."""

    model_config = ConfigDict(extra="forbid")

    platform: str = Field(description="canvas, moodle or gradescope")
    user_id: str = Field("", description="the platform's id of the student (Canvas user id, Moodle participant id, "
                                         "Gradescope sid or email)")
    name: str = Field("", description="the student's name as the download spells it")
    submission_id: str = Field("", description="the platform's submission (Canvas) or folder (Gradescope, Moodle)")
    late: bool = Field(False, description="the platform marked the submission late (Canvas: `late_`)")
    matched: bool = Field(True, description="found on the roster; False: graded under a fallback id")
    files: list[str] = Field(default_factory=list, description="the download's names graded as this submission")


class StudentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    student_id: str
    status: StudentStatus
    message: str = Field("", description="why it is not graded, and what to do")
    source: str = Field("", description="the folder or .zip that was graded")
    content_hash: str = ""
    config_hash: str = Field("", description="grader version, checks, solutions and limits")
    language: str = Field("en", description="the language of the student's feedback (messages and report)")
    points_earned: float = 0.0
    points_possible: float = 0.0
    exercise_points: dict[str, float] = Field(default_factory=dict)
    report: SubmissionReport | None = None
    lms: LmsOrigin | None = Field(None, description="where it came from in an LMS's download")
    graded_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    duration_s: float = 0.0

    @property
    def percent(self) -> float:
        if not self.points_possible:
            return 0.0
        return round(100.0 * self.points_earned / self.points_possible, 2)

    def to_json(self) -> str:
        """JSON that `from_json` reads back: for the gradebook and the trip from a worker."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | bytes) -> "StudentRecord":
        return cls.model_validate_json(text)

    @classmethod
    def from_report(cls, report: SubmissionReport, **fields: object) -> "StudentRecord":
        return cls(
            status=StudentStatus.GRADED,
            points_earned=report.points_earned,
            points_possible=report.points_possible,
            exercise_points={e.id: e.points_earned for e in report.exercises},
            report=report,
            duration_s=report.duration_s,
            **fields,  # type: ignore[arg-type]
        )
