"""Which language the grader speaks: --lang, then $GRADER_LANG, then the locale, then the course."""

from __future__ import annotations

import pytest

from grader.i18n import choose_language, locale_language

AVAILABLE = ("en", "zh")


@pytest.mark.parametrize(
    "flag, environ, course, expected, source",
    [
        ("zh", {"GRADER_LANG": "en", "LANG": "en_US.UTF-8"}, "en", "zh", "--lang"),
        (None, {"GRADER_LANG": "zh", "LANG": "en_US.UTF-8"}, "en", "zh", "GRADER_LANG"),
        (None, {"LANG": "zh_CN.UTF-8"}, "en", "zh", "locale"),
        (None, {"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "zh", "en", "locale"),
        (None, {"LC_MESSAGES": "zh_TW", "LANG": "en_US"}, "en", "zh", "locale"),
        (None, {"LANG": "C.UTF-8"}, "zh", "zh", "course"),
        (None, {"LANG": "POSIX"}, "zh", "zh", "course"),
        (None, {}, "zh", "zh", "course"),
        (None, {}, None, "en", "default"),
        (None, {"LANG": "de_DE.UTF-8"}, "zh", "en", "locale"),
        ("ZH-cn", {}, None, "zh", "--lang"),
    ],
)
def test_the_first_source_that_names_a_language_wins(flag, environ, course, expected, source):
    choice = choose_language(flag, environ, course, AVAILABLE)
    assert (choice.language, choice.source) == (expected, source)
    assert choice.notice == ""


@pytest.mark.parametrize("flag, environ", [("klingon", {}), (None, {"GRADER_LANG": "fr"})])
def test_an_unknown_language_falls_back_to_english_with_a_one_line_notice(flag, environ):
    choice = choose_language(flag, {**environ, "LANG": "zh_CN.UTF-8"}, "zh", AVAILABLE)
    assert choice.language == "en"
    assert "\n" not in choice.notice
    assert repr(flag or environ["GRADER_LANG"]) in choice.notice and "en, zh" in choice.notice


def test_locale_variables_are_read_in_gettexts_order():
    assert locale_language({"LC_ALL": "", "LC_MESSAGES": "zh_CN.GB2312", "LANG": "en"}) == "zh"
    assert locale_language({"LANG": "C"}) is None
    assert locale_language({}) is None
