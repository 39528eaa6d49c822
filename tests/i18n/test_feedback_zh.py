"""Feedback in the student's language: submissions graded under `use_language("zh")` read
Chinese, with their numbers, shapes and tensor excerpts intact; the same submissions
graded in English read the English text, word for word as before.

Each grading is a real one (sandbox, worker, checks of exercise 01): the messages are
built where grading builds them, some in the grading process, some from what a worker
reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.i18n import use_language
from grader.models.results import CheckStatus, ExerciseResult
from tests.conftest import REPO_ROOT, by_id

COURSE_LOCALE = REPO_ROOT / "locale"

# One submission, one grading per language, several kinds of feedback: corr2d computes a
# wrong value, conv2d returns the wrong shape, avg_pool2d crashes the worker, conv1x1
# never returns.
SEVERAL_MISTAKES = '''
_right_corr2d = corr2d
_right_conv2d = conv2d


def corr2d(x, k):
    out = _right_corr2d(x, k)
    out[-1, -1] += 1
    return out


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return _right_conv2d(x, weight, bias, stride, padding)[..., :-1, :]


def avg_pool2d(x, kernel_size, stride=None):
    import ctypes
    return ctypes.string_at(0)


def conv1x1(x, weight, bias=None):
    while True:
        pass
'''


def _graded(grade, language: str, folder: Path, **limits) -> ExerciseResult:
    with use_language(language, COURSE_LOCALE):
        return grade("exercise_01", folder, **limits)


@pytest.fixture(scope="module")
def several_mistakes(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("several_mistakes")
    reference = (REPO_ROOT / "solutions" / "exercise_01.py").read_text(encoding="utf-8")
    (folder / "exercise_01.py").write_text(reference + SEVERAL_MISTAKES, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def graded_both(several_mistakes, grade) -> dict[str, ExerciseResult]:
    """The several-mistakes submission graded in English and in Chinese (once per module)."""
    return {language: _graded(grade, language, several_mistakes, timeout_s=2) for language in ("en", "zh")}


@pytest.fixture(scope="module")
def grade(course, sandbox):  # module-scoped twin of conftest's `grade`
    from grader.engine.options import GradingOptions, LimitOverrides
    from grader.engine.run import grade_submission

    def _grade(exercise_id, folder, timeout_s=None, **limits):
        (exercise,) = course.select([exercise_id])
        report = grade_submission(course, [exercise], folder, sandbox, GradingOptions(LimitOverrides(timeout_s=timeout_s, **limits)))
        (result,) = report.exercises
        return result

    return _grade


def _excerpt(message: str) -> tuple[str, str, str]:
    """(window, expected values, got values) of a wrong-values message, in either language."""
    match = re.search(r"\n(?:around (\[.*\]):|在 (\[.*\]) 附近：)\n\s+(?:expected|期望值) (.*)\n\s+(?:got|实际值) (.*)$", message)
    assert match, message
    return match[1] or match[2], match[3], match[4]


def test_wrong_values_in_chinese_keep_the_numbers_and_the_excerpt(graded_both):
    en = by_id(graded_both["en"])["corr2d_lecture_example"]
    zh = by_id(graded_both["zh"])["corr2d_lecture_example"]
    assert en.status is zh.status is CheckStatus.FAILED
    assert en.message.startswith(
        "corr2d(x, k) has the right shape (3, 3) but wrong values: 1 of 9 elements differ; every wrong value is "
        "in the last row or the last column, and the rest is right: check the upper bounds of your loops or "
        "slices; the largest error is 1 at index (2, 2)\naround [0:3, 0:3]:\n  expected [["
    )
    assert zh.message.startswith(
        "corr2d(x, k) 的形状 (3, 3) 正确，但数值错误：9 个元素中有 1 个不同；所有错误的值都在最后一行或最后一列，"
        "其余都正确：请检查循环或切片的上界；最大误差为 1，位于索引 (2, 2)\n在 [0:3, 0:3] 附近：\n  期望值 [["
    )
    assert _excerpt(zh.message) == _excerpt(en.message)
    # The named mistake is recorded with the same id, its title in the student's language.
    assert [(m.id, m.title) for m in en.mistakes] == [("evidence.edge_wrong", "only the last row or column is wrong")]
    assert [(m.id, m.title) for m in zh.mistakes] == [("evidence.edge_wrong", "只有最后一行或最后一列错误")]


def test_wrong_shape_in_chinese(graded_both):
    en = by_id(graded_both["en"])["conv2d_lecture_padding"]
    zh = by_id(graded_both["zh"])["conv2d_lecture_padding"]
    assert en.message == (
        "conv2d(x, k, padding=1) has shape (1, 1, 4, 5), expected (1, 1, 5, 5); the output size is off by one: "
        "out = floor((in + 2*padding - kernel) / stride) + 1"
    )
    assert zh.message == (
        "conv2d(x, k, padding=1) 的形状为 (1, 1, 4, 5)，应为 (1, 1, 5, 5)；输出尺寸差了 1："
        "out = floor((in + 2*padding - kernel) / stride) + 1"
    )


def test_a_crash_in_chinese(graded_both):
    en = by_id(graded_both["en"])["avg_pool_random"]
    zh = by_id(graded_both["zh"])["avg_pool_random"]
    assert en.status is zh.status is CheckStatus.ERROR
    assert "avg_pool2d(): the process crashed with a segmentation fault (SIGSEGV)" in en.message
    assert "avg_pool2d()：进程因段错误而崩溃（SIGSEGV）" in zh.message


def test_a_timeout_in_chinese(graded_both):
    en = by_id(graded_both["en"])["conv1x1"]
    zh = by_id(graded_both["zh"])["conv1x1"]
    assert en.status is zh.status is CheckStatus.TIMEOUT
    assert en.message == "conv1x1() did not finish within the time limit (timeout_s=2)"
    assert zh.message == "conv1x1() 未能在时间限制内完成（timeout_s=2）"


def test_the_right_parts_pass_in_both_languages(graded_both):
    passed = {lang: {c.id for c in r.checks if c.status is CheckStatus.PASSED} for lang, r in graded_both.items()}
    assert passed["en"] == passed["zh"]
    assert {"max_pool_lecture_example", "max_pool_random", "conv2d_channel_mismatch"} <= passed["zh"]
    assert graded_both["en"].points_earned == graded_both["zh"].points_earned


def _submission(tmp_path: Path, content: bytes) -> Path:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "exercise_01.py").write_bytes(content)
    return folder


SYNTAX_ERROR = b"import torch\n\ndef corr2d(x, k)\n    return x\n"


@pytest.mark.parametrize("language, expected", [
    ("en", "exercise_01.py has a syntax error on line 3: expected ':'\n    def corr2d(x, k)"),
    ("zh", "exercise_01.py 第 3 行有语法错误：expected ':'\n    def corr2d(x, k)"),
])
def test_a_syntax_error_is_said_once(grade, tmp_path, language, expected):
    result = _graded(grade, language, _submission(tmp_path, SYNTAX_ERROR))
    assert {c.status for c in result.checks} == {CheckStatus.ERROR}
    assert {c.message for c in result.checks} == {expected}


@pytest.mark.parametrize("content", [b"", b"\n\n   \n"], ids=["empty", "blank lines"])
@pytest.mark.parametrize("language, expected", [
    ("en", "exercise_01.py is empty: there is no code to grade (was it saved?). Write your solution in it, "
           "keeping the function names from the exercise stub"),
    ("zh", "exercise_01.py 是空文件：没有可以评分的代码（文件保存了吗？）。请在其中写出你的答案，并保留练习模板中的函数名"),
])
def test_an_empty_file_is_called_empty(grade, tmp_path, content, language, expected):
    result = _graded(grade, language, _submission(tmp_path, content))
    assert {c.status for c in result.checks} == {CheckStatus.FAILED}
    assert {c.message for c in result.checks} == {expected}
    assert result.points_earned == 0


# Saved by an editor in GBK: the comment is harmless to Python, the string is not.
NOT_UTF8 = (
    "import torch\n# 卷积\n\ndef corr2d(x, k):\n    name = '互相关'\n    return x\n"
).encode("gbk")


@pytest.mark.parametrize("language, expected", [
    ("en", "exercise_01.py is not saved as UTF-8 (line 2 holds bytes that are not UTF-8 text, as an editor that "
           "saves in GBK or another local encoding writes them): save the file as UTF-8 in your editor and grade "
           "it again"),
    ("zh", "exercise_01.py 不是以 UTF-8 编码保存的（第 2 行含有不属于 UTF-8 文本的字节，以 GBK 或其他本地编码保存文件的"
           "编辑器会写出这样的字节）：请在编辑器中把文件另存为 UTF-8 编码，然后重新评分"),
])
def test_a_file_that_is_not_utf8_asks_for_utf8(grade, tmp_path, language, expected):
    result = _graded(grade, language, _submission(tmp_path, NOT_UTF8))
    assert {c.status for c in result.checks} == {CheckStatus.ERROR}
    assert {c.message for c in result.checks} == {expected}
    assert "codec" not in result.checks[0].message


def test_non_utf8_bytes_only_in_a_comment_still_grade(grade, tmp_path):
    """Python reads a comment it cannot decode; the file is graded, not refused."""
    reference = (REPO_ROOT / "solutions" / "exercise_01.py").read_bytes()
    folder = _submission(tmp_path, "# 第一次练习：卷积\n".encode("gbk") + reference)
    result = _graded(grade, "zh", folder)
    assert result.points_earned == result.points_possible


def test_a_syntax_error_in_a_module_the_file_imports_names_that_module(grade, tmp_path):
    folder = _submission(tmp_path, b"import torch\nfrom helpers import pad\n")
    (folder / "helpers.py").write_bytes(b"def pad(x):\n    return x +\n")
    result = _graded(grade, "zh", folder)
    assert {c.message for c in result.checks} == {"helpers.py 第 2 行有语法错误：invalid syntax\n    return x +"}


@pytest.mark.parametrize("name, content, empty", [
    ("exercise_01.py", b"", True),
    ("exercise_01.py", b" \n\t\n", True),
    ("exercise_01.py", b"# nothing yet\n", False),
    ("exercise_01.ipynb", b'{"cells": [{"cell_type": "markdown", "source": "# 1"}, '
                          b'{"cell_type": "code", "source": ["\\n", "  "]}]}', True),
    ("exercise_01.ipynb", b'{"cells": [{"cell_type": "code", "source": "import torch"}]}', False),
    ("exercise_01.ipynb", b"not json", False),
])
def test_what_counts_as_an_empty_file(name, content, empty):
    from grader.engine.student import is_empty_source

    assert is_empty_source(Path(name), content) is empty


def test_the_first_line_that_is_not_utf8():
    from grader.engine.student import first_non_utf8_line

    assert first_non_utf8_line("a\nb\n".encode()) is None
    assert first_non_utf8_line("a\n卷积\n".encode()) is None
    assert first_non_utf8_line(b"a\nb\n" + "# 卷积\n".encode("gbk")) == 3


@pytest.mark.parametrize("content", [b"", b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'],
                         ids=["zero bytes", "no cells"])
def test_an_empty_notebook_is_called_empty(grade, tmp_path, content):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "exercise_01.ipynb").write_bytes(content)
    result = _graded(grade, "zh", folder)
    assert {c.status for c in result.checks} == {CheckStatus.FAILED}
    assert {c.message for c in result.checks} == {
        "exercise_01.ipynb 是空文件：没有可以评分的代码（文件保存了吗？）。请在其中写出你的答案，并保留练习模板中的函数名"}
