"""The feedback catalogue graded end to end (issue 13): correct solutions written in
unusual ways get full marks; realistic mistakes lose exactly the points of the checks
they touch; no message names a cause the submission does not have, and the true cause
is named where one can be. One grade per case folder (cases of one exercise share
the session's sandbox)."""

from __future__ import annotations

import pytest

from tests.feedback.cases import judge, load_cases

CASES = load_cases()


def test_the_catalogue_is_big_enough_and_balanced():
    kinds = [case.kind for case in CASES]
    assert len(CASES) >= 30
    assert kinds.count("correct") >= 15 and kinds.count("mistake") >= 15


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_is_graded_as_expected(grade, case):
    result = grade(case.exercise, case.folder)
    verdict = judge(case, result)
    assert verdict.problems == []
    for check in result.checks:
        for mistake in check.mistakes:
            # Named mistakes travel as data, with the message the student read.
            assert mistake.message == check.message and mistake.title
