"""An argparse parser that speaks the command's language, argparse's own words included.

The commands' help texts are `tr(...)` where they are declared, and the parser is built
once the language is chosen, so they come out translated. What argparse writes itself
("usage:", "options", "show this help message and exit", and its usage errors) it
takes from the C locale's gettext domain, which knows nothing of `--lang`; this parser
and its formatter put those through our catalog instead. An error argparse words in a
way not listed here is shown as argparse wrote it: in English, never lost.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

from grader.cli.wide_text import display_width, is_wide, wrap_wide
from grader.i18n import N_, tr

# The titles argparse gives its two default sections (Python 3.10+ says "options").
SECTION_TITLES = (N_("positional arguments"), N_("options"), N_("optional arguments"))

_ARGUMENT = re.compile(r"^argument (?P<argument>[^:]+): (?P<message>.*)$", re.DOTALL)

# argparse's own usage errors (Python 3.11's wording), each as a pattern and our template.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^the following arguments are required: (?P<names>.+)$"),
     N_("the following arguments are required: {names}")),
    (re.compile(r"^unrecognized arguments: (?P<names>.+)$"), N_("unrecognized arguments: {names}")),
    (re.compile(r"^invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)$"),
     N_("invalid choice: {value} (choose from {choices})")),
    (re.compile(r"^expected one argument$"), N_("expected one argument")),
    (re.compile(r"^expected at least one argument$"), N_("expected at least one argument")),
    (re.compile(r"^expected at most one argument$"), N_("expected at most one argument")),
    (re.compile(r"^not allowed with argument (?P<other>.+)$"), N_("not allowed with argument {other}")),
    (re.compile(r"^invalid (?P<kind>\w+) value: (?P<value>.+)$"), N_("invalid {kind} value: {value}")),
    (re.compile(r"^ambiguous option: (?P<option>\S+) could match (?P<matches>.+)$"),
     N_("ambiguous option: {option} could match {matches}")),
    (re.compile(r"^one of the arguments (?P<names>.+) is required$"),
     N_("one of the arguments {names} is required")),
    (re.compile(r"^ignored explicit argument (?P<value>.+)$"), N_("ignored explicit argument {value}")),
    (re.compile(r"^expected (?P<count>\d+) arguments?$"), N_("expected {count} argument(s)")),
)


def translate_error(message: str) -> str:
    """argparse's error message in the active language, where its wording is known."""
    argument = _ARGUMENT.match(message)
    if argument:
        return tr("argument {argument}: {message}", argument=argument["argument"],
                  message=translate_error(argument["message"]))
    for pattern, template in _ERRORS:
        found = pattern.match(message)
        if found:
            return tr(template, **found.groupdict())
    return message


_WIDE_HEADING = re.compile(r"(?m)^(\S[^\n]*[^\x00-\x7f]):$")  # a section heading in Chinese
_STAND_IN = "\0"  # for the usage prefix while argparse lays the usage out (never in a help text)


class TranslatedHelpFormatter(argparse.HelpFormatter):
    """Section titles and the usage prefix in the active language, and text with
    Chinese in it wrapped to the terminal's columns (argparse counts characters, and a
    Chinese character is two columns wide; it has no spaces to break at either)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not any(is_wide(c) for c in text):
            return super()._split_lines(text, width)
        return wrap_wide(self._whitespace_matcher.sub(" ", text).strip(), width)

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
        text = self._whitespace_matcher.sub(" ", text).strip()
        return "\n".join(indent + line for line in wrap_wide(text, width - len(indent)))

    def start_section(self, heading: str | None) -> None:
        super().start_section(tr(heading) if heading in SECTION_TITLES else heading)

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # type: ignore[no-untyped-def]
        prefix = tr("usage: ") if prefix is None else prefix
        if display_width(prefix) > len(prefix):
            # argparse indents the usage's continuation lines by len(prefix): lay it out
            # with a stand-in as wide as the prefix is on screen, swapped back in format_help.
            self._wide_prefix = prefix
            prefix = _STAND_IN * display_width(prefix)
        super().add_usage(usage, actions, groups, prefix)

    def format_help(self) -> str:
        text = super().format_help()
        wide = getattr(self, "_wide_prefix", None)
        if wide:
            text = text.replace(_STAND_IN * display_width(wide), wide, 1)
        # argparse ends every section heading with ":"; a Chinese heading takes "：".
        return _WIDE_HEADING.sub("\\1：", text)


class TranslatedParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words (help option, usage, errors) are translated;
    its subcommands' parsers are of the same class."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", TranslatedHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=tr("show this help message and exit"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, tr("{prog}: error: {message}", prog=self.prog, message=translate_error(message)) + "\n")
