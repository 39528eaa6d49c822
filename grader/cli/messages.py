"""`grader messages`: keep the message catalogs (a course's, or the engine's own).

    grader messages update --lang zh   extract the messages, bring zh's .po up to date
    grader messages compile            write the .mo files gettext reads
    grader messages check              list what is untranslated or broken (exit 1)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from grader.cli.common import add_course_option, console
from grader.errors import GraderError
from grader.i18n import tr

if TYPE_CHECKING:
    from grader.i18n.catalogs import CatalogSet


class CatalogIncomplete(GraderError):
    exit_code = 1


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = sub.add_parser(
        "messages",
        help=tr("keep the message catalogs that translate the grader (needs grader[i18n])"),
        description=tr("Extract the messages a course's checks use into gettext catalogs "
                       "(locale/<lang>/LC_MESSAGES/course.po in the course folder), compile them, and find "
                       "what is untranslated. With --engine, the grader's own catalogs instead."),
    )
    parser.add_argument("action", choices=("update", "compile", "check"))
    parser.add_argument("--engine", action="store_true", help=tr("the engine's catalogs, not the course's"))
    parser.add_argument(
        "--language", action="append", default=None, metavar="LANG",
        help=tr("the catalog language to update or check (repeatable); default: every language "
                "with a catalog"),
    )
    add_course_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.catalog.course import Course
    from grader.i18n import catalogs as kept

    if args.engine:
        # The engine's messages, and argparse's own words (kept by hand, not extracted).
        sets = [kept.engine_catalogs(), kept.argparse_catalogs()]
    else:
        sets = [kept.course_catalogs(Course.find(args.course, os.environ, Path.cwd()).root)]
    incomplete = [_run_on(catalogs, args) for catalogs in sets]
    found = [message for message in incomplete if message]
    if found:
        raise CatalogIncomplete("; ".join(found))
    return 0


def _run_on(catalogs: CatalogSet, args: argparse.Namespace) -> str:
    """The action on one domain's catalogs; what is wrong with them ("": nothing)."""
    from rich.text import Text

    from grader.i18n import catalogs as kept

    out = console(args)
    languages = args.language or catalogs.languages()
    if not languages:
        raise GraderError(
            f"no catalogs in {catalogs.locale_dir}",
            hint="start one with `grader messages update --language zh`",
        )
    if args.action == "update":
        if catalogs.kept_by_hand:
            out.print(Text(f"kept by hand: {catalogs.po_path('<lang>')}"))
            return ""
        for language in languages:
            out.print(Text(f"updated {kept.update(catalogs, language)}"))
        return ""
    if args.action == "compile":
        for path in kept.compile_all(catalogs):
            out.print(Text(f"compiled {path}"))
        return ""
    found = kept.problems(catalogs, languages)
    for problem in found:
        out.print(Text(f"{problem.language}: {problem.problem}: {problem.message[:100]!r}"))
    if found:
        return f"{len(found)} problem(s) in the {catalogs.domain} catalogs"
    out.print(Text(f"the {catalogs.domain} catalogs are complete: {', '.join(languages)}"))
    return ""
