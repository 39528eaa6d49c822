"""The command line and `grader.check()` in Chinese: the language comes from the locale
without flags, --lang beats it, an unknown language is a one-line English notice; and
two messages mended on the way (an unknown exercise's suggestion, init-ci's wrapping).

tests/conftest.py sets GRADER_LANG=en for every test; the tests of the choice remove it.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import nbformat
import pytest
from rich.console import Console

import grader
from grader.catalog.course import closest_ids
from grader.cli import main
from tests.conftest import REPO_ROOT

_LANGUAGE_VARIABLES = ("GRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
NOTICE = "note: no messages in 'xx' (from --lang); speaking English. Languages: en, zh"


def _env(**settings: str) -> dict[str, str]:
    """This environment (GRADER_COURSE included) without any language choice, plus `settings`;
    PYTHONPATH makes the subprocess run this checkout's code."""
    env = {k: v for k, v in os.environ.items() if k not in _LANGUAGE_VARIABLES}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(settings)
    return env


def _grader(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", "--no-color", *args],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=600, env=env,
    )


def _check_solutions(*extra: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _grader("check", "exercise_01", "--submission", str(REPO_ROOT / "solutions"), *extra, env=env)


def test_a_chinese_locale_picks_chinese_without_flags() -> None:
    done = _check_solutions(env=_env(LANG="zh_CN.UTF-8"))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "检查项" in out and "状态" in out and "反馈" in out and "通过" in out
    assert "exercise_01: 20/20 分" in out and "总分：20/20 分（100%）" in out
    assert "PASS" not in out and "Total:" not in out and "points" not in out


def test_lang_en_beats_the_locale() -> None:
    done = _check_solutions("--lang", "en", env=_env(LANG="zh_CN.UTF-8"))
    assert done.returncode == 0, done.stderr
    assert "Total: 20/20 points (100%)" in done.stdout and "PASS" in done.stdout
    assert "通过" not in done.stdout and "总分" not in done.stdout


def test_an_unknown_language_is_a_one_line_english_notice() -> None:
    done = _grader("check", "exercise_99", "--lang", "xx", env=_env(LANG="zh_CN.UTF-8"))
    assert done.returncode == 2  # the unknown exercise's; the language is never an error
    lines = done.stderr.splitlines()
    assert lines[0] == NOTICE
    assert lines[1:] == [
        "error: unknown exercise 'exercise_99'",
        "hint: the exercises are exercise_01 … exercise_06 (`grader list` shows them)",
    ]


@pytest.mark.parametrize(
    ("settings", "chinese", "hinted"),
    [
        ({"LANG": "en_US.UTF-8"}, False, False),  # the locale beats the course's default (zh)
        ({}, True, True),  # no choice at all: the course's default, and how to switch first
        ({"LANG": "C.UTF-8"}, True, True),  # C names no language
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, True, False),  # LC_ALL before LANG
        ({"GRADER_LANG": "en", "LANG": "zh_CN.UTF-8"}, False, False),  # GRADER_LANG before the locale
    ],
)
def test_the_order_of_the_choice(settings: dict[str, str], chinese: bool, hinted: bool) -> None:
    done = _grader("check", "exercise_99", env=_env(**settings))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    hint = "Language: 中文 (course default). For English: --lang en or GRADER_LANG=en · 语言：中文（课程默认）"
    assert lines[0].startswith(hint) == hinted
    expected = "错误：未知的练习 'exercise_99'" if chinese else "error: unknown exercise 'exercise_99'"
    assert lines[1 if hinted else 0] == expected


# --- mended: an unknown exercise's suggestion --------------------------------------


def test_suggestions_are_only_the_genuinely_close_ids() -> None:
    ids = [f"exercise_0{n}" for n in range(1, 7)]
    assert closest_ids("exercise_99", ids) == []
    assert closest_ids("exercise_7", ids) == []
    assert closest_ids("conv", ids) == []
    assert closest_ids("exercise_1", ids) == ["exercise_01"]
    assert closest_ids("excercise_03", ids) == ["exercise_03"]
    assert closest_ids("Exercise_04", ids) == ["exercise_04"]


@pytest.mark.parametrize(
    ("lang", "asked", "error", "hint"),
    [
        ("en", "exercise_99", "error: unknown exercise 'exercise_99'",
         "hint: the exercises are exercise_01 … exercise_06 (`grader list` shows them)"),
        ("zh", "exercise_99", "错误：未知的练习 'exercise_99'",
         "提示：练习编号为 exercise_01 … exercise_06（`grader list` 可列出全部练习）"),
        ("en", "99", "error: unknown exercise '99'",
         "hint: the exercises are exercise_01 … exercise_06 (`grader list` shows them)"),
        ("en", "exercise_1", "error: unknown exercise 'exercise_1'", "hint: did you mean exercise_01?"),
        ("zh", "excercise_02", "错误：未知的练习 'excercise_02'", "提示：你是不是想输入 exercise_02？"),
    ],
)
def test_an_unknown_exercise_gets_the_close_ids_or_the_range(capsys, lang, asked, error, hint) -> None:
    assert main(["--no-color", "check", asked, "--lang", lang]) == 2
    assert capsys.readouterr().err.splitlines() == [error, hint]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--lang", "zh", "check", "exercise_99"], "错误：未知的练习 'exercise_99'"),
        (["--lang", "zh", "check", "exercise_99", "--lang", "en"], "error: unknown exercise 'exercise_99'"),
        (["check", "exercise_99", "--lang", "zh"], "错误：未知的练习 'exercise_99'"),
    ],
)
def test_lang_goes_before_the_command_or_after_it_and_the_later_one_wins(capsys, argv, error) -> None:
    assert main(["--no-color", *argv]) == 2
    assert capsys.readouterr().err.splitlines()[0] == error


# --- mended: init-ci's message does not break mid-sentence -------------------------


@pytest.mark.parametrize(
    ("lang", "wrote", "sentence"),
    [("en", "wrote ", "commit and push it to grade every push"),
     ("zh", "已写入 ", "提交并推送它，之后每次推送都会自动评分")],
)
def test_init_ci_keeps_its_sentence_whole(tmp_path, monkeypatch, capsys, lang, wrote, sentence) -> None:
    repository = tmp_path / "a-student-repository-with-a-rather-long-name" / "exercises-of-the-course"
    repository.mkdir(parents=True)
    (repository / "checks").mkdir()
    (repository / "course.toml").write_text('[course]\ntitle = "A kit"\n')
    monkeypatch.chdir(repository)
    monkeypatch.setenv("COLUMNS", "60")  # narrower than the path: the old message broke here
    code = main(["--no-color", "init-ci", "--lang", lang, "--torch", "2.5.1",
                 "--grader-source", "grader @ git+https://example.org/g@v1"])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    target = repository / ".github" / "workflows" / "grader.yml"
    assert lines == [f"{wrote}{target}", sentence]


# --- grader.check() in a notebook --------------------------------------------------


def _notebook_check(monkeypatch, *, lang: str | None = None, **env: str) -> str:
    for name in _LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    assert grader.check("exercise_99", course=REPO_ROOT, console=Console(file=out, width=200), lang=lang) is None
    return out.getvalue()


def test_grader_check_chooses_the_language_as_the_cli_does(monkeypatch) -> None:
    chinese = ["错误：未知的练习 'exercise_99'", "提示：练习编号为 exercise_01 … exercise_06（`grader list` 可列出全部练习）"]
    english = ["error: unknown exercise 'exercise_99'",
               "hint: the exercises are exercise_01 … exercise_06 (`grader list` shows them)"]
    assert _notebook_check(monkeypatch, GRADER_LANG="zh").splitlines() == chinese
    assert _notebook_check(monkeypatch, LANG="zh_CN.UTF-8").splitlines() == chinese
    assert _notebook_check(monkeypatch).splitlines() == chinese  # the course's default
    assert _notebook_check(monkeypatch, LANG="en_US.UTF-8").splitlines() == english
    assert _notebook_check(monkeypatch, lang="en", GRADER_LANG="zh").splitlines() == english
    notice = "note: no messages in 'xx' (from GRADER_LANG); speaking English. Languages: en, zh"
    assert _notebook_check(monkeypatch, GRADER_LANG="xx").splitlines() == [notice, *english]


class _FakeKernel:
    def __init__(self, user_ns: dict[str, object], execution_count: int) -> None:
        self.user_ns = user_ns
        self.execution_count = execution_count


def test_grader_check_shows_a_chinese_report(tmp_path, monkeypatch, cli_sandbox) -> None:
    solution = (REPO_ROOT / "solutions" / "exercise_01.py").read_text()
    path = tmp_path / "exercise_01.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(solution)]), path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRADER_LANG", "zh")
    # The kernel ran `x = 1` as In [1], which the saved notebook does not hold.
    kernel = _FakeKernel({"__vsc_ipynb_file__": str(path), "In": ["", "x = 1"]}, execution_count=2)
    monkeypatch.setattr("grader.notebook._kernel", lambda: kernel)
    out = io.StringIO()
    report = grader.check("exercise_01", course=REPO_ROOT, console=Console(file=out, width=400))
    assert report is not None and report.points_earned == report.points_possible == 20
    shown = out.getvalue()
    assert shown.startswith("警告：磁盘上的笔记本不包含 In [1]，即你最后运行的单元格：它有未保存的更改。")
    assert "exercise_01.ipynb（运行 grader.check() 的笔记本）" in shown
    assert "┃ 检查项" in shown and "通过" in shown and "总分：20/20 分（100%）" in shown
    assert "PASS" not in shown


def test_a_bad_option_value_is_reported_in_the_chosen_language(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "1", "--timeout", "-1", "--lang", "zh"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "grader check：错误：参数 --timeout：-1 必须大于零"
