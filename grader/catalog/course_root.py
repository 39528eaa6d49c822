"""Where the course is, without reading it: --course DIR, else $GRADER_COURSE, else the
nearest folder at or above the working one holding a course.toml (as git and pytest find
their roots). Light on purpose (no pydantic): the CLI asks it for the course's language
before it has parsed its options.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Mapping

from grader.i18n import COURSE_LOCALE_FOLDER, LanguageChoice, available_languages, choose_language

COURSE_FILE = "course.toml"
ENV_COURSE = "GRADER_COURSE"


def course_root(explicit: Path | None, env: Mapping[str, str], cwd: Path) -> tuple[Path | None, list[Path]]:
    """The course folder (None when none was found) and the folders looked in.
    An explicit folder or $GRADER_COURSE is returned as given, course.toml or not."""
    if explicit is not None:
        return explicit, []
    if env.get(ENV_COURSE):
        return Path(env[ENV_COURSE]), []
    looked: list[Path] = []
    for folder in (cwd.resolve(), *cwd.resolve().parents):
        looked.append(folder)
        if (folder / COURSE_FILE).is_file():
            return folder, looked
    return None, looked


def course_language(root: Path | None) -> str | None:
    """`[course] language` of the course.toml in `root`, or None (no file, unreadable)."""
    if root is None:
        return None
    try:
        data = tomllib.loads((root / COURSE_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    language = data.get("course", {}).get("language") if isinstance(data.get("course"), dict) else None
    return language if isinstance(language, str) else None


def language_for(flag: str | None, course_dir: Path | None, env: Mapping[str, str],
                 cwd: Path) -> tuple[LanguageChoice, Path | None]:
    """The language (`flag`, else $GRADER_LANG, the locale, the course's default) and the
    course's catalog folder (None: no course), for the CLI and `grader.check()` alike.
    The course is located and its language read without validating it: its errors are
    the command's to report."""
    root, _ = course_root(course_dir, env, cwd)
    locale_dir = root / COURSE_LOCALE_FOLDER if root is not None else None
    return choose_language(flag, env, course_language(root), available_languages(locale_dir)), locale_dir
