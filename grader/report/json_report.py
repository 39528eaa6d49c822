"""The JSON report: the result model itself, serialised."""

from __future__ import annotations

from grader.models.results import SubmissionReport


def render(report: SubmissionReport) -> str:
    return report.model_dump_json(indent=2) + "\n"
