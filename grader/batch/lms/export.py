"""The gradebook in the form an LMS imports: Canvas's gradebook CSV, Moodle's grading worksheet.

    Canvas  grades-canvas.csv: Student, ID, SIS User ID, SIS Login ID, Section, then one
            column "<assignment> (<assignment id>)" (Canvas's own heading: with the id,
            the import updates that assignment; a new name makes a new assignment), and
            a "Points Possible" row. Canvas matches a row by ID, SIS User ID or SIS Login
            ID. Submission comments cannot be imported from files: each student's page is
            written to canvas-feedback/<name>_<canvas id>_feedback.html to attach by hand.
    Moodle  grades-moodle.csv: the offline grading worksheet (Identifier "Participant N",
            Full name, Email address, Status, Grade, Maximum Grade, Grade can be changed,
            Last modified (submission), Last modified (grade), Feedback comments), and
            moodle-feedback.zip: a folder per participant named as Moodle names them in its
            download (`<Full Name>_<id>_assignsubmission_file_/feedback.html`), for
            "Upload multiple feedback files in a zip".

A student the platform cannot be told about (no Canvas or SIS id, no Moodle participant
id) is left out of the file and named in the notes. A grader error exports no grade
(an empty cell), never a zero.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from grader.batch.lms.download import Platform
from grader.batch.lms.moodle import folder_name
from grader.batch.names import safe_file_name
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.roster import RosterEntry
from grader.i18n import tr, use_language
from grader.report.files import write_atomically

EXPORTS = (Platform.CANVAS, Platform.MOODLE)


@dataclass(frozen=True)
class ExportOptions:
    platform: Platform
    assignment_name: str = "grader"
    assignment_id: str = ""  # Canvas: the assignment's id, so the import updates it
    max_grade: float | None = None  # scale the total to this many points (the LMS assignment's maximum)


@dataclass(frozen=True)
class Exported:
    paths: dict[str, Path]
    left_out: list[str]  # students not in the file, and why


def _person(record: StudentRecord, roster: dict[str, RosterEntry]) -> RosterEntry:
    return roster.get(record.student_id, RosterEntry(record.student_id))


def _platform_id(record: StudentRecord, person: RosterEntry, platform: Platform) -> str:
    if platform.value in person.platform_ids:
        return person.platform_ids[platform.value]
    if record.lms is not None and record.lms.platform == platform.value:
        return record.lms.user_id
    return ""


def _name(record: StudentRecord, person: RosterEntry) -> str:
    return person.name or (record.lms.name if record.lms else "") or record.student_id


def _maximum(records: list[StudentRecord], options: ExportOptions) -> float:
    return options.max_grade if options.max_grade is not None else max((r.points_possible for r in records), default=0.0)


def grade_of(record: StudentRecord, options: ExportOptions) -> float | None:
    """The points the LMS gets; None for a grader error (no grade beats a wrong zero)."""
    if record.status is StudentStatus.GRADER_ERROR:
        return None
    if options.max_grade is None:
        return record.points_earned
    return round(options.max_grade * record.points_earned / record.points_possible, 2) if record.points_possible else 0.0


def canvas_column(options: ExportOptions) -> str:
    return f"{options.assignment_name} ({options.assignment_id})" if options.assignment_id else options.assignment_name


def canvas_csv(records: list[StudentRecord], roster: dict[str, RosterEntry], options: ExportOptions
               ) -> tuple[str, list[str]]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", canvas_column(options)])
    writer.writerow(["    Points Possible", "", "", "", "", f"{_maximum(records, options):g}"])
    left_out = []
    for record in records:
        person = _person(record, roster)
        canvas_id = _platform_id(record, person, Platform.CANVAS)
        if not (canvas_id or person.sis_user_id or person.sis_login_id):
            left_out.append(tr("{student}: no Canvas id or SIS id (add canvas_id to the roster)",
                               student=record.student_id))
            continue
        grade = grade_of(record, options)
        writer.writerow([_name(record, person), canvas_id, person.sis_user_id, person.sis_login_id, person.section,
                         "" if grade is None else f"{grade:g}"])
    return buffer.getvalue(), left_out


def _moodle_date(record: StudentRecord) -> str:
    """As Moodle writes its worksheet's dates: "Monday, 7 December 2026, 6:56 AM" (UTC)."""
    when = record.graded_at
    return f"{when:%A}, {when.day} {when:%B %Y}, {when.hour % 12 or 12}:{when:%M %p}"


def moodle_csv(records: list[StudentRecord], roster: dict[str, RosterEntry], options: ExportOptions,
               course_locale: Path | None = None) -> tuple[str, list[str]]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                     "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                     "Feedback comments"])
    maximum = _maximum(records, options)
    left_out = []
    for record in records:
        person = _person(record, roster)
        participant = _platform_id(record, person, Platform.MOODLE)
        if not participant:
            left_out.append(tr("{student}: no Moodle participant id (add moodle_id to the roster)",
                               student=record.student_id))
            continue
        grade = grade_of(record, options)
        submitted = "No submission" if record.status is StudentStatus.MISSING else "Submitted for grading"
        with use_language(record.language, course_locale):
            comment = tr("{earned} / {possible} points; the full report is in the feedback file.",
                         earned=f"{grade:g}" if grade is not None else "-", possible=f"{maximum:g}")
            if record.status is not StudentStatus.GRADED and record.message:
                comment = f"{comment} {record.message}"
        writer.writerow([f"Participant {participant}", _name(record, person), person.email, submitted,
                         "" if grade is None else f"{grade:.2f}", f"{maximum:.2f}", "Yes", "",
                         _moodle_date(record), comment.replace("\n", " ")])
    return buffer.getvalue(), left_out


def _feedback_page(feedback: Path, record: StudentRecord) -> Path | None:
    page = feedback / f"{safe_file_name(record.student_id)}.html"
    return page if page.is_file() else None


def write_export(out: Path, records: list[StudentRecord], roster: dict[str, RosterEntry], options: ExportOptions,
                 course_locale: Path | None = None) -> Exported:
    """Write the platform's files into `out` (beside feedback/, which write_outputs wrote)."""
    feedback = out / "feedback"
    if options.platform is Platform.CANVAS:
        text, left_out = canvas_csv(records, roster, options)
        paths = {"canvas": out / "grades-canvas.csv", "canvas_feedback": out / "canvas-feedback"}
        write_atomically(paths["canvas"], text)
        for record in records:
            person = _person(record, roster)
            page = _feedback_page(feedback, record)
            if page is None:
                continue
            canvas_id = _platform_id(record, person, Platform.CANVAS) or safe_file_name(record.student_id)
            name = re.sub(r"[^0-9a-z]", "", _name(record, person).casefold()) or "student"
            write_atomically(paths["canvas_feedback"] / f"{name}_{canvas_id}_feedback.html",
                             page.read_text(encoding="utf-8"))
        return Exported(paths, left_out)
    text, left_out = moodle_csv(records, roster, options, course_locale)
    paths = {"moodle": out / "grades-moodle.csv", "moodle_feedback": out / "moodle-feedback.zip"}
    write_atomically(paths["moodle"], text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            person = _person(record, roster)
            participant = _platform_id(record, person, Platform.MOODLE)
            page = _feedback_page(feedback, record)
            if participant and page is not None:
                name = (record.lms.name if record.lms and record.lms.platform == "moodle" else "") or person.name
                archive.writestr(f"{folder_name(name, participant)}/feedback.html", page.read_bytes())
    paths["moodle_feedback"].write_bytes(buffer.getvalue())
    return Exported(paths, left_out)
