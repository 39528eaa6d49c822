"""Batch grading in the students' languages: `grade --lang`, a roster's per-student lang
column, feedback files in each student's language, the instructor's files in theirs."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path
from typing import Iterable, Iterator

import pytest

from grader.batch.canary import CANARY_ID
from grader.batch.local import LocalEngine
from grader.batch.outputs import grades_csv, write_outputs
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.roster import RosterEntry, load_roster
from grader.batch.runner import BatchPlan, run_batch
from grader.batch.task import GradeTask, run_task
from grader.catalog.course import Course
from grader.cli import main
from grader.i18n import use_language
from tests.batch.classroom import PARTLY_WRONG, REFERENCE, folder
from tests.batch.fakes import FakeEngine, report_for
from tests.conftest import REPO_ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")
COURSE_LOCALE = REPO_ROOT / "locale"


@pytest.fixture
def plan(tmp_path: Path) -> BatchPlan:
    subs = tmp_path / "subs"
    subs.mkdir()
    for student in ("alice", "bob", "carol"):
        folder(subs, student, "110")
    course = Course.at(REPO_ROOT)
    roster = {
        "alice": RosterEntry("alice", language="zh_CN"),
        "bob": RosterEntry("bob"),
        "carol": RosterEntry("carol", language="xx"),
        "frank": RosterEntry("frank", language="zh"),
    }
    return BatchPlan(submissions=subs, out=tmp_path / "out", course=course, exercises=course.select(["exercise_01"]),
                     roster=roster, canary=False, language="en")


def test_each_student_is_graded_in_the_roster_language_or_the_commands(plan: BatchPlan) -> None:
    records = {r.student_id: r for r in run_batch(plan, FakeEngine()).records}
    assert {k: r.language for k, r in records.items()} == {"alice": "zh", "bob": "en", "carol": "en", "frank": "zh"}
    assert records["frank"].status is StudentStatus.MISSING and records["frank"].message == "没有提交任何内容"
    assert plan.unknown_languages() == {"xx": ["carol"]}


def test_a_changed_language_regrades_that_student_only(plan: BatchPlan) -> None:
    run_batch(plan, FakeEngine())
    plan.roster["alice"] = RosterEntry("alice")
    engine = FakeEngine()
    outcome = run_batch(plan, engine)
    # Alice's file is bob's, already graded in English: her new record is his result, not a new grading.
    assert engine.graded == [] and outcome.progress.skipped == 2 and outcome.progress.shared == 1
    alice = {r.student_id: r for r in outcome.records}["alice"]
    assert alice.language == "en" and alice.status is StudentStatus.GRADED
    (plan.submissions / "carol" / "exercise_01.py").write_text("111")
    plan.roster["carol"] = RosterEntry("carol", language="zh")
    engine = FakeEngine()
    run_batch(plan, engine)
    assert engine.graded == ["carol"]


def test_feedback_files_follow_the_student_and_grades_csv_the_instructor(plan: BatchPlan) -> None:
    outcome = run_batch(plan, FakeEngine())
    with use_language("en"):
        write_outputs(plan.out, outcome.records, plan.roster, ["exercise_01"], COURSE_LOCALE)
    feedback = plan.out / "feedback"
    assert "没有收到提交" in (feedback / "frank.md").read_text(encoding="utf-8")
    assert "没有收到提交" in (feedback / "frank.html").read_text(encoding="utf-8")
    assert not CJK.search((feedback / "bob.md").read_text(encoding="utf-8"))
    header = (plan.out / "grades.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("student_id,name,email,exercise_01,")
    with use_language("zh", COURSE_LOCALE):
        chinese = grades_csv(outcome.records, plan.roster, ["exercise_01"]).splitlines()[0]
    assert chinese.startswith("学号,姓名,邮箱,exercise_01,")


def test_the_roster_reads_a_lang_column(tmp_path: Path) -> None:
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("id,name,lang\nalice,Alice,zh\nbob,Bob,\n", encoding="utf-8")
    roster = load_roster(roster_file)
    assert (roster["alice"].language, roster["bob"].language) == ("zh", "")


def test_grade_lang_zh_writes_chinese_feedback_and_dashboard_but_a_roster_en_student_reads_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", REFERENCE)
    folder(subs, "bob", PARTLY_WRONG)
    (tmp_path / "roster.csv").write_text("id,name,lang\nalice,Alice,en\nbob,Bob,\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["--no-color", "grade", str(subs), "--jobs", "1", "--out", str(out), "--lang", "zh",
                 "--roster", str(tmp_path / "roster.csv"), "--timeout", "5", "--exercises", "exercise_01"])
    assert code == 0
    alice = (out / "feedback" / "alice.md").read_text(encoding="utf-8")
    bob = (out / "feedback" / "bob.md").read_text(encoding="utf-8")
    assert not CJK.search(alice), alice[:300]
    assert len(CJK.findall(bob)) > 20, bob[:300]
    assert "班级总览" in (out / "index.html").read_text(encoding="utf-8")
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["学号", "姓名", "邮箱"]
    # Machine values stay as they are: the status column holds the status value.
    assert {row[rows[0].index("状态")] for row in rows[1:]} == {"graded"}


def test_a_mixed_class_summary_takes_its_titles_from_records_in_the_readers_language() -> None:
    from grader.batch.records import StudentRecord
    from grader.batch.summary import summarize
    from grader.models.results import CheckResult, CheckStatus, ExerciseResult, NamedMistake, SubmissionReport

    def record(student: str, language: str, check_title: str, mistake_title: str) -> StudentRecord:
        check = CheckResult(id="conv2d_lecture", title=check_title, points_possible=1, points_earned=0,
                            status=CheckStatus.FAILED,
                            mistakes=[NamedMistake(id="conv2d.kernel_flipped", title=mistake_title, message="")])
        report = SubmissionReport(grader_version="test", submission=student, student_id=student,
                                  exercises=[ExerciseResult(id="exercise_01", title="ex", checks=[check])])
        return StudentRecord.from_report(report, student_id=student, language=language)

    records = [record("alice", "zh", "conv2d：课上的例子", "conv2d 翻转了卷积核"),
               record("bob", "en", "conv2d: the lecture's example", "conv2d flips the kernel")]
    with use_language("en"):
        english = summarize(records)
    with use_language("zh", COURSE_LOCALE):
        chinese = summarize(records)
    assert (english.mistakes[0].title, english.checks[0].title) == ("conv2d flips the kernel", "conv2d: the lecture's example")
    assert (chinese.mistakes[0].title, chinese.checks[0].title) == ("conv2d 翻转了卷积核", "conv2d：课上的例子")
    assert english.mistakes[0].students == chinese.mistakes[0].students == ["alice", "bob"]


# -- what a student reads in a record made outside the checks, in their language --------

def test_a_duplicate_submission_reads_in_the_students_language(plan: BatchPlan) -> None:
    (plan.submissions / "alice.zip").write_bytes(b"")  # beside the folder alice/: which one?
    (plan.submissions / "bob.zip").write_bytes(b"")
    records = {r.student_id: r for r in run_batch(plan, FakeEngine()).records}
    assert records["alice"].status is records["bob"].status is StudentStatus.INVALID
    assert records["alice"].message == "alice 有不止一份提交（alice、alice.zip）；请只保留一份，然后重新运行"
    assert records["bob"].message == "more than one submission for bob (bob, bob.zip); keep one and re-run"


def _task(tmp_path: Path, student_id: str, source: Path, language: str) -> GradeTask:
    return GradeTask(student_id=student_id, source=str(source), work_dir=str(tmp_path / "work" / student_id),
                     course_root=str(REPO_ROOT), exercise_ids=("exercise_01",), content_hash="", config_hash="",
                     language=language)


@pytest.mark.parametrize("language, said", [
    ("zh", "s1.zip 不是可读取的 zip 文件（File is not a zip file）；请提交包含练习文件的 .zip 文件"),
    ("en", "s1.zip is not a readable zip file (File is not a zip file); hand in a .zip of your exercise files"),
])
def test_an_unreadable_zip_reads_in_the_students_language(tmp_path: Path, language: str, said: str) -> None:
    broken = tmp_path / "s1.zip"
    broken.write_bytes(b"not a zip")
    with use_language("en"):  # the batch's own language is not the student's
        record = StudentRecord.from_json(run_task(_task(tmp_path, "s1", broken, language), sandbox=None))  # type: ignore[arg-type]
    assert (record.status, record.message) == (StudentStatus.INVALID, said)


def _grader_breaks(task: GradeTask) -> str:
    raise ValueError("boom")


def _start_nothing(threads: int, parent_pid: int) -> None:
    """No sandbox: the grade function above never grades."""


def test_a_grader_failure_in_the_pool_reads_in_the_students_language(tmp_path: Path) -> None:
    engine = LocalEngine(1, grade=_grader_breaks, start=_start_nothing)
    tasks = [_task(tmp_path, "li", tmp_path, "zh"), _task(tmp_path, "bo", tmp_path, "en")]
    records = {r.student_id: r for r in engine.run(tasks)}
    assert records["li"].message == "评分程序出错：ValueError：boom"
    assert records["bo"].message == "the grader failed: ValueError: boom"


class _BreaksAfterTheClass(FakeEngine):
    """The reference passes before the class, not after (a grader that broke meanwhile)."""

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
        for task in tasks:
            if task.student_id.startswith(CANARY_ID):
                assert task.language == "en"  # the instructor's, whoever the class starts with
                passed = task.student_id.endswith("before")
                yield StudentRecord.from_report(report_for(task.student_id, [True, passed]),
                                                student_id=task.student_id, language=task.language)
            else:
                yield from super().run([task])


def test_a_failed_canary_reads_in_each_students_language_and_the_instructors(plan: BatchPlan) -> None:
    outcome = run_batch(dataclasses.replace(plan, canary=True), _BreaksAfterTheClass())
    assert outcome.canary_failure == (
        "the reference solution got FAILED on exercise_01 / check_1: no message (after the class): "
        "the grader is broken on this machine; no student's score was recorded")
    records = {r.student_id: r for r in outcome.records}
    assert records["bob"].message == outcome.canary_failure
    assert records["alice"].status is StudentStatus.GRADER_ERROR
    assert records["alice"].message == (
        "参考答案在 exercise_01 / check_1 上的结果为未通过：没有消息（在评阅全班之后）：评分程序在这台机器上无法正常工作；"
        "没有记录任何学生的分数")


def test_the_instructors_errors_speak_the_commands_language(tmp_path: Path) -> None:
    from grader.errors import RosterError

    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("name,email\nAlice,a@x.org\n", encoding="utf-8")
    for language, words in (("en", "no id column (found: name, email)"), ("zh", "没有学号列（找到的列：name, email）")):
        with use_language(language), pytest.raises(RosterError) as error:
            load_roster(roster_file)
        assert words in error.value.message
