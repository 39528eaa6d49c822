"""Files for the instructor and the students, all derived from the gradebook's records.

    grades.csv          one row per student: id, name, email, per-exercise points,
                        total, max, percent, status, message (LMS import); its
                        headers in the instructor's language, its values as stored
    reports/<id>.json   the student's full record, with the report `grader check` makes
    feedback/<id>.md    feedback the student reads without the tool, in the student's language
    feedback/<id>.html  the same as one self-contained page (print-friendly)
    summary.json/.svg   the class summary and its chart
    index.html          the class dashboard, linking to each feedback/<id>.html (and to
                        similarity.html, written by grader.similarity, when given its report)
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from grader.batch.chart import render_svg
from grader.batch.dashboard import render_dashboard
from grader.batch.names import safe_file_name
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.roster import RosterEntry
from grader.batch.summary import ClassSummary
from grader.i18n import N_, tr, use_language
from grader.report.files import write_atomically as _write
from grader.report import RENDERERS
from grader.report.html_page import esc, page

if TYPE_CHECKING:
    from grader.similarity.model import SimilarityReport


def grades_csv(records: list[StudentRecord], roster: dict[str, RosterEntry], exercise_ids: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([tr("student_id"), tr("name"), tr("email"), *exercise_ids, tr("total"), tr("max_total"),
                     tr("percent"), tr("status"), tr("message")])
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


_HEADLINES = {
    StudentStatus.MISSING: N_("No submission was received."),
    StudentStatus.INVALID: N_("Your submission could not be graded."),
    StudentStatus.GRADER_ERROR: N_("The grader failed on your submission; this is not your fault "
                                   "and the course staff will look into it."),
}


def _headline(record: StudentRecord) -> str:
    headline = _HEADLINES.get(record.status)
    return tr(headline) if headline else ""


def feedback_markdown(record: StudentRecord) -> str:
    if record.status is StudentStatus.GRADED and record.report is not None:
        return RENDERERS["markdown"](record.report)
    lines = [tr("## Grader report for {student}: 0 points", student=record.student_id), "", _headline(record)]
    if record.message and record.status is not StudentStatus.MISSING:
        lines += ["", f"> {record.message}"]
    return "\n".join(lines) + "\n"


def feedback_html(record: StudentRecord) -> str:
    if record.status is StudentStatus.GRADED and record.report is not None:
        return RENDERERS["html"](record.report)
    title = tr("Grader report for {student}", student=record.student_id)
    body = [f"<header><h1>{esc(title)}</h1>",
            f'<p class="lead"><strong class="total">{esc(tr("0 points"))}</strong></p></header>',
            f"<p>{esc(_headline(record))}</p>"]
    if record.message and record.status is not StudentStatus.MISSING:
        body.append(f'<p class="note message">{esc(record.message)}</p>')
    return page(title, "\n".join(body))


def write_outputs(out: Path, records: list[StudentRecord], roster: dict[str, RosterEntry],
                  exercise_ids: list[str], course_locale: Path | None = None) -> dict[str, Path]:
    """Write every output file; the paths by kind. Each student's feedback is written in
    the language the student was graded in (`course_locale`: the course's catalogs)."""
    paths = {"grades": out / "grades.csv", "reports": out / "reports", "feedback": out / "feedback"}
    _write(paths["grades"], grades_csv(records, roster, exercise_ids))
    for record in records:
        name = safe_file_name(record.student_id)
        _write(paths["reports"] / f"{name}.json", record.model_dump_json(indent=2) + "\n")
        with use_language(record.language, course_locale):
            _write(paths["feedback"] / f"{name}.md", feedback_markdown(record))
            _write(paths["feedback"] / f"{name}.html", feedback_html(record))
    return paths


def write_summary(out: Path, summary: ClassSummary, records: list[StudentRecord],
                  roster: dict[str, RosterEntry], exercise_ids: list[str],
                  generated_at: datetime | None = None,
                  similarity: "SimilarityReport | None" = None) -> dict[str, Path]:
    paths = {"summary": out / "summary.json", "chart": out / "summary.svg", "dashboard": out / "index.html"}
    _write(paths["summary"], summary.model_dump_json(indent=2) + "\n")
    _write(paths["chart"], render_svg(summary))
    when = generated_at or datetime.now(timezone.utc)
    _write(paths["dashboard"], render_dashboard(records, summary, roster, exercise_ids, when, similarity))
    return paths
