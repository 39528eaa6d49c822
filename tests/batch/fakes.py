"""An in-process engine for the runner's tests: grades by reading a score out of the file."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from grader.batch.archive import extract_zip
from grader.batch.entries import locate_exercise_folder
from grader.batch.records import StudentRecord
from grader.batch.task import GradeTask
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport


def report_for(student_id: str, passed: list[bool]) -> SubmissionReport:
    checks = [
        CheckResult(id=f"check_{i}", title=f"check {i}", points_possible=1.0, points_earned=float(ok),
                    status=CheckStatus.PASSED if ok else CheckStatus.FAILED)
        for i, ok in enumerate(passed)
    ]
    return SubmissionReport(grader_version="test", submission=student_id, student_id=student_id,
                            exercises=[ExerciseResult(id="exercise_01", title="one", checks=checks)])


class FakeEngine:
    """A submission's exercise_01.py holds e.g. `110`: check i passes when digit i is 1."""

    def __init__(self) -> None:
        self.graded: list[str] = []

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
        for task in tasks:
            self.graded.append(task.student_id)
            source = Path(task.source)
            if source.suffix == ".zip":
                extract_zip(source, Path(task.work_dir))
                source = Path(task.work_dir)
            digits = (locate_exercise_folder(source) / "exercise_01.py").read_text().strip()
            report = report_for(task.student_id, [d == "1" for d in digits])
            yield StudentRecord.from_report(
                report, student_id=task.student_id, source=task.source,
                content_hash=task.content_hash, config_hash=task.config_hash, language=task.language,
            )
