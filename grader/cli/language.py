"""--lang on every command, and the language a command speaks.

`main` chooses once per command (--lang, $GRADER_LANG, the locale, the course's
default) and translates the whole command in it, the course's own catalog included.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.i18n import COURSE_LOCALE_FOLDER, LanguageChoice, available_languages, choose_language


def add_option(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    """--lang before the command (`grader --lang zh check ...`) or after it; the
    command's own copy must not reset what was given before it, hence SUPPRESS."""
    parser.add_argument(
        "--lang",
        default=None if top_level else argparse.SUPPRESS,
        metavar="LANG",
        help="the language of what the grader says, e.g. zh or en (default: $GRADER_LANG, "
        "else the locale, else the course's own language)",
    )


def _course_quietly(explicit: Path | None):
    """The course this command works on, if there is one; its errors are the command's to report."""
    from grader.catalog.course import Course
    from grader.errors import GraderError

    try:
        return Course.find(explicit, os.environ, Path.cwd())
    except GraderError:
        return None


def choose_for(flag: str | None, course_dir: Path | None) -> tuple[LanguageChoice, Path | None]:
    """The language (`flag`, else $GRADER_LANG, the locale, the course's default) and the
    course's catalog folder (None: no course). Shared by the CLI and `grader.check()`."""
    course = _course_quietly(course_dir)
    locale_dir = course.root / COURSE_LOCALE_FOLDER if course is not None else None
    default = course.manifest.course.language if course is not None else None
    choice = choose_language(flag, os.environ, default, available_languages(locale_dir))
    return choice, locale_dir


def choose(args: argparse.Namespace) -> tuple[LanguageChoice, Path | None]:
    """The language for this command, and the course's catalog folder (None: no course)."""
    return choose_for(getattr(args, "lang", None), getattr(args, "course", None))
