"""The HTML student page as markup: escaping, hidden checks, grids, nothing fetched.

What a person sees in a browser is tested in test_html_browser.py; these are the
properties of the markup itself, fast and without a browser.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import pytest
import torch

from grader.authoring import CheckFailed, expect_tensor
from grader.models.results import NamedMistake
from grader.report import html
from grader.report.html_tensors import message_html
from tests.batch.demo_class import EXCERPT
from tests.report.sample import sample_report


class _Collect(HTMLParser):
    """Visible text, and every attribute that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.fetching: list[tuple[str, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script", "title")
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster") and value and not value.startswith(("#", "data:")):
                self.fetching.append((tag, value))

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _parse(markup: str) -> _Collect:
    parser = _Collect()
    parser.feed(markup)
    return parser


def test_hidden_checks_show_verdict_and_points_but_not_their_feedback_or_mistakes() -> None:
    report = sample_report()
    secret = report.exercises[0].checks[4]
    secret.mistakes = [NamedMistake(id="conv2d.secret_mistake", title="the secret mistake", message="secret")]
    markup = html.render(report)
    assert secret.message not in markup and "the secret mistake" not in markup
    row = re.search(r'<tr id="check-secret_edge_case">.*?</tr>', markup)
    assert row is not None
    assert "FAIL" in row.group(0) and "0/2" in row.group(0) and ">hidden<" in row.group(0)


def test_student_text_is_escaped_and_the_page_fetches_nothing() -> None:
    markup = html.render(sample_report())
    assert "<script>alert(1)</script>" not in markup
    parsed = _parse(markup)
    assert "<script>alert(1)</script> & `code`" in "".join(parsed.text)
    assert parsed.fetching == []
    assert "default-src 'none'" in markup  # and the browser is told to refuse, should anything try


def test_the_graded_file_is_named_without_the_graders_folder() -> None:
    text = "".join(_parse(html.render(sample_report())).text)
    assert "Graded file: exercise_01.py" in text
    assert "/submissions/alice/exercise_01.py" not in text


def test_a_wrong_values_excerpt_becomes_two_aligned_grids_marking_the_differences() -> None:
    markup = message_html(EXCERPT)
    assert markup.count('<table class="grid">') == 2
    assert re.findall(r'<td class="differs">([^<]*)</td>', markup) == ["6", "9", "6.5", "9.25"]
    assert "<caption>expected</caption>" in markup and "<caption>got</caption>" in markup
    # rows and columns are numbered from the window's origin: rows 0-2, columns 1-3
    assert '<th scope="col">1</th><th scope="col">2</th><th scope="col">3</th>' in markup
    assert "Expected and got at [0, 0, 0:3, 1:4]" in markup
    assert "the largest error is 0.5 at index (0, 0, 1, 2)" in markup  # the text before it stays


def test_a_message_that_only_looks_like_an_excerpt_stays_text() -> None:
    message = "expected [1, 2\n     got [1, 2]"
    assert message_html(message) == f'<p class="message">{message}</p>'


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4, 5), (7,)])
def test_grids_are_recovered_from_expect_tensors_own_messages(shape: tuple[int, ...]) -> None:
    """The contract with grader.authoring.tensors: its excerpt is what message_html parses."""
    expected = torch.arange(float(math.prod(shape))).reshape(shape)
    got = expected.clone()
    got.view(-1)[-3] += 1.5
    with pytest.raises(CheckFailed) as failure:
        expect_tensor(got, expected, "f(x)")
    markup = message_html(str(failure.value))
    assert markup.count('<table class="grid">') == 2
    assert re.findall(r'<td class="differs">([^<]*)</td>', markup) == [
        f"{expected.view(-1)[-3].item():g}", f"{got.view(-1)[-3].item():g}"]


def test_says_which_file_was_graded_and_why_when_there_were_two() -> None:
    report = sample_report()
    first = report.exercises[0].model_copy(update={
        "student_file": "/submissions/alice/exercise_01.ipynb", "file_choice": "exercise_01.py is the untouched stub"})
    report = report.model_copy(update={"exercises": [first, *report.exercises[1:]]})
    text = "".join(_parse(html.render(report)).text)
    assert "Graded file: exercise_01.ipynb (exercise_01.py is the untouched stub)" in text
