"""The students' language: choosing it, and translating what the grader says in it.

Messages are written in English with named placeholders and pass through `tr`
(`trn` where English has a plural); text fixed at import time (a mistake's title, a
check's title) is translated where it is shown. The catalogs are standard gettext
`.po`/`.mo` files: the engine's in `grader/locale/`, a course's own in its `locale/`
folder (`grader messages` extracts and compiles them). See docs/languages.md.
"""

from grader.i18n.choose import ENV_LANG, LanguageChoice, choose_language, locale_language
from grader.i18n.translate import (
    COURSE_LOCALE_FOLDER,
    ENGLISH,
    N_,
    active_language,
    available_languages,
    join_phrases,
    tr,
    trn,
    use_language,
)

__all__ = [
    "COURSE_LOCALE_FOLDER",
    "ENGLISH",
    "ENV_LANG",
    "LanguageChoice",
    "N_",
    "active_language",
    "available_languages",
    "choose_language",
    "join_phrases",
    "locale_language",
    "tr",
    "trn",
    "use_language",
]
