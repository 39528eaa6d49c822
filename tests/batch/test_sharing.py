"""A class grades each distinct exercise file once; every student who handed it in gets the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

import pytest

from grader.batch.archive import extract_zip
from grader.batch.canary import CANARY_ID
from grader.batch.entries import locate_exercise_folder
from grader.batch.local import LocalEngine
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.runner import BatchPlan, run_batch
from grader.batch.task import GradeTask
from grader.catalog.course import Course
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport
from tests.batch.classroom import REFERENCE, STUB, SYNTAX_ERROR, folder, zipped
from tests.conftest import REPO_ROOT

COURSE = Course.at(REPO_ROOT)
TWO = ["exercise_01", "exercise_02"]


class DigitsEngine:
    """Grades every exercise of a task in-process: exercise_NN.py holds e.g. `110`, check i
    passes when digit i is 1. Keeps each task it was given, and fails the students named."""

    def __init__(self, fail: Iterable[str] = ()) -> None:
        self.tasks: list[GradeTask] = []
        self.fail = set(fail)

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
        for task in tasks:
            self.tasks.append(task)
            if task.student_id in self.fail:
                yield task.record(StudentStatus.GRADER_ERROR, "the grader failed: boom")
                continue
            source = Path(task.source)
            if source.suffix == ".zip":
                extract_zip(source, Path(task.work_dir))
                source = Path(task.work_dir)
            where = locate_exercise_folder(source)
            exercises = []
            for exercise_id in task.exercise_ids:
                path = where / f"{exercise_id}.py"
                digits = path.read_text().strip() if path.is_file() else ""
                checks = [CheckResult(id=f"check_{i}", title=f"check {i}", points_possible=1.0,
                                      points_earned=float(d == "1"), message=f"digit {i}",
                                      status=CheckStatus.PASSED if d == "1" else CheckStatus.FAILED)
                          for i, d in enumerate(digits)]
                exercises.append(ExerciseResult(id=exercise_id, title=exercise_id, checks=checks,
                                                student_file=str(path) if path.is_file() else None))
            report = SubmissionReport(grader_version="test", submission=str(where), student_id=task.student_id,
                                      exercises=exercises, missing_protections=["network"])
            yield StudentRecord.from_report(report, student_id=task.student_id, source=task.source,
                                            content_hash=task.content_hash, config_hash=task.config_hash,
                                            language=task.language)

    def graded(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(t.student_id, t.exercise_ids) for t in self.tasks]


def _plan(tmp_path: Path, exercises: list[str] = TWO, **overrides: object) -> BatchPlan:
    options: dict[str, object] = {"canary": False, "insecure": True, **overrides}
    return BatchPlan(submissions=tmp_path / "subs", out=tmp_path / "out", course=COURSE,
                     exercises=COURSE.select(exercises), **options)  # type: ignore[arg-type]


def _student(subs: Path, student_id: str, files: dict[str, str]) -> None:
    path = subs / student_id
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_bytes(text.encode())


@pytest.fixture
def subs(tmp_path: Path) -> Path:
    subs = tmp_path / "subs"
    _student(subs, "ann", {"exercise_01.py": "110\n", "exercise_02.py": "1111\n"})
    _student(subs, "ben", {"exercise_01.py": "110\r\n\r\n", "exercise_02.py": "0000\n"})  # ann's 01, Windows-saved
    _student(subs, "cat", {"exercise_01.py": "000\n"})  # the "stub", and no 02
    _student(subs, "dan", {"exercise_01.py": "000\n", "exercise_02.py": "1111"})  # cat's 01, ann's 02
    zipped(subs, "eve", {"lab/exercise_01.py": "000\n", "lab/exercise_02.py": "0000\n"})  # cat's 01, ben's 02
    return subs


def test_each_distinct_file_is_graded_once_and_every_student_gets_its_result(tmp_path: Path, subs: Path) -> None:
    engine = DigitsEngine()
    outcome = run_batch(_plan(tmp_path), engine)
    # ann grades 110 and 1111; ben 0000; cat 000 (and the missing 02, which is no file); nothing is left
    # for dan and eve: every file of theirs was someone else's.
    assert engine.graded() == [("ann", ("exercise_01", "exercise_02")), ("ben", ("exercise_02",)),
                               ("cat", ("exercise_01", "exercise_02"))]
    assert engine.tasks[1].partial and not engine.tasks[0].partial
    records = {r.student_id: r for r in outcome.records}
    assert {s: (r.status, r.exercise_points) for s, r in records.items()} == {
        "ann": (StudentStatus.GRADED, {"exercise_01": 2, "exercise_02": 4}),
        "ben": (StudentStatus.GRADED, {"exercise_01": 2, "exercise_02": 0}),
        "cat": (StudentStatus.GRADED, {"exercise_01": 0, "exercise_02": 0}),
        "dan": (StudentStatus.GRADED, {"exercise_01": 0, "exercise_02": 4}),
        "eve": (StudentStatus.GRADED, {"exercise_01": 0, "exercise_02": 0}),
    }
    assert outcome.progress.shared == 5 and outcome.progress.graded_now == 5
    # Marked shared, with how many held the file; each names the student's own file, in exercise order.
    for student_id, record in records.items():
        assert record.report is not None and [e.id for e in record.report.exercises] == TWO
        for result in record.report.exercises:
            if result.student_file is None:
                assert result.identical is None  # cat's missing 02 is no file to share
                continue
            assert Path(result.student_file).name == f"{result.id}.py"
            assert (f"/{student_id}/" if student_id != "eve" else "/eve/lab/") in result.student_file
    identical = {s: {e.id: e.identical.submissions if e.identical else 0 for e in r.report.exercises}
                 for s, r in records.items() if r.report}
    assert identical == {"ann": {"exercise_01": 2, "exercise_02": 2}, "ben": {"exercise_01": 2, "exercise_02": 2},
                         "cat": {"exercise_01": 3, "exercise_02": 0}, "dan": {"exercise_01": 3, "exercise_02": 2},
                         "eve": {"exercise_01": 3, "exercise_02": 2}}
    # A record copied whole still says what the machine lacked; nobody else's name is in it.
    assert records["eve"].report.missing_protections == ["network"] and records["eve"].report.notes
    for student_id, record in records.items():
        others = {"ann", "ben", "cat", "dan", "eve"} - {student_id}
        text = record.model_dump_json()
        assert not any(f"/{other}/" in text or f"/{other}\"" in text for other in others), student_id


def test_a_rerun_copies_stored_results_for_a_new_identical_file(tmp_path: Path, subs: Path) -> None:
    run_batch(_plan(tmp_path), DigitsEngine())
    _student(subs, "fay", {"exercise_01.py": "110", "exercise_02.py": "0101\n"})
    engine = DigitsEngine()
    outcome = run_batch(_plan(tmp_path), engine)
    assert engine.graded() == [("fay", ("exercise_02",))]
    fay = {r.student_id: r for r in outcome.records}["fay"]
    assert fay.exercise_points == {"exercise_01": 2, "exercise_02": 2}
    assert fay.report.exercises[0].identical.submissions == 3
    # --regrade grades the student's own files again, whoever holds the same.
    engine = DigitsEngine()
    run_batch(_plan(tmp_path, regrade_students=frozenset({"fay"})), engine)
    assert engine.graded() == [("fay", ("exercise_01", "exercise_02"))]


def test_an_owner_that_fails_fails_its_followers_until_the_next_run(tmp_path: Path, subs: Path) -> None:
    outcome = run_batch(_plan(tmp_path, ["exercise_01"]), DigitsEngine(fail={"cat"}))
    records = {r.student_id: r for r in outcome.records}
    assert {s: r.status for s, r in records.items()} == {
        "ann": StudentStatus.GRADED, "ben": StudentStatus.GRADED, "cat": StudentStatus.GRADER_ERROR,
        "dan": StudentStatus.GRADER_ERROR, "eve": StudentStatus.GRADER_ERROR}
    assert "identical file" in records["dan"].message and "cat" not in records["dan"].message
    engine = DigitsEngine()
    outcome = run_batch(_plan(tmp_path, ["exercise_01"]), engine)
    assert engine.graded() == [("cat", ("exercise_01",))]  # grader errors are retried: once for the three
    assert all(r.status is StudentStatus.GRADED for r in outcome.records)


def test_students_graded_in_different_languages_do_not_share(tmp_path: Path, subs: Path) -> None:
    from grader.batch.roster import RosterEntry

    roster = {s: RosterEntry(s, language="zh" if s == "dan" else "") for s in ("ann", "ben", "cat", "dan", "eve")}
    engine = DigitsEngine()
    run_batch(_plan(tmp_path, ["exercise_01"], roster=roster, language="en"), engine)
    assert [s for s, _ in engine.graded()] == ["ann", "cat", "dan"]


def test_a_class_graded_by_the_real_engine_grades_each_file_once(tmp_path: Path) -> None:
    """Three distinct files among six students (one saved with CRLF, one in a .zip): three
    gradings, each student's result the one grading alone would give."""
    subs = tmp_path / "subs"
    folder(subs, "s0", REFERENCE)
    folder(subs, "s1", REFERENCE.replace("\n", "\r\n"))
    folder(subs, "s2", STUB)
    folder(subs, "s3", SYNTAX_ERROR)
    folder(subs, "s4", SYNTAX_ERROR + "\n\n")
    zipped(subs, "s5", {"s5/exercise_01.py": STUB})

    class Counting(LocalEngine):
        def __init__(self) -> None:
            super().__init__(jobs=2)
            self.graded: list[str] = []

        def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
            tasks = list(tasks)
            self.graded += [t.student_id for t in tasks]
            return super().run(tasks)

    engine = Counting()
    outcome = run_batch(_plan(tmp_path, ["exercise_01"], canary=True), engine)
    # The reference is graded before and after the class, as ever; of the class, one file in each group.
    assert [s for s in engine.graded if not s.startswith(CANARY_ID)] == ["s0", "s2", "s3"]
    assert len(engine.graded) == 5
    records = {r.student_id: r for r in outcome.records}
    assert all(r.status is StudentStatus.GRADED for r in records.values())
    assert [records[s].points_earned for s in sorted(records)] == [20, 20, 0, 0, 0, 0]

    def checks(student_id: str) -> list[tuple[str, str, float, str]]:
        return [(c.id, c.status.value, c.points_earned, c.message) for c in records[student_id].report.exercises[0].checks]

    assert checks("s1") == checks("s0") and checks("s5") == checks("s2") and checks("s4") == checks("s3")
    assert "NotImplementedError" in checks("s5")[0][3] and "line 1" in checks("s4")[0][3]
    assert [records[s].report.exercises[0].identical.submissions for s in sorted(records)] == [2, 2, 2, 2, 2, 2]
    for student_id, record in records.items():  # a copied result names nobody else's folder
        assert not any(f"/{other}/" in record.model_dump_json() for other in set(records) - {student_id})
    # Graded alone, the Windows-saved file gets the very result it was given.
    alone = tmp_path / "alone"
    folder(alone / "subs", "s1", REFERENCE.replace("\n", "\r\n"))
    solo = run_batch(BatchPlan(submissions=alone / "subs", out=alone / "out", course=COURSE,
                               exercises=COURSE.select(["exercise_01"]), canary=False), LocalEngine(jobs=1))
    assert [json.loads(c.model_dump_json(exclude={"duration_s"})) for c in solo.records[0].report.exercises[0].checks] \
        == [json.loads(c.model_dump_json(exclude={"duration_s"})) for c in records["s1"].report.exercises[0].checks]


def test_the_summary_the_terminal_and_the_dashboard_say_what_was_shared(tmp_path: Path, subs: Path) -> None:
    import io
    from datetime import datetime, timezone

    from rich.console import Console

    from grader.batch.dashboard import render_dashboard
    from grader.batch.summary import summarize
    from grader.cli.grade import print_class_summary

    outcome = run_batch(_plan(tmp_path), DigitsEngine())
    summary = summarize(outcome.records)
    assert (summary.identical_results, summary.identical_files) == (9, 4)
    buffer = io.StringIO()
    print_class_summary(Console(file=buffer, width=200, no_color=True), summary, outcome, {})
    assert ("9 exercise results came from 4 files handed in more than once; each was graded once"
            in buffer.getvalue())
    page = render_dashboard(outcome.records, summary, {}, TWO, datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert page.count('<abbr class="identical"') == 9
    assert 'title="the same file as 3 submissions of the class, graded once">=</abbr>' in page
