"""`grader similarity` on a graded class, and `grader grade --similarity`: the page, the
gradebook's tables, the dashboard's link and each student's highest match."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from grader.cli import main
from tests.similarity.authors import ALICE_01, GRETA_01
from tests.similarity.planted import PLANTED_01, graded, rename


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return graded(tmp_path_factory.mktemp("class"))


@pytest.fixture(scope="module")
def first_run(results: Path) -> str:
    import io
    from contextlib import redirect_stdout

    with redirect_stdout(io.StringIO()) as printed:
        assert main(["--no-color", "similarity", str(results)]) == 0
    return printed.getvalue()


def test_the_pairs_and_each_students_highest_match_are_in_the_gradebook(results: Path, first_run: str) -> None:
    with sqlite3.connect(results / "gradebook.sqlite") as db:
        pairs = db.execute("SELECT exercise_id, student_a, student_b, score, exact, regions FROM similarity_pairs").fetchall()
        best = dict(db.execute("SELECT student_id, other FROM similarity_students").fetchall())
    assert {(a, b) for exercise, a, b, *_ in pairs if exercise == "exercise_01"} == PLANTED_01
    assert {e for e, *_ in pairs} == {"exercise_01"}
    xena = next(p for p in pairs if p[1:3] == ("chen", "xena"))
    assert xena[3] > 0.9 and xena[4] == 0
    assert json.loads(xena[5])[0] == {"a": {"first": 3, "last": 8}, "b": {"first": 3, "last": 8}}
    assert best["xena"] == "chen" and best["ivan"] == "farid" and "stub1" not in best


def test_the_command_says_who_to_look_at_and_that_nothing_left_the_machine(first_run: str) -> None:
    assert "alice & zed" in first_run and "group in exercise_01: emil, uma, vera" in first_run
    assert "nothing was sent anywhere" in first_run
    assert "similarity.html" in first_run and "index.html" in first_run


def test_the_dashboard_links_to_the_report_and_shows_each_highest_match(results: Path, first_run: str) -> None:
    page = (results / "index.html").read_text()
    assert 'href="similarity.html"' in page and "Similar code" in page
    assert 'href="similarity.html#pair-exercise_01-chen-xena"' in page  # xena's row
    report = (results / "similarity.html").read_text()
    assert 'id="pair-exercise_01-chen-xena"' in report and "http" not in report.split("</head>")[1]


def test_a_second_run_compares_nothing_and_a_higher_threshold_reports_less(results: Path, first_run: str,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-color", "similarity", str(results), "--threshold", "99"]) == 0
    printed = capsys.readouterr().out
    assert "compared 0 pairs of files now" in printed
    with sqlite3.connect(results / "gradebook.sqlite") as db:
        pairs = {tuple(r) for r in db.execute("SELECT student_a, student_b FROM similarity_pairs")}
    assert pairs == {("farid", "ivan"), ("alice", "zed"), ("emil", "uma"), ("emil", "vera"), ("uma", "vera")}


def test_without_a_gradebook_it_says_where_to_point_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-color", "similarity", str(tmp_path)]) == 2
    assert "no gradebook in" in capsys.readouterr().err


def test_grade_with_similarity_grades_then_compares(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subs = tmp_path / "subs"
    for student, source in {"ann": ALICE_01, "ben": rename(ALICE_01, {"result": "res", "window": "w0"}),
                            "cat": GRETA_01}.items():
        (subs / student).mkdir(parents=True)
        (subs / student / "exercise_01.py").write_text(source)
    out = tmp_path / "out"
    assert main(["--no-color", "grade", str(subs), "--out", str(out), "--jobs", "1", "--timeout", "5",
                 "--exercises", "exercise_01", "--similarity", "--similarity-threshold", "60"]) == 0
    printed = capsys.readouterr().out
    assert "ann & ben" in printed and "similarity report:" in printed
    assert 'href="similarity.html"' in (out / "index.html").read_text()
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("SELECT student_a, student_b FROM similarity_pairs").fetchall() == [("ann", "ben")]
