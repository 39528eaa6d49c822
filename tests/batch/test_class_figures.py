"""The dashboard's "could not be judged normally": a file that could not be imported is
found from the result's data (ExerciseResult.import_failure), in whatever language the
student's messages were written.

The gradings are real ones (sandbox, worker, exercise 01's checks), in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.class_figures import problems
from grader.batch.records import StudentRecord
from grader.i18n import use_language
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, ImportFailure, SubmissionReport
from tests.conftest import REPO_ROOT

COURSE_LOCALE = REPO_ROOT / "locale"

SYNTAX_ERROR = b"import torch\n\ndef corr2d(x, k)\n    return x\n"
# Saved by an editor in GBK.
NOT_UTF8 = "import torch\n# 卷积\n\ndef corr2d(x, k):\n    name = '互相关'\n    return x\n".encode("gbk")
RAISES = b"import torch\nraise ValueError('oops')\n"


def _record(student: str, exercise: ExerciseResult, language: str = "zh") -> StudentRecord:
    report = SubmissionReport(grader_version="test", submission=student, student_id=student, exercises=[exercise])
    return StudentRecord.from_report(report, student_id=student, language=language)


@pytest.mark.parametrize("content, said", [
    (SYNTAX_ERROR, "exercise_01.py 第 3 行有语法错误"),
    (NOT_UTF8, "exercise_01.py 不是以 UTF-8 编码保存的"),
    (RAISES, "导入 exercise_01.py"),
], ids=["syntax error", "not UTF-8", "raises"])
def test_a_zh_graded_file_that_could_not_be_imported_is_a_problem(grade, tmp_path: Path, content: bytes,
                                                                   said: str) -> None:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "exercise_01.py").write_bytes(content)
    with use_language("zh", COURSE_LOCALE):
        result = grade("exercise_01", folder)
    assert result.import_failure is ImportFailure.ERROR
    with use_language("en"):
        (problem,) = problems([_record("li", result)])
    assert (problem.student_id, problem.kind, problem.where) == ("li", "could not be imported", "exercise_01")
    assert problem.message.startswith(said), problem.message


def test_a_graded_file_is_no_import_problem(grade, tmp_path: Path) -> None:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "exercise_01.py").write_bytes((REPO_ROOT / "solutions" / "exercise_01.py").read_bytes())
    with use_language("zh", COURSE_LOCALE):
        result = grade("exercise_01", folder)
    assert result.import_failure is None
    assert problems([_record("li", result)]) == []


def _exercise(message: str, failure: ImportFailure | None) -> ExerciseResult:
    checks = [CheckResult(id=f"c{i}", title=f"c{i}", status=CheckStatus.ERROR, points_possible=1, message=message)
              for i in range(2)]
    return ExerciseResult(id="exercise_01", title="one", checks=checks, import_failure=failure)


def test_the_marker_decides_not_the_wording() -> None:
    # Every check said the same English words the old text match looked for, but the file
    # was imported: each check raised on its own. And a marked one in any wording counts.
    same_words = _exercise("importing exercise_01.py raised ValueError: x", None)
    marked = _exercise("无论怎样措辞", ImportFailure.CRASHED)
    found = problems([_record("a", same_words, "en"), _record("b", marked)])
    assert [(p.student_id, p.kind) for p in found] == [("b", "could not be imported")]


def test_an_old_record_without_the_marker_still_reads() -> None:
    record = _record("a", _exercise("x", None), "en")
    data = record.to_json().replace('"import_failure":null,', "")
    assert '"import_failure"' not in data
    assert StudentRecord.from_json(data).report.exercises[0].import_failure is None  # type: ignore[union-attr]
