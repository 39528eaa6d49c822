"""Each format checked against the rules of the consumer that reads it."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET

import pytest

from grader.cli import FORMATS
from grader.models.results import CheckStatus
from grader.report import RENDERERS, classroom, gradescope, junit, markdown
from tests.report.sample import all_passed_report, readable, sample_report

# The Ant/Jenkins JUnit schema's required attributes.
SUITE_REQUIRED = {"name", "tests", "failures", "errors", "time", "timestamp"}
CASE_REQUIRED = {"name", "classname", "time"}


def test_cli_format_choices_are_the_renderers_plus_terminal() -> None:
    assert set(FORMATS) == {"terminal", *RENDERERS}


# -- JUnit ------------------------------------------------------------------------------
def test_junit_parses_and_counts_match_the_cases() -> None:
    report = sample_report()
    root = ET.fromstring(junit.render(report))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["exercise_01", "exercise_02"]
    for suite in suites:
        assert SUITE_REQUIRED <= set(suite.attrib), suite.attrib
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
        assert int(suite.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None)
        for case in cases:
            assert CASE_REQUIRED <= set(case.attrib)
            float(case.get("time"))
            outcomes = [child for child in case if child.tag in ("failure", "error", "skipped")]
            assert len(outcomes) <= 1
            for child in outcomes:
                if child.tag != "skipped":
                    assert child.get("type") and child.get("message") is not None
    assert int(root.get("tests")) == 8
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("2", "3", "1")
    assert ET.fromstring(junit.render(all_passed_report())).get("failures") == "0"


def test_junit_withholds_hidden_messages_and_types_errors() -> None:
    root = ET.fromstring(junit.render(sample_report()))
    cases = {c.get("classname").rsplit(".", 1)[1]: c for c in root.iter("testcase")}
    secret = cases["secret_edge_case"].find("failure")
    assert secret.get("message") == "hidden" and "1.5" not in (secret.text or "")
    assert cases["max_pool"].find("error").get("type") == "timeout"
    assert cases["collection"].find("error").get("type") == "grader_error"
    assert cases["conv2d_padding"].find("failure").get("message").startswith("conv2d(...) has shape")


# -- Gradescope --------------------------------------------------------------------------
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def test_gradescope_follows_the_documented_field_rules() -> None:
    report = sample_report()
    data = json.loads(gradescope.render(report))
    assert isinstance(data["score"], (int, float)) and data["score"] == report.points_earned == 3.5
    assert isinstance(data["execution_time"], int)
    assert isinstance(data["output"], str) and "exercise_02.py" in data["output"]
    assert len(data["tests"]) == 8
    for test in data["tests"]:
        assert set(test) <= {"score", "max_score", "status", "name", "name_format", "number",
                             "output", "output_format", "tags", "visibility", "extra_data"}
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in {"passed", "failed"}
        assert test["visibility"] in VISIBILITIES
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
    assert sum(t["score"] for t in data["tests"]) == data["score"]
    by_name = {t["name"]: t for t in data["tests"]}
    secret = by_name["exercise_01: conv2d: a secret edge case"]
    assert secret["visibility"] == "after_published" and secret["status"] == "failed"
    assert by_name["exercise_01: corr2d: the lecture's example"]["visibility"] == "visible"
    assert [t["number"] for t in data["tests"]][:2] == ["1.1", "1.2"]


# -- GitHub Classroom --------------------------------------------------------------------
def _decode(text: str) -> dict:
    return json.loads(base64.b64decode(text.strip(), validate=True).decode("utf-8"))


def test_classroom_result_is_the_runner_protocol() -> None:
    report = sample_report()
    payload = _decode(classroom.render(report))
    assert set(payload) == {"version", "status", "max_score", "tests"}
    assert payload["version"] == 1 and payload["max_score"] == report.points_possible
    assert payload["status"] == "error"  # a grader error is not the student's fail
    fields = {"name", "status", "message", "test_code", "filename", "line_no", "execution_time", "score"}
    for test in payload["tests"]:
        assert set(test) == fields
        assert test["status"] in {"pass", "fail", "error"}
        assert re.fullmatch(r"\d+\.\d\ds", test["execution_time"])
    # The reporter sums the tests' scores against max_score.
    assert sum(t["score"] for t in payload["tests"]) == report.points_earned
    secret = next(t for t in payload["tests"] if "secret edge" in t["name"])
    assert secret["message"] == "hidden"
    assert _decode(classroom.render(all_passed_report()))["status"] == "pass"


def test_classroom_status_is_fail_when_a_check_fails_without_grader_error() -> None:
    report = sample_report()
    report.exercises.pop()  # drops the grader error
    assert _decode(classroom.render(report))["status"] == "fail"


# -- Markdown ----------------------------------------------------------------------------
def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_table_rows_survive_hostile_messages() -> None:
    text = markdown.render(sample_report())
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + 8  # two headers, eight checks
    assert all(_unescaped_pipes(line) == 5 for line in rows)
    assert "<script>" not in text and "&lt;script>alert(1)&lt;/script> & \\`code\\`" in text
    assert "1.5, expected" not in text  # the hidden check's message
    assert "| conv2d: a secret edge case | FAIL | 0/2 | hidden |" in text
    assert text.startswith("## Grader report for alice: 3.5/12.5 points (28%)")


def test_markdown_shows_arrows_comparisons_and_ampersands_as_written() -> None:
    assert markdown.escape_cell("MLP: attributes hidden (10 -> 128)") == "MLP: attributes hidden (10 -> 128)"
    assert markdown.escape_cell("a < b & c > d") == "a < b & c > d"
    assert markdown.escape_cell("<b>bold</b> &lt;") == "&lt;b>bold&lt;/b> &amp;lt;"


def test_markdown_statuses_cover_every_check_status() -> None:
    text = markdown.render(sample_report())
    for word in ("PASS", "FAIL", "ERROR", "TIMEOUT", "NOT RUN", "GRADER ERROR"):
        assert f"| {word} |" in text
    assert {c.status for e in sample_report().exercises for c in e.checks} == set(CheckStatus)


def test_json_carries_named_mistakes_as_data() -> None:
    from grader.models.results import NamedMistake, SubmissionReport
    from grader.report import json_report

    report = sample_report()
    check = report.exercises[0].checks[1]
    check.mistakes = [NamedMistake(id="conv2d.padding_ignored", title="conv2d ignores the padding",
                                   message=check.message)]
    data = json.loads(json_report.render(report))
    (mistake,) = data["exercises"][0]["checks"][1]["mistakes"]
    assert mistake == {"id": "conv2d.padding_ignored", "title": "conv2d ignores the padding", "message": check.message}
    assert SubmissionReport.model_validate(data).exercises[0].checks[1].mistakes == check.mistakes


@pytest.mark.parametrize("format_name", sorted(set(RENDERERS) - {"json"}))
def test_every_text_format_names_the_mistake_a_check_recognised(format_name: str) -> None:
    from grader.models.results import NamedMistake

    report = sample_report()
    check = report.exercises[0].checks[1]
    assert check.status is CheckStatus.FAILED
    check.mistakes = [NamedMistake(id="conv2d.padding_ignored", title="conv2d ignores the padding",
                                   message=check.message)]
    named = readable(format_name, RENDERERS[format_name](report))
    plain = readable(format_name, RENDERERS[format_name](sample_report()))
    assert "Recognised mistake: conv2d ignores the padding" in named
    assert "Recognised mistake" not in plain


def test_the_terminal_names_the_mistake_under_the_message() -> None:
    import io

    from rich.console import Console

    from grader.models.results import NamedMistake
    from grader.report.terminal import render_terminal

    report = sample_report()
    check = report.exercises[0].checks[1]
    check.mistakes = [NamedMistake(id="conv2d.padding_ignored", title="conv2d ignores the padding",
                                   message=check.message)]
    buffer = io.StringIO()
    render_terminal(report, Console(file=buffer, width=250, no_color=True))
    lines = buffer.getvalue().splitlines()
    (index,) = [i for i, line in enumerate(lines) if "Recognised mistake: conv2d ignores the padding" in line]
    assert check.message.splitlines()[-1][:40] in "\n".join(lines[:index])
