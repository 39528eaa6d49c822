"""The `grader` command: one module per subcommand, each declaring its own options.

`main` is the one boundary that turns errors into messages and exit codes. Torch is
imported only after the sandbox's zygote has been started, so the two imports of torch
(ours and the zygote's) overlap.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import threading
from pathlib import Path
from typing import Sequence

from grader.version import __version__
from grader.cli import autograder, check, data, grade, init_ci, language, listing, messages, release, similarity
from grader.cli.check import FORMATS
from grader.cli.common import console
from grader.cli.parser import TranslatedParser
from grader.errors import GraderError
from grader.i18n import tr, use_language

__all__ = ["FORMATS", "build_parser", "main", "run"]

SUBCOMMANDS = (listing, check, data, grade, similarity, release, autograder, init_ci, messages)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, its help in the active language (build it inside
    `use_language`)."""
    parser = TranslatedParser(
        prog="grader",
        description=tr("Check PyTorch exercises against the course's reference solutions."),
    )
    parser.add_argument("--version", action="version", version=f"grader {__version__}",
                        help=tr("show the grader's version and exit"))
    _add_no_color(parser, top_level=True)
    language.add_option(parser, top_level=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in SUBCOMMANDS:
        command.add_parser(sub)
    for command_parser in sub.choices.values():
        _add_no_color(command_parser)
        language.add_option(command_parser)
    return parser


def _add_no_color(parser: argparse.ArgumentParser, top_level: bool = False) -> None:
    """--no-color before the command or after it (`grader check --all --no-color`); the
    command's own copy must not reset what was given before it, hence SUPPRESS."""
    parser.add_argument("--no-color", action="store_true", default=False if top_level else argparse.SUPPRESS,
                        help=tr("plain text output (also: NO_COLOR=1)"))


def _option_value(argv: Sequence[str], name: str) -> str | None:
    """The last `--name VALUE` / `--name=VALUE` in argv, before argparse has read it."""
    found = None
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            found = argv[index + 1]
        elif arg.startswith(name + "="):
            found = arg.split("=", 1)[1]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language is needed before argparse prints help or reports a bad option (both in
    # the user's language); the full choice is made again from the parsed options below.
    course = _option_value(argv, "--course")
    early, early_catalog = language.choose_for(_option_value(argv, "--lang"), Path(course) if course else None)
    with use_language(early.language, early_catalog):
        # Before the help or a usage error: on stderr, so what a format writes to stdout stays clean.
        hint = language.course_default_hint(early)
        if hint:
            print(hint, file=sys.stderr)
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
    from rich.text import Text  # Text, not markup: a message may quote a student's "[...]".

    choice, course_catalog = language.choose(args)
    if choice.notice:
        console(args, stderr=True).print(Text(f"note: {choice.notice}"), soft_wrap=True)
    try:
        with use_language(choice.language, course_catalog):
            return args.run(args)
    except GraderError as error:
        err = console(args, stderr=True)
        with use_language(choice.language, course_catalog):
            err.print(Text.assemble((tr("error: "), "bold red"), error.message), soft_wrap=True)
            if error.hint:
                err.print(Text(tr("hint: {hint}", hint=error.hint)), soft_wrap=True)
        return error.exit_code
    except KeyboardInterrupt:
        with use_language(choice.language, course_catalog):
            console(args, stderr=True).print(tr("interrupted"))
        return 130


def choose_threads() -> None:
    """The process's torch threads and how they wait, from the cores free now (affinity,
    cgroup quota, load, pressure: grader.cores), put in its environment before anything
    imports torch: libgomp reads it once, at that import, and the sandbox's zygote and a
    batch's workers inherit it. What the user set (OMP_NUM_THREADS, OMP_WAIT_POLICY,
    GOMP_SPINCOUNT) stays. Not in `main` either: it changes the process's environment."""
    from grader.cores.environment import settle
    from grader.cores.policy import choose
    from grader.cores.situation import read_situation

    _, additions = settle(os.environ, choose(read_situation()))
    os.environ.update(additions)


def run() -> None:
    """The `grader` command (and `python -m grader`): main, then an exit without the
    interpreter's teardown. With torch imported, that teardown (collecting millions of
    objects, then unloading every module) frees what the operating system frees anyway:
    ~0.3 s, a fifth of a cold `grader check` (benchmarks/bench_check.py). Everything the
    command opened is closed by then; what a normal exit does that matters (atexit
    handlers, flushing the standard streams) is done here first. With a non-daemon
    thread still running, the exit is the normal one, which waits for it.
    Not in `main`: a caller that stays alive (a test, a notebook) goes on as usual."""
    choose_threads()
    code = main()
    gc.freeze()
    atexit._run_exitfuncs()  # the handlers a normal exit runs (e.g. the pool's, the data's)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`grader check | head`): nothing to flush to
            pass
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
