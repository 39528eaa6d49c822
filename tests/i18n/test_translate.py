"""Translating in the active language, with the course's catalog before the engine's."""

from __future__ import annotations

from pathlib import Path

from grader.i18n import active_language, tr, trn, use_language
from tests.conftest import REPO_ROOT

COURSE_LOCALE = REPO_ROOT / "locale"


def test_english_is_the_message_itself_with_its_placeholders_filled():
    assert active_language() == "en"
    assert tr("score {percent}%", percent=50) == "score 50%"
    assert tr("braces {kept} without params") == "braces {kept} without params"
    assert trn("{n} check", "{n} checks", 1) == "1 check"
    assert trn("{n} check", "{n} checks", 3) == "3 checks"
    # Any name is a placeholder's, the function's own parameter names included.
    assert tr("{message} and {params}", message="m", params="p") == "m and p"
    assert trn("{singular}", "{plural}", 2, singular="s", plural="p") == "p"


def test_the_language_holds_inside_the_block_only():
    with use_language("zh", COURSE_LOCALE):
        assert active_language() == "zh"
        assert tr("error: ") != "error: "
    assert active_language() == "en"
    assert tr("error: ") == "error: "


def test_the_course_catalog_translates_its_own_titles(course):
    (exercise, *_) = course.select(["exercise_01"])
    with use_language("zh", COURSE_LOCALE):
        title = tr(exercise.manifest.title)
    assert title != exercise.manifest.title and "卷积" in title


def test_a_translation_that_breaks_its_placeholders_still_gives_the_english_message(tmp_path: Path):
    import gettext

    from grader.i18n import translate

    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "坏了 {nonexistent}"

    token = translate._active.set(translate._Active("xx", Broken()))
    try:
        assert tr("got {value}", value=3) == "got 3"
    finally:
        translate._active.reset(token)
