"""Which language to speak: --lang, then $GRADER_LANG, then the locale, then the course's default.

A language nobody has a catalog for is not an error: the grader speaks English and
says so in one line (`LanguageChoice.notice`). A locale that names such a language
just means English, silently, as gettext does; "C" and "POSIX" name no language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from grader.i18n.translate import ENGLISH

ENV_LANG = "GRADER_LANG"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


@dataclass(frozen=True)
class LanguageChoice:
    language: str
    source: str  # "--lang", "GRADER_LANG", "locale", "course", "default"
    notice: str = ""


def normalise(tag: str) -> str:
    """'zh_CN.UTF-8' -> 'zh', 'EN-us' -> 'en', 'zh-Hans' -> 'zh'."""
    tag = tag.strip().split(".", 1)[0].split("@", 1)[0]
    return tag.replace("-", "_").split("_", 1)[0].lower()


def locale_language(environ: Mapping[str, str]) -> str | None:
    """The language the locale asks for, as gettext reads it (the first variable set wins)."""
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            if value in ("C", "POSIX") or value.startswith(("C.", "POSIX.")):
                return None
            return normalise(value) or None
    return None


def choose_language(
    flag: str | None,
    environ: Mapping[str, str],
    course_default: str | None,
    available: Iterable[str],
) -> LanguageChoice:
    known = set(available) | {ENGLISH}
    for source, requested in (("--lang", flag), (ENV_LANG, environ.get(ENV_LANG))):
        if requested:
            language = normalise(requested)
            if language in known:
                return LanguageChoice(language, source)
            listed = ", ".join(sorted(known))
            return LanguageChoice(
                ENGLISH, source,
                f"no messages in {requested!r} (from {source}); speaking English. Languages: {listed}",
            )
    from_locale = locale_language(environ)
    if from_locale is not None:
        return LanguageChoice(from_locale if from_locale in known else ENGLISH, "locale")
    if course_default and normalise(course_default) in known:
        return LanguageChoice(normalise(course_default), "course")
    return LanguageChoice(ENGLISH, "default")
