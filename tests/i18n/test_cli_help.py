"""`grader --help` and argparse's usage errors in the command's language.

Every command's help is rendered in every language (a translation that argparse cannot
format, such as a stray "%", fails here), and Chinese text is wrapped to the terminal's
columns without splitting English words."""

from __future__ import annotations

import argparse

import pytest

from grader.cli import main
from grader.cli.argparse_words import argparse_gettext
from grader.cli.parser import TranslatedParser
from grader.cli.wide_text import display_width, wrap_wide
from grader.i18n import use_language

COMMANDS = ["", "list", "check", "data", "grade", "release", "init-ci", "messages"]


def _help(capsys, language: str, command: str) -> str:
    argv = ["--lang", language, *([command] if command else []), "--help"]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_commands_help_is_in_chinese(capsys, monkeypatch, command):
    monkeypatch.setenv("COLUMNS", "80")
    text = _help(capsys, "zh", command)
    assert text.startswith("用法：grader")
    assert "\n选项：\n" in text and "显示此帮助信息并退出" in text and "选项:" not in text
    assert "show this help message" not in text and "usage:" not in text
    # The translated text fits the terminal (the usage block above it is argparse's own
    # layout of option names, and a long choice list overflows in English too).
    translated = text.split("\n\n", 1)[1]
    assert all(display_width(line) <= 80 for line in translated.splitlines()), translated


@pytest.mark.parametrize("command", COMMANDS)
def test_english_help_keeps_argparses_words(capsys, command):
    text = _help(capsys, "en", command)
    assert text.startswith("usage: grader") and "show this help message and exit" in text


def test_a_commands_own_help_texts_are_translated(capsys):
    text = _help(capsys, "zh", "check")
    assert "检查所有练习" in text and "check every exercise" not in text
    assert "学生代码的限制" in text  # an option group's title


@pytest.mark.parametrize(("argv", "expected"), [
    (["check", "--formt", "json"], "grader：错误：无法识别的参数：--formt"),
    (["check", "--format", "x"], "grader check：错误：参数 --format：无效的选择：'x'（可选："),
    (["check", "--timeout"], "grader check：错误：参数 --timeout：需要一个参数值"),
    (["check", "--fail-under", "abc"], "grader check：错误：参数 --fail-under：'abc' 不是数字"),
    (["messages"], "grader messages：错误：缺少以下必需参数：action"),
    (["messages", "updat"], "grader messages：错误：参数 action：无效的选择：'updat'（可选：'update', 'compile', 'check'）"),
])
def test_usage_errors_are_in_chinese(capsys, argv, expected):
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "zh", *argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：") and expected in err


@pytest.mark.parametrize(("argv", "expected"), [
    (["check", "--formt", "json"], "grader: error: unrecognized arguments: --formt"),
    (["check", "--timeout"], "grader check: error: argument --timeout: expected one argument"),
    (["messages"], "grader messages: error: the following arguments are required: action"),
])
def test_usage_errors_in_english_are_argparses_own(capsys, argv, expected):
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "en", *argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: grader") and err.endswith(expected + "\n")


def test_an_error_argparse_words_otherwise_is_shown_as_it_is():
    parser = TranslatedParser()
    option = parser.add_argument("--x")
    with use_language("zh"):
        assert argparse_gettext("something argparse has not said before") == "something argparse has not said before"
        assert str(argparse.ArgumentError(option, "something new")) == "参数 --x：something new"
    assert str(argparse.ArgumentError(option, "something new")) == "argument --x: something new"


def test_chinese_wraps_to_columns_at_characters_and_keeps_words_whole():
    text = ("报告格式：terminal（终端表格）、json（结果模型）、junit（XML）、gradescope（results.json）、"
            "classroom（GitHub Classroom 的 base64 结果）、markdown、html（一个自包含的页面）。")
    for width in (20, 33, 56):
        lines = wrap_wide(text, width)
        assert all(display_width(line) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(any(word in line for line in lines) for word in ("terminal", "gradescope", "results.json"))
        assert not any(line[0] in "，。、；：）" for line in lines)
        assert not any(line[-1] == "（" for line in lines)


def test_the_chinese_usage_lines_up_under_its_wide_prefix(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    usage = _help(capsys, "zh", "release").split("\n\n", 1)[0].splitlines()
    first = usage[0]
    assert first.startswith("用法：grader release [") and len(usage) > 1
    column = display_width(first[:first.index("[")])
    assert all(len(line) - len(line.lstrip()) == column for line in usage[1:])
    assert all(display_width(line) <= 80 for line in usage)


def test_wrapping_keeps_every_character_and_its_rules_where_a_break_allows():
    import random

    rng = random.Random(1)
    alphabet = list("中文字符测试，。、；：）（「」abc ") + ["word", " "]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        width = rng.randint(1, 20)
        lines = wrap_wide(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(line and line == line.strip() for line in lines)
    assert wrap_wide("中 （abc）", 4) == ["中", "（abc）"]  # a bracket never ends a line alone
    # closing punctuation takes the character before it down, rather than start a line
    assert wrap_wide("以学号命名）。reports/", 12) == ["以学号命", "名）。", "reports/"]


@pytest.mark.parametrize("language, heading", [("en", "examples:"), ("zh", "例子：")])
def test_examples_keep_one_command_a_line(capsys, monkeypatch, language, heading):
    monkeypatch.setenv("COLUMNS", "80")
    text = _help(capsys, language, "check")
    examples = text[text.index(heading):].splitlines()[1:]
    assert [line.split()[:3] for line in examples] == [
        ["grader", "check", "03"], ["grader", "check", "03"], ["grader", "check", "--all"], ["grader", "check", "01"]]
