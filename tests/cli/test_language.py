"""The hint a command gives when it speaks the course's default language for want of a
choice (`LANG=C.UTF-8`, Docker's and CI's default): on stderr, first, in both languages."""

from __future__ import annotations

import pytest

from grader.cli import main
from grader.cli.language import course_default_hint
from grader.i18n import choose_language, use_language

HINT_EN = "Language: 中文 (course default). For English: --lang en or GRADER_LANG=en"
HINT_ZH = "语言：中文（课程默认）。切换英文：--lang en 或 GRADER_LANG=en"


@pytest.fixture
def no_choice(monkeypatch):
    """An instructor's shell in a container: LANG=C.UTF-8 and nothing else."""
    for name in ("GRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return monkeypatch


def test_the_course_default_says_how_to_switch_first_on_stderr(capsys, no_choice):
    assert main(["list"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == f"{HINT_EN} · {HINT_ZH}"
    assert "For English" not in captured.out and "练习" in captured.out


def test_the_hint_comes_before_the_help_and_a_usage_error(capsys, no_choice):
    with pytest.raises(SystemExit):
        main(["check", "--formt"])
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(HINT_EN) and err[1].startswith("用法：")


@pytest.mark.parametrize("argv, environ", [
    (["list"], {"GRADER_LANG": "zh"}),
    (["list"], {"LANG": "en_US.UTF-8"}),
    (["list"], {"LANG": "zh_CN.UTF-8"}),
    (["--lang", "zh", "list"], {}),
    (["list", "--lang", "en"], {}),
])
def test_no_hint_where_a_language_was_chosen(capsys, no_choice, argv, environ):
    for name, value in environ.items():
        no_choice.setenv(name, value)
    assert main(argv) == 0
    assert "GRADER_LANG=en" not in capsys.readouterr().err


def test_no_hint_where_the_course_default_is_english():
    choice = choose_language(None, {"LANG": "C.UTF-8"}, "en", ("en", "zh"))
    assert choice.source == "course" and course_default_hint(choice) == ""


def test_a_language_only_the_course_translates_is_named_by_its_code():
    choice = choose_language(None, {}, "fr", ("en", "fr", "zh"))
    with use_language("fr"):  # the engine has no French: the hint stays English
        assert course_default_hint(choice) == "Language: fr (course default). For English: --lang en or GRADER_LANG=en"
