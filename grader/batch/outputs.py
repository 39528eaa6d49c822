"""Files for the instructor and the students, all derived from the gradebook's records.

    grades.csv          one row per student: id, name, email, per-exercise points,
                        total, max, percent, status, message (LMS import)
    reports/<id>.json   the student's full record, with the report `grader check` makes
    feedback/<id>.md    feedback the student reads without the tool
    summary.json/.svg   the class summary and its chart
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from grader.batch.chart import render_svg
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.roster import RosterEntry
from grader.batch.summary import ClassSummary
from grader.report.files import write_atomically as _write
from grader.report import RENDERERS

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def safe_file_name(student_id: str) -> str:
    """A file name for the id; ids that needed changing get a short hash to stay unique."""
    cleaned = _UNSAFE.sub("_", student_id).lstrip(".") or "_"
    if cleaned == student_id:
        return cleaned
    return f"{cleaned[:80]}-{hashlib.sha256(student_id.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"




def grades_csv(records: list[StudentRecord], roster: dict[str, RosterEntry], exercise_ids: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student_id", "name", "email", *exercise_ids, "total", "max_total", "percent", "status", "message"])
    for record in records:
        person = roster.get(record.student_id, RosterEntry(record.student_id))
        writer.writerow([
            record.student_id,
            person.name,
            person.email,
            *[f"{record.exercise_points.get(e, 0.0):g}" for e in exercise_ids],
            f"{record.points_earned:g}",
            f"{record.points_possible:g}",
            f"{record.percent:g}",
            record.status.value,
            record.message.replace("\n", " "),
        ])
    return buffer.getvalue()


def feedback_markdown(record: StudentRecord) -> str:
    if record.status is StudentStatus.GRADED and record.report is not None:
        return RENDERERS["markdown"](record.report)
    headline = {
        StudentStatus.MISSING: "No submission was received.",
        StudentStatus.INVALID: "Your submission could not be graded.",
        StudentStatus.GRADER_ERROR: "The grader failed on your submission; this is not your fault "
        "and the course staff will look into it.",
    }.get(record.status, "")
    lines = [f"## Grader report for {record.student_id}: 0 points", "", headline]
    if record.message and record.status is not StudentStatus.MISSING:
        lines += ["", f"> {record.message}"]
    return "\n".join(lines) + "\n"


def write_outputs(out: Path, records: list[StudentRecord], roster: dict[str, RosterEntry],
                  exercise_ids: list[str]) -> dict[str, Path]:
    """Write every output file; the paths by kind."""
    paths = {"grades": out / "grades.csv", "reports": out / "reports", "feedback": out / "feedback"}
    _write(paths["grades"], grades_csv(records, roster, exercise_ids))
    for record in records:
        name = safe_file_name(record.student_id)
        _write(paths["reports"] / f"{name}.json", record.model_dump_json(indent=2) + "\n")
        _write(paths["feedback"] / f"{name}.md", feedback_markdown(record))
    return paths


def write_summary(out: Path, summary: ClassSummary) -> dict[str, Path]:
    paths = {"summary": out / "summary.json", "chart": out / "summary.svg"}
    _write(paths["summary"], summary.model_dump_json(indent=2) + "\n")
    _write(paths["chart"], render_svg(summary))
    return paths
