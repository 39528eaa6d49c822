"""argparse's own words come from our `argparse` catalog: every message the running
Python's argparse can say is translated, or knowingly left in English, so that a new
Python's new message is noticed here rather than by a student reading English."""

from __future__ import annotations

import argparse
import ast
import gettext
from pathlib import Path

import pytest

from grader.cli import argparse_words
from grader.i18n import catalogs, use_language
from grader.i18n.translate import ARGPARSE_DOMAIN, ENGINE_LOCALE_DIR

# What only a mistake in building the parser makes argparse say (an exception while the
# CLI is built, before any student types anything): our bug to fix, never shown to a user.
LEFT_IN_ENGLISH = {
    "%r is not callable",
    "'required' is an invalid argument for positionals",
    ".__call__() not defined",
    "cannot have multiple subparser arguments",
    "cannot merge actions - two groups are named %r",
    "conflicting option string: %s",
    "conflicting subparser: %s",
    "conflicting subparser alias: %s",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "mutually exclusive arguments must be optional",
}


def argparse_messages() -> dict[str, str | None]:
    """What the running Python's argparse.py passes to `_()` and `ngettext()`: each
    msgid, with its plural (None: no plural). A call on something other than a literal
    (a subparsers title the caller gave) translates the caller's text, not argparse's."""
    found: dict[str, str | None] = {}
    for node in ast.walk(ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext")):
            continue
        literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.func.id == "ngettext" and len(literals) == 2:
            found[literals[0]] = literals[1]
        elif node.func.id == "_" and len(literals) == 1:
            found[literals[0]] = None
    return found


@pytest.mark.parametrize("language", catalogs.argparse_catalogs().languages())
def test_every_message_argparse_says_is_translated_or_knowingly_english(language):
    said = argparse_messages()
    assert "usage: " in said and "the following arguments are required: %s" in said  # still found the calls
    catalog = gettext.translation(ARGPARSE_DOMAIN, ENGINE_LOCALE_DIR, [language])
    untranslated = sorted(
        msgid for msgid, plural in said.items() if msgid not in LEFT_IN_ENGLISH
        and (catalog.gettext(msgid) if plural is None else catalog.ngettext(msgid, plural, 2)) in (msgid, plural)
    )
    assert not untranslated, (
        f"argparse ({argparse.__file__}) says messages that grader/locale/{language}/LC_MESSAGES/argparse.po "
        f"does not translate: add them there (then `grader messages compile --engine`), or to "
        f"LEFT_IN_ENGLISH if only a bug in building the parser shows them: {untranslated}"
    )


def test_argparse_still_looks_its_words_up_where_we_answer():
    # argparse reads these two module names at each message; were they gone, the help
    # would be English again without an error.
    argparse_words.install()
    assert argparse._ is argparse_words.argparse_gettext  # type: ignore[attr-defined]
    assert argparse.ngettext is argparse_words.argparse_ngettext  # type: ignore[attr-defined]


def test_outside_a_language_argparse_speaks_as_before():
    argparse_words.install()
    parser = argparse.ArgumentParser(prog="other")  # anyone's parser, not ours
    with use_language("zh"):
        assert argparse_words.argparse_ngettext("expected %s argument", "expected %s arguments", 2) == "需要 %s 个参数值"
        assert parser.format_usage().startswith("用法：other")
    assert parser.format_usage() == "usage: other [-h]\n"
    with use_language("en"):
        assert argparse_words.argparse_gettext("usage: ") == "usage: "


def test_a_language_without_an_argparse_catalog_is_english():
    with use_language("fr"):
        assert argparse_words.argparse_gettext("usage: ") == "usage: "
