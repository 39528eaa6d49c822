"""JUnit XML: one <testsuite> per exercise, one <testcase> per check.

Follows the Ant/Jenkins JUnit schema that CI test reporters read: counts on every
suite, `classname`/`name`/`time` on every case, and a `failure` (wrong answer),
`error` (the student's code raised, crashed or ran out of time; or a grader fault,
typed `grader_error`) or `skipped` child for checks that did not pass. Points have
no place in the schema; they travel as suite properties. Hidden checks keep their
verdict but not their message: a CI log is something the student reads.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport
from grader.report.common import as_read, feedback, graded_file

_ERROR_STATUSES = (CheckStatus.ERROR, CheckStatus.TIMEOUT, CheckStatus.GRADER_ERROR)


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def _testcase(exercise: ExerciseResult, check: CheckResult) -> ET.Element:
    case = ET.Element(
        "testcase",
        name=check.title,
        classname=f"grader.{exercise.id}.{check.id}",
        time=_seconds(check.duration_s),
    )
    message = feedback(check)
    if check.status is CheckStatus.FAILED:
        child = ET.SubElement(case, "failure", message=_first_line(message), type="failed")
        child.text = message
    elif check.status in _ERROR_STATUSES:
        child = ET.SubElement(case, "error", message=_first_line(message), type=check.status.value)
        child.text = message
    elif check.status is CheckStatus.SKIPPED:
        ET.SubElement(case, "skipped", message=message)
    return case


def _counts(checks: list[CheckResult]) -> dict[str, str]:
    def count(*statuses: CheckStatus) -> str:
        return str(sum(1 for c in checks if c.status in statuses))

    return {
        "tests": str(len(checks)),
        "failures": count(CheckStatus.FAILED),
        "errors": count(*_ERROR_STATUSES),
        "skipped": count(CheckStatus.SKIPPED),
        "time": _seconds(sum(c.duration_s for c in checks)),
    }


def _testsuite(report: SubmissionReport, index: int, exercise: ExerciseResult) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        name=exercise.id,
        id=str(index),
        package="grader",
        timestamp=report.started_at.strftime("%Y-%m-%dT%H:%M:%S"),
        **_counts(exercise.checks),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("title", exercise.title),
        ("points_earned", f"{exercise.points_earned:g}"),
        ("points_possible", f"{exercise.points_possible:g}"),
        *([("graded_file", graded_file(exercise))] if graded_file(exercise) else []),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    for check in exercise.checks:
        suite.append(_testcase(exercise, check))
    if exercise.message:
        ET.SubElement(suite, "system-out").text = exercise.message
    return suite


def render(report: SubmissionReport, *, show_hidden: bool = False) -> str:
    report = as_read(report, show_hidden)
    all_checks = [c for e in report.exercises for c in e.checks]
    root = ET.Element("testsuites", name="grader", **_counts(all_checks))
    for index, exercise in enumerate(report.exercises):
        root.append(_testsuite(report, index, exercise))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

