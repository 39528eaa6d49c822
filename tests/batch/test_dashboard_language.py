"""The dashboard in the instructor's language: its words translated, its anchors not.

The class is tests/batch/demo_class.py's (rendered without a browser: the markup is what
is asserted)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from grader.batch.dashboard import render_dashboard
from grader.batch.summary import summarize
from grader.i18n import use_language
from tests.batch.demo_class import demo_class
from tests.conftest import REPO_ROOT

COURSE_LOCALE = REPO_ROOT / "locale"
EXERCISES = ["exercise_01", "exercise_06"]
SECTION = re.compile(r'<section aria-labelledby="([^"]*)"><h2 id="([^"]*)">([^<]*)</h2>')
ANCHORS = ["glance", "distribution", "pass-rates", "mistakes", "problems", "comparison", "students"]


def _dashboard(language: str) -> str:
    records, roster = demo_class(12)
    with use_language(language, COURSE_LOCALE):
        return render_dashboard(records, summarize(records), roster, EXERCISES,
                                datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc))


def _headers(html: str, after: str = "") -> list[str]:
    start = html.index(after) if after else 0
    table = html[html.index("<thead>", start):html.index("</thead>", start)]
    return re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_section_anchor_is_the_same_plain_id_in_every_language(language: str) -> None:
    sections = SECTION.findall(_dashboard(language))
    assert [labelled for labelled, _, _ in sections] == ANCHORS
    assert all(labelled == anchor for labelled, anchor, _ in sections)


def test_the_zh_dashboard_tells_the_student_list_from_a_count_of_students() -> None:
    html = _dashboard("zh")
    titles = {anchor: title for _, anchor, title in SECTION.findall(html)}
    assert titles["students"] == "全体学生"
    # A count of students, and the students themselves, are different columns.
    assert _headers(html, after='id="distribution"')[1] == "学生人数"
    assert _headers(html, after='id="mistakes"') == ["常见错误", "学生人数", "学生名单"]
    assert _headers(html, after='id="problems"')[0] == "学生"


def test_the_english_dashboard_keeps_its_words() -> None:
    html = _dashboard("en")
    assert {anchor: title for _, anchor, title in SECTION.findall(html)}["students"] == "All students"
    assert _headers(html, after='id="mistakes"') == ["Mistake", "Students", "Who"]
