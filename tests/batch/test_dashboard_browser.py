"""The class dashboard in a real headless Chromium: what the instructor sees, and where links go.

The class is tests/batch/demo_class.py's: 12 graded students with named mistakes, a
hidden check, a timeout, a file that could not be imported, and an invalid, a missing
and a crashed submission. Screenshots land in test-artefacts/.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from grader.batch.outputs import write_outputs, write_summary
from grader.batch.summary import summarize
from tests.batch.demo_class import SECRET, demo_class
from tests.browser import Browser, files_fetched, start_browser

browser = pytest.fixture(scope="module", name="browser")(start_browser)
EXERCISES = ["exercise_01", "exercise_06"]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results")
    records, roster = demo_class(12)
    write_outputs(out, records, roster, EXERCISES)
    write_summary(out, summarize(records), records, roster, EXERCISES,
                  generated_at=datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc))
    return out


@pytest.fixture
def dashboard(browser: Browser, results: Path) -> Browser:
    browser.open(results / "index.html")
    return browser


def test_shows_the_class_numbers_without_errors_or_network(dashboard: Browser, results: Path) -> None:
    assert dashboard.driver.title == "Class dashboard"
    assert dashboard.all_text("#glance-figures li") == [
        "15\nstudents", "12\ngraded", "1\nmissing", "1\ninvalid", "1\ngrader errors",
        "80.55%\nmean score", "83.33%\nmedian score"]
    assert dashboard.text("#distribution + table caption").startswith("Graded submissions per score band")
    errors, requests = dashboard.console_errors_and_requests()
    assert errors == []
    assert files_fetched(requests) == [results / "index.html"]
    dashboard.screenshot("dashboard")


def test_lists_the_most_common_mistakes_with_who_made_them(dashboard: Browser) -> None:
    rows = dashboard.all_text("section[aria-labelledby=mistakes] tbody tr")
    assert rows[0].startswith("4 of 12 students: corr2d is a true convolution (kernel flipped)\n"
                              "corr2d.kernel_flipped (exercise_01)")
    assert rows[0].endswith("4 s01, s04, s07, s10")
    assert [r.splitlines()[0] for r in rows[1:]] == [
        "3 of 12 students: conv2d ignores padding", "2 of 12 students: train_epoch never calls zero_grad"]


def test_lists_what_could_not_be_judged_normally(dashboard: Browser) -> None:
    rows = [" | ".join(r.splitlines()) for r in dashboard.all_text("section[aria-labelledby=problems] tbody tr")]
    kinds = [(r.split(" ")[0], r.split(" ")[1:3]) for r in rows]
    assert [k for k, _ in kinds] == ["s09", "s11", "zz-crash", "zz-invalid"]
    assert "timeout" in rows[0] and "max_pool2d: random inputs" in rows[0]
    assert "could not be imported" in rows[1] and "exercise_06.py has a syntax error" in rows[1]
    assert "grader error" in rows[2] and "invalid submission" in rows[3]


def test_compares_the_networks_across_the_class(dashboard: Browser) -> None:
    rows = dashboard.all_text("section[aria-labelledby=comparison] tbody tr")
    assert "exercise_06 DeepNet (yours) test accuracy (%) 98.25 98 to 98.5 11" in rows
    assert "exercise_06 Net (course) parameters 61,706 61,706 to 61,706 11" in rows


def test_students_sort_by_a_column_and_open_their_page(dashboard: Browser, results: Path) -> None:
    from selenium.webdriver.common.by import By

    def first_students() -> list[str]:
        return [r.split(" ")[0] for r in dashboard.all_text("table.students tbody tr")[:3]]

    assert first_students() == ["s00", "s01", "s02"]
    percent = dashboard.element("table.students thead th:last-child button")
    percent.click()
    assert first_students() == ["zz-crash", "zz-invalid", "zz-missing"]  # 0%, in their previous order
    assert dashboard.element("table.students thead th:last-child").get_attribute("aria-sort") == "ascending"
    percent.click()
    assert dashboard.all_text("table.students tbody tr")[0].endswith("100%")
    dashboard.driver.find_element(By.LINK_TEXT, "s01").click()
    assert dashboard.driver.title == "Grader report for s01"
    assert dashboard.text("h1") == "Grader report for s01"
    page = dashboard.text("body")
    assert "corr2d is a true convolution" in page  # the student's own mistake, by title
    assert SECRET not in page  # a hidden check's message never reaches a student's page
    errors, requests = dashboard.console_errors_and_requests()
    assert errors == []
    assert files_fetched(requests) == [results / "index.html", results / "feedback" / "s01.html"]
    dashboard.screenshot("student-page-from-dashboard")
