"""An argparse parser that speaks the command's language, argparse's own words included,
and lays Chinese out to the terminal's columns.

The commands' help texts are `tr(...)` where they are declared, and the parser is built
once the language is chosen, so they come out translated. What argparse writes itself
("usage:", "options", "show this help message and exit", its usage errors) it looks up
through gettext as it says it: `argparse_words` answers from our catalog.
"""

from __future__ import annotations

import argparse
import re
import sys

from grader.cli import argparse_words
from grader.cli.argparse_words import argparse_gettext
from grader.cli.wide_text import display_width, is_wide, wrap_wide

_WHITESPACE = re.compile(r"\s+", re.ASCII)  # what argparse collapses (not U+3000)
_STAND_IN = "\0"  # for the usage prefix while argparse lays the usage out (never in a help text)


class WideTextHelpFormatter(argparse.HelpFormatter):
    """Text with Chinese in it wrapped to the terminal's columns (argparse counts
    characters, and a Chinese character is two columns wide; it has no spaces to break
    at either), and a description's example lines kept as written.

    argparse has no public hook for wrapping: `_split_lines` and `_fill_text` are the two
    methods its own Raw*HelpFormatter classes override for it, and the only ones here."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._wide_prefix = ""
        self._headings: list[str] = []

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not any(is_wide(c) for c in text):
            return super()._split_lines(text, width)
        return wrap_wide(_WHITESPACE.sub(" ", text).strip(), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        # A description or epilog is wrapped, except its lines that start with two spaces
        # (examples: a command line and what it does), which are kept as written.
        parts: list[str] = []
        prose: list[str] = []
        for line in text.splitlines() + [""]:
            if line.startswith("  ") or not line.strip():
                if prose:
                    parts.append(self._fill_prose(" ".join(prose), width, indent))
                    prose = []
                if line.strip():
                    parts.append(indent + line)
            else:
                prose.append(line)
        return "\n".join(parts)

    def _fill_prose(self, text: str, width: int, indent: str) -> str:
        if not any(is_wide(c) for c in text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap_wide(_WHITESPACE.sub(" ", text).strip(), width - len(indent)))

    def start_section(self, heading: str | None) -> None:
        if heading:
            self._headings.append(heading)
        super().start_section(heading)

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # type: ignore[no-untyped-def]
        prefix = argparse_gettext("usage: ") if prefix is None else prefix
        if display_width(prefix) > len(prefix):
            # argparse indents the usage's continuation lines by len(prefix): lay it out
            # with a stand-in as wide as the prefix is on screen, swapped back in format_help.
            self._wide_prefix = prefix
            prefix = _STAND_IN * display_width(prefix)
        super().add_usage(usage, actions, groups, prefix)

    def format_help(self) -> str:
        text = super().format_help()
        if self._wide_prefix:
            text = text.replace(_STAND_IN * display_width(self._wide_prefix), self._wide_prefix, 1)
        if sys.version_info < (3, 13):
            # Before 3.13 argparse ends a heading with ":" without asking its catalog
            # (3.13 asks for "%(heading)s:"): ask it here, so Chinese takes "：" on every Python.
            for heading in self._headings:
                ending = argparse_gettext("%(heading)s:") % {"heading": heading}
                text = text.replace(f"\n{heading}:\n", f"\n{ending}\n")
        return text


class TranslatedParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words come from our catalog and whose help wraps
    Chinese; its subcommands' parsers are of the same class (argparse's default)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        argparse_words.install()  # before argparse names its sections and its -h
        kwargs.setdefault("formatter_class", WideTextHelpFormatter)
        super().__init__(*args, **kwargs)
