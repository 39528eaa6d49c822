"""--lang on every command, and the language a command speaks.

`main` chooses once per command (--lang, $GRADER_LANG, the locale, the course's
default) and translates the whole command in it, the course's own catalog included.
Where nobody chose (`LANG=C.UTF-8`, Docker's and CI's default, names no language) and the
course's default is not English, the command's first line on stderr says how to switch.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.catalog.course_root import language_for
from grader.i18n import ENGLISH, N_, LanguageChoice, tr

_HINT = N_("Language: {name} (course default). For English: --lang en or GRADER_LANG=en")


def add_option(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    """--lang before the command (`grader --lang zh check ...`) or after it; the
    command's own copy must not reset what was given before it, hence SUPPRESS."""
    parser.add_argument(
        "--lang",
        default=None if top_level else argparse.SUPPRESS,
        metavar="LANG",
        help=tr("the language of what the grader says, e.g. zh or en (default: $GRADER_LANG, "
                "else the locale, else the course's own language)"),
    )


def choose_for(flag: str | None, course_dir: Path | None) -> tuple[LanguageChoice, Path | None]:
    """The language and the course's catalog folder, with this process's environment."""
    return language_for(flag, course_dir, os.environ, Path.cwd())


def choose(args: argparse.Namespace) -> tuple[LanguageChoice, Path | None]:
    """The language for this command, and the course's catalog folder (None: no course)."""
    return choose_for(getattr(args, "lang", None), getattr(args, "course", None))


def course_default_hint(choice: LanguageChoice) -> str:
    """One line, in English and in the language spoken, saying how to switch to English,
    when the language is the course's default for want of any choice ("": none due).
    Call it inside `use_language(choice.language, ...)`."""
    if choice.source != "course" or choice.language == ENGLISH:
        return ""
    # Translators: not the word "English" but the name of the language you translate
    # into, in that language ("中文"): the hint names the language being spoken.
    own_name = tr("English")
    name = choice.language if own_name == "English" else own_name  # a language only the course has
    english = _HINT.format(name=name)
    translated = tr(_HINT, name=name)
    return english if translated == english else f"{english} · {translated}"
