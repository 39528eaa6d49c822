"""Gradescope's results.json: the autograder output format Gradescope documents.

Top level: `score` (what the submission earned), `output` (notes about the whole
submission) and `tests`, one per check, each with `score`, `max_score`, `name`,
`number`, `output`, `status` ("passed" or "failed") and `visibility`. A hidden
check is `after_published`: Gradescope shows it to students only once the
instructor publishes the grades, and always to the instructor, so its message is
kept here rather than withheld.

The `output` texts are what a student reads: their verdict word and score line are in
the active language. Field names and `status`/`visibility` values stay as Gradescope
defines them.
"""

from __future__ import annotations

import json
from typing import Any

from grader.models.results import CheckResult, CheckStatus, SubmissionReport
from grader.report.common import feedback, graded_file, report_notes, score_line, status_word


def _test(exercise_number: int, check_number: int, exercise_id: str, check: CheckResult) -> dict[str, Any]:
    verdict = status_word(check.status)
    message = feedback(check)
    output = f"{verdict}: {message}" if message else verdict
    return {
        "name": f"{exercise_id}: {check.title}",
        "number": f"{exercise_number}.{check_number}",
        "score": check.points_earned,
        "max_score": check.points_possible,
        "status": "passed" if check.status is CheckStatus.PASSED else "failed",
        "output": output,
        "visibility": "after_published" if check.hidden else "visible",
    }


def render(report: SubmissionReport, *, show_hidden: bool = True) -> str:
    del show_hidden  # always whole: the visibility field keeps hidden checks from students
    tests = [
        _test(e_index, c_index, exercise.id, check)
        for e_index, exercise in enumerate(report.exercises, start=1)
        for c_index, check in enumerate(exercise.checks, start=1)
    ]
    # Which file was graded, when a submission had both: first, where the student reads.
    choices = [f"{e.id}: {graded_file(e)}" for e in report.exercises if graded_file(e)]
    output = "\n".join([*choices, *report_notes(report)])
    summary = score_line(report.points_earned, report.points_possible, report.percent)
    results: dict[str, Any] = {
        "score": report.points_earned,
        "execution_time": round(report.duration_s),
        "output": f"{summary}\n{output}" if output else summary,
        "tests": tests,
    }
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"
