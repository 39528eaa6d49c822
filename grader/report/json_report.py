"""The JSON report: the result model itself, serialised (the student's copy unless
`show_hidden`)."""

from __future__ import annotations

from grader.models.results import SubmissionReport
from grader.report.common import as_read


def render(report: SubmissionReport, *, show_hidden: bool = False) -> str:
    return as_read(report, show_hidden).model_dump_json(indent=2) + "\n"
