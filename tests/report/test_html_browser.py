"""`grader check --format html --output report.html` opened in a real headless Chromium.

The submission is the reference with avg_pool2d off by one in each map's corner: the
right shape, wrong values, so the page shows an expected-vs-got excerpt as grids.
A screenshot of the page lands in test-artefacts/.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from grader.cli import main
from tests.batch.classroom import REFERENCE
from tests.browser import Browser, files_fetched, start_browser

browser = pytest.fixture(scope="module", name="browser")(start_browser)

WRONG_AVG_POOL = REFERENCE + (
    "\n\n_right_avg_pool2d = avg_pool2d\n\n\n"
    "def avg_pool2d(x, kernel_size, stride=None):\n"
    "    out = _right_avg_pool2d(x, kernel_size, stride).clone()\n"
    "    out[..., 0, 0] += 1.0  # one corner off\n"
    "    return out\n"
)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("student")
    (root / "exercises").mkdir()
    (root / "exercises" / "exercise_01.py").write_text(WRONG_AVG_POOL)
    page = root / "report.html"
    code = main(["--no-color", "check", "exercise_01", "--submission", str(root / "exercises"),
                 "--format", "html", "--output", str(page)])
    assert code == 0
    return page


@pytest.fixture
def student(browser: Browser, report_page: Path) -> Browser:
    browser.open(report_page)
    return browser


def test_shows_the_score_and_every_check_without_errors_or_network(student: Browser, report_page: Path) -> None:
    assert student.driver.title == "Grader report"
    assert student.text(".total") == "18/20 points (90%)"
    rows = student.all_text("table.checks > tbody > tr")
    assert len(rows) == 11 and sum("PASS" in r for r in rows) == 10
    failing = next(r for r in rows if "FAIL" in r)
    assert failing.startswith("avg_pool2d: random inputs, default and explicit strides FAIL 0/2\n"
                              "avg_pool2d(x(2, 3, 8, 8), kernel_size=2) has the right shape (2, 3, 4, 4) but wrong values")
    assert student.text("#exercise_01 ~ p") == "Graded file: exercise_01.py"
    errors, requests = student.console_errors_and_requests()
    assert errors == []
    assert files_fetched(requests) == [report_page]
    student.screenshot("student-page")


def test_the_excerpt_is_two_aligned_grids_with_the_differences_marked(student: Browser) -> None:
    from selenium.webdriver.common.by import By

    grids = student.driver.find_elements(By.CSS_SELECTOR, "figure.excerpt table.grid")
    assert [g.find_element(By.TAG_NAME, "caption").text for g in grids] == ["expected", "got"]
    expected, got = grids
    # aligned: the same rows at the same heights, side by side
    assert expected.location["y"] == got.location["y"] and expected.location["x"] < got.location["x"]
    assert expected.size["height"] == got.size["height"]
    marked = [c for c in got.find_elements(By.CSS_SELECTOR, "td.differs")]
    assert marked, "no differing cell is marked"
    assert all(c.value_of_css_property("font-weight") == "700" for c in marked)  # bold: visible without colour


def test_prints_to_pdf(student: Browser) -> None:
    pdf = base64.b64decode(student.driver.print_page())
    assert pdf.startswith(b"%PDF") and b"/Type /Page" in pdf
