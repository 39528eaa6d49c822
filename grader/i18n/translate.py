"""Translating with gettext catalogs in the language of the work at hand.

The active language is a context variable, not a global: a batch worker grades one
student in Chinese and the next in English, and the CLI renders the instructor's
gradebook in a third. `use_language` sets it for a block; `tr` reads it.

Lookups go to the course's catalog first (its check titles and messages), then the
engine's; a message neither translates stays English (gettext's fallback).
"""

from __future__ import annotations

import contextlib
import gettext
import string
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

ENGLISH = "en"
ENGINE_DOMAIN = "grader"
COURSE_DOMAIN = "course"
# argparse's own words (usage, its errors), as argparse words them: %-style msgids, kept
# by hand in the engine's locale folder (grader/cli/argparse_words.py looks them up).
ARGPARSE_DOMAIN = "argparse"
ENGINE_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
COURSE_LOCALE_FOLDER = "locale"  # in the course folder: locale/<lang>/LC_MESSAGES/course.mo


@dataclass(frozen=True)
class _Active:
    language: str
    translations: gettext.NullTranslations


_ENGLISH = _Active(ENGLISH, gettext.NullTranslations())
_active: ContextVar[_Active] = ContextVar("grader_language", default=_ENGLISH)


def available_languages(course_locale_dir: Path | None = None) -> tuple[str, ...]:
    """English, and every language the engine (or the course) has a catalog for."""
    found = {ENGLISH}
    for root, domain in ((ENGINE_LOCALE_DIR, ENGINE_DOMAIN), (course_locale_dir, COURSE_DOMAIN)):
        if root is not None and root.is_dir():
            found.update(p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{domain}.mo"))
    return tuple(sorted(found))


@lru_cache(maxsize=16)
def _translations(language: str, course_locale_dir: Path | None) -> gettext.NullTranslations:
    engine = gettext.translation(ENGINE_DOMAIN, ENGINE_LOCALE_DIR, [language], fallback=True)
    if course_locale_dir is None:
        return engine
    course = gettext.translation(COURSE_DOMAIN, course_locale_dir, [language], fallback=True)
    if type(course) is gettext.NullTranslations:
        return engine
    course.add_fallback(engine)
    return course


@contextlib.contextmanager
def use_language(language: str, course_locale_dir: Path | None = None) -> Iterator[str]:
    """Translate into `language` inside the block (English: no catalog at all)."""
    active = _ENGLISH if language == ENGLISH else _Active(language, _translations(language, course_locale_dir))
    token = _active.set(active)
    try:
        yield language
    finally:
        _active.reset(token)


def active_language() -> str:
    return _active.get().language


def _format(translated: str, original: str, params: dict[str, Any]) -> str:
    if not params:
        return translated
    try:
        return translated.format(**params)
    except (KeyError, IndexError, ValueError):
        # A translation that lost or renamed a placeholder (the catalog test forbids it):
        # the student still gets the message, in English.
        return original.format(**params)


def tr(message: str, /, **params: Any) -> str:
    """`message` in the active language, its {named} placeholders filled from `params`.

    Without params the text is returned as translated, braces and all. `message` is
    positional-only, so a placeholder may be called {message} too."""
    return _format(_active.get().translations.gettext(message), message, params)


def trn(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The singular or plural form for n (placeholders as in `tr`; {n} is n)."""
    params.setdefault("n", n)
    translated = _active.get().translations.ngettext(singular, plural, n)
    return _format(translated, singular if n == 1 else plural, params)


def join_phrases(phrases: Iterable[str]) -> str:
    """Phrases of one sentence as the language lists them: "3 graded, 1 missing" in
    English, "3 份已评分，1 份未提交" in Chinese (ids and paths keep ", ")."""
    # Translators: the separator between the items of a list of phrases.
    return tr(", ").join(phrases)


def N_(message: str) -> str:
    """Mark text for the catalog without translating it now (it is translated when shown)."""
    return message


def placeholders(message: str) -> set[str]:
    """The placeholders of a message, for the catalog's consistency test. A positional
    one (`{}`, `{0}`) is reported as "<positional>": tr() fills names only."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(message) if field is not None]
    except ValueError:
        return {"<unbalanced braces>"}
    return {"<positional>" if not field or field.split(".")[0].split("[")[0].isdigit() else field for field in fields}
