"""results.json as the Gradescope autograder writes it: valid for every status, with the
course's visibility, late policy, leaderboard and named mistakes."""

from __future__ import annotations

import json

import pytest

from grader.models.manifest import GradescopeSettings, LatePolicy
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, NamedMistake, SubmissionReport
from grader.report import gradescope
from grader.report.gradescope import late_adjustment, results
from tests.report.gradescope_schema import errors
from tests.report.sample import sample_report


def _report(status: CheckStatus, **check) -> SubmissionReport:
    passed = status is CheckStatus.PASSED
    result = CheckResult(id="one", title="one check", status=status, points_possible=2,
                         points_earned=2 if passed else 0, message="" if passed else "what happened\nline two",
                         **check)
    return SubmissionReport(grader_version="0", submission="s",
                            exercises=[ExerciseResult(id="exercise_01", title="t", checks=[result])])


@pytest.mark.parametrize("status", list(CheckStatus))
@pytest.mark.parametrize("markdown", [False, True])
def test_every_status_gives_a_valid_results_json(status, markdown):
    data = json.loads(gradescope.dumps(results(_report(status), markdown=markdown)))
    assert errors(data) == []
    (test,) = data["tests"]
    assert test["status"] == ("passed" if status is CheckStatus.PASSED else "failed")
    assert test["score"] == (2 if status is CheckStatus.PASSED else 0) and test["max_score"] == 2


def test_the_sample_report_and_a_grader_failure_are_valid():
    from grader.release.gradescope_run import failure_results

    assert errors(json.loads(gradescope.render(sample_report()))) == []
    assert errors(results(sample_report(), markdown=True)) == []
    assert errors(failure_results("boom", 0.0)) == []


def test_the_validator_refuses_what_gradescope_does_not_document():
    assert errors({"score": 1, "tests": [{"status": "error"}]})
    assert errors({"score": "1"}) and errors({"tests": [{"name": "no score"}]}) and errors({"score": 1, "grade": 2})
    assert errors({"score": 1, "output_format": "markdown"})


def test_hidden_visibility_comes_from_the_course():
    report = _report(CheckStatus.FAILED, hidden=True)
    assert results(report)["tests"][0]["visibility"] == "after_published"
    settings = GradescopeSettings(hidden_visibility="after_due_date")
    assert results(report, settings, markdown=True)["tests"][0]["visibility"] == "after_due_date"
    assert results(_report(CheckStatus.FAILED), settings)["tests"][0]["visibility"] == "visible"


def test_markdown_output_keeps_multi_line_messages_and_tables():
    report = _report(CheckStatus.FAILED, mistakes=[NamedMistake(id="conv2d.kernel_flipped", title="flipped")])
    report.exercises[0].comparison = {"Net (yours)": {"test accuracy (%)": 98.5}, "Net (course)": {"test accuracy (%)": 99.1}}
    data = results(report, GradescopeSettings(leaderboard=True), markdown=True)
    assert data["output_format"] == data["tests"][0]["output_format"] == "md"
    assert "```\nwhat happened\nline two" in data["tests"][0]["output"]
    assert "| Net (yours) | 98.5 |" in data["output"]
    assert data["leaderboard"] == [{"name": "exercise_01 test accuracy (%)", "value": 98.5, "order": "desc"}]
    assert data["extra_data"]["mistakes"] == [{"exercise": "exercise_01", "check": "one",
                                               "id": "conv2d.kernel_flipped", "title": "flipped"}]
    assert "leaderboard" not in results(report, markdown=True)


def _metadata(created: str, late_due: str | None = "2026-03-05T23:59:00+00:00") -> dict:
    return {"created_at": created, "assignment": {"due_date": "2026-03-01T23:59:00+00:00", "late_due_date": late_due}}


def test_late_policies():
    per_day = LatePolicy(kind="per_day", penalty_percent=10, cap_percent=30)
    assert late_adjustment(per_day, _metadata("2026-03-01T20:00:00+00:00")).kept == 1.0
    assert late_adjustment(per_day, _metadata("2026-03-02T01:00:00+00:00")).kept == pytest.approx(0.9)
    assert late_adjustment(per_day, _metadata("2026-03-03T01:00:00+00:00")).kept == pytest.approx(0.8)
    assert late_adjustment(per_day, _metadata("2026-03-09T01:00:00+00:00")).kept == pytest.approx(0.7)  # the cap
    per_hour = LatePolicy(kind="per_hour", penalty_percent=1, zero_after_late_due=True)
    assert late_adjustment(per_hour, _metadata("2026-03-02T02:30:00-00:00")).kept == pytest.approx(0.97)
    assert late_adjustment(per_hour, _metadata("2026-03-06T00:00:00+00:00")).kept == 0.0
    zero = LatePolicy(kind="zero_after_late_due")
    assert late_adjustment(zero, _metadata("2026-03-04T00:00:00+00:00")).kept == 1.0
    assert late_adjustment(zero, _metadata("2026-03-06T00:00:00+00:00")).kept == 0.0
    assert late_adjustment(zero, _metadata("2026-03-09T00:00:00+00:00", late_due=None)).kept == 1.0
    assert late_adjustment(LatePolicy(), _metadata("2026-03-09T00:00:00+00:00")).kept == 1.0
    unknown = late_adjustment(per_day, {"assignment": {}})
    assert unknown.kept == 1.0 and "unknown" in unknown.note


def test_the_late_penalty_is_in_the_score_and_the_output():
    report = _report(CheckStatus.PASSED)
    late = late_adjustment(LatePolicy(kind="per_day", penalty_percent=25), _metadata("2026-03-02T01:00:00+00:00"))
    data = results(report, late=late, markdown=True)
    assert data["score"] == 1.5 and sum(t["score"] for t in data["tests"]) == 2
    assert "25%" in data["output"] and "1.5/2" in data["output"]
    assert data["extra_data"]["late"]["penalty_percent"] == 25 and errors(data) == []
