"""argparse's own words ("usage:", "options", its usage errors) in the command's language.

argparse looks up each of its messages, as it says it, through two names of its module:
`argparse._` and `argparse.ngettext` (`from gettext import gettext as _, ngettext`), with
its English text as the msgid (%-style placeholders, filled by argparse afterwards).
Pointing those two names at a catalog is how argparse is translated (the "How to translate
the argparse output" section of Python's argparse howto). Ours
is the `argparse` domain in grader/locale/<lang>/LC_MESSAGES/argparse.po, kept by hand,
read in the language `use_language` makes active when argparse speaks.

Not gettext's global set-up (`textdomain`, `bindtextdomain`): argparse would then ask the
process's default domain in the language of $LANGUAGE/$LC_ALL/$LANG, which knows nothing
of --lang or $GRADER_LANG, and every other library's `gettext.gettext` would change with it.

The two functions hold no state of their own: in English, and outside `use_language`
(which is English), they are the functions argparse imported, so any other parser in the
process behaves as before.
"""

from __future__ import annotations

import argparse
import gettext
from functools import lru_cache

from grader.i18n import ENGLISH, active_language
from grader.i18n.translate import ARGPARSE_DOMAIN, ENGINE_LOCALE_DIR

# What argparse imported, before `install` replaced it: English (or the process's
# default domain, as before).
_ARGPARSE_GETTEXT = argparse._  # type: ignore[attr-defined]
_ARGPARSE_NGETTEXT = argparse.ngettext  # type: ignore[attr-defined]


@lru_cache(maxsize=8)
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(ARGPARSE_DOMAIN, ENGINE_LOCALE_DIR, [language], fallback=True)


def argparse_gettext(message: str) -> str:
    """argparse's `message` in the active language; English where our catalog lacks it."""
    language = active_language()
    if language == ENGLISH:
        return _ARGPARSE_GETTEXT(message)
    return _catalog(language).gettext(message)


def argparse_ngettext(singular: str, plural: str, n: int) -> str:
    language = active_language()
    if language == ENGLISH:
        return _ARGPARSE_NGETTEXT(singular, plural, n)
    return _catalog(language).ngettext(singular, plural, n)


def install() -> None:
    """Let argparse say its words through our catalog (again and again: it is the same)."""
    argparse._ = argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = argparse_ngettext  # type: ignore[attr-defined]
