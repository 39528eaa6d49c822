"""A fixed SubmissionReport with every status, a hidden check, hostile text and notes."""

from __future__ import annotations

import base64
import html
from datetime import datetime, timezone

from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport


def sample_report() -> SubmissionReport:
    first = ExerciseResult(
        id="exercise_01",
        title="Convolution and pooling by hand",
        student_file="/submissions/alice/exercise_01.py",
        checks=[
            CheckResult(id="corr2d_lecture_example", title="corr2d: the lecture's example",
                        status=CheckStatus.PASSED, points_earned=2, points_possible=2, duration_s=0.0123),
            CheckResult(id="conv2d_padding", title="conv2d: padding=1",
                        status=CheckStatus.FAILED, points_possible=2, duration_s=0.02,
                        message="conv2d(...) has shape (1, 1, 3, 3), expected (1, 1, 5, 5)\n"
                        "expected | got\n<script>alert(1)</script> & `code`"),
            CheckResult(id="conv2d_random", title="conv2d: random inputs",
                        status=CheckStatus.ERROR, points_possible=3, duration_s=0.5,
                        message="conv2d(x, w) raised ZeroDivisionError: division by zero"),
            CheckResult(id="max_pool", title="max_pool2d: stride 2",
                        status=CheckStatus.TIMEOUT, points_possible=1, duration_s=10.0,
                        message="max_pool2d(x) did not finish within the time limit (10 s)"),
            CheckResult(id="secret_edge_case", title="conv2d: a secret edge case",
                        status=CheckStatus.FAILED, points_possible=2, duration_s=0.01, hidden=True,
                        message="conv2d(x, w) with a 1x1 input gives 0.5, expected 1.5"),
            CheckResult(id="secret_bonus", title="conv2d: secret bonus",
                        status=CheckStatus.PASSED, points_earned=1.5, points_possible=1.5,
                        duration_s=0.01, hidden=True),
        ],
    )
    second = ExerciseResult(
        id="exercise_02",
        title="Layer shapes and costs",
        student_file=None,
        checks=[
            CheckResult(id="conv_output_size", title="conv_output_size", status=CheckStatus.SKIPPED,
                        points_possible=1, message="MNIST is not available here"),
            CheckResult(id="collection", title="checks could not be loaded",
                        status=CheckStatus.GRADER_ERROR, points_possible=0,
                        message="the grader's checks for this exercise failed to load"),
        ],
        message="exercise_02.py (or exercise_02.ipynb) not found in /submissions/alice",
    )
    return SubmissionReport(
        grader_version="0.1.0",
        submission="/submissions/alice",
        student_id="alice",
        started_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        duration_s=12.345,
        exercises=[first, second],
        notes=["the sandbox was restarted 1 time(s) after student code killed it"],
    )


def all_passed_report() -> SubmissionReport:
    report = sample_report()
    exercise = report.exercises[0].model_copy(
        update={"checks": [report.exercises[0].checks[0]]}
    )
    return report.model_copy(update={"exercises": [exercise], "notes": []})


def readable(format_name: str, text: str) -> str:
    """A renderer's text as a person would search it: classroom's is base64 JSON, and
    html's is escaped."""
    if format_name == "classroom":
        return base64.b64decode(text).decode("utf-8")
    return html.unescape(text) if format_name == "html" else text
