"""similarity.html in a real headless Chromium: the planted copies, highlighted where they
were planted, the group drawn as a group, nothing fetched; and the dashboard's way there.
Screenshots land in test-artefacts/ (the README's is the top of similarity.png)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from grader.cli import main
from tests.browser import Browser, files_fetched, start_browser
from tests.similarity.planted import CLUSTER_01, DEAD_CODE_LINES, FILES_01, LOOK_ALIKE_LINES, graded

browser = pytest.fixture(scope="module", name="browser")(start_browser)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = graded(tmp_path_factory.mktemp("class"))
    with redirect_stdout(io.StringIO()):
        assert main(["--no-color", "similarity", str(out)]) == 0
    return out


@pytest.fixture
def report(browser: Browser, results: Path) -> Browser:
    browser.open(results / "similarity.html")
    return browser


def highlighted_lines(browser: Browser, pair: str, student: str) -> dict[int, str]:
    """The highlighted rows of `student`'s side of the pair: line number -> code (read from
    the page, whether the pair is opened or not)."""
    from selenium.webdriver.common.by import By

    figure = browser.element(f'#{pair} figure[data-student="{student}"]')
    rows = figure.find_elements(By.CSS_SELECTOR, "tr.hit")
    cells = [[c.get_attribute("textContent") for c in r.find_elements(By.TAG_NAME, "td")] for r in rows]
    return {int(number): code for number, code in cells}


def test_opens_offline_without_errors(report: Browser, results: Path) -> None:
    assert report.driver.title == "Code similarity"
    errors, requests = report.console_errors_and_requests()
    assert errors == []
    assert files_fetched(requests) == [results / "similarity.html"]
    report.screenshot("similarity")
    report.screenshot("similarity-top", height=1400)


def test_the_planted_pairs_are_listed_highest_first_and_the_group_apart(report: Browser) -> None:
    rows = report.all_text('section[data-exercise="exercise_01"] table.pairs tbody tr')
    # "rank students score ...": the cluster's pairs are with the group, not listed again.
    assert [r.split(" ")[1:4] for r in rows] == [["farid", "&", "ivan"], ["alice", "&", "zed"], ["chen", "&", "xena"],
                                                 ["boris", "&", "yuri"], ["dana", "&", "wang"]]
    group = report.element('section[data-exercise="exercise_01"] article.cluster')
    assert group.get_attribute("data-students") == " ".join(CLUSTER_01)
    from selenium.webdriver.common.by import By

    assert [f.get_attribute("data-student") for f in group.find_elements(By.TAG_NAME, "figure")] == CLUSTER_01
    assert report.text('section[data-exercise="exercise_02"] p.none') == "No pair reaches the threshold."


def test_the_highlighted_lines_are_the_planted_ones(report: Browser) -> None:
    xena = highlighted_lines(report, "pair-exercise_01-chen-xena", "xena")
    chen = highlighted_lines(report, "pair-exercise_01-chen-xena", "chen")
    assert not set(xena.values()) & set(DEAD_CODE_LINES)
    assert set(xena.values()) <= set(FILES_01["chen"].splitlines()) | set(LOOK_ALIKE_LINES)  # copied lines
    assert set(chen.values()) <= set(FILES_01["xena"].splitlines())
    copied = [line for line in FILES_01["xena"].splitlines() if line.strip() and line not in DEAD_CODE_LINES]
    assert len(set(xena.values()) & set(copied)) >= 0.85 * len(set(copied))
    # Renamed throughout: the same lines on both sides, the whole of alice's functions.
    zed = highlighted_lines(report, "pair-exercise_01-alice-zed", "zed")
    alice = highlighted_lines(report, "pair-exercise_01-alice-zed", "alice")
    assert sorted(zed) == sorted(alice) == list(range(9, 74))  # 1-8: the docstring, the stub's imports
    # A notebook: its code cells, the copied lines highlighted.
    wang = highlighted_lines(report, "pair-exercise_01-dana-wang", "wang")
    assert {code for code in wang.values() if code.strip() and not code.startswith("# In[")} <= set(
        FILES_01["dana"].splitlines())


def test_matches_with_the_reference_and_common_code_are_shown_apart(report: Browser) -> None:
    assert report.text('section[data-exercise="exercise_01"] details.reference summary') == "rhea: exact copy"
    common = report.all_text('section[data-exercise="exercise_02"] pre.common-code')
    assert any("return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1" in c for c in common)


def test_the_dashboard_links_to_the_report_and_to_each_students_pair(browser: Browser, results: Path) -> None:
    browser.open(results / "index.html")
    assert "pairs of students share code at or above 50%" in browser.text("section[aria-labelledby=similarity] p")
    xena_row = next(r for r in browser.all_text("table.students tbody tr") if r.startswith("xena"))
    assert xena_row.endswith("95% chen (exercise_01)")
    browser.element('table.students a[href="similarity.html#pair-exercise_01-chen-xena"]').click()
    assert browser.driver.current_url.endswith("similarity.html#pair-exercise_01-chen-xena")
    assert browser.element("#pair-exercise_01-chen-xena").get_attribute("open") == "true"
