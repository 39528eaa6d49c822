"""What every command shares: the console, option types and the course option.

Only the CLI imports rich; it is imported late, so that `grader --help` stays instant
and `grader check` starts its sandbox before anything heavy is imported.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from grader.errors import ReportWriteError
from grader.i18n import tr

if TYPE_CHECKING:
    from rich.console import Console


def positive(kind: type) -> "Callable[[str], float | int]":
    """An argparse type for limits: a number above zero, or a usage error."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(tr("{text} is not a number", text=repr(text))) from None
        if value <= 0:
            raise argparse.ArgumentTypeError(tr("{text} must be above zero", text=text))
        return value

    return parse


def percentage(text: str) -> float:
    """An argparse type for --fail-under: a percentage between 0 and 100."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr("{text} is not a number", text=repr(text))) from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(tr("{text} is not a percentage between 0 and 100", text=text))
    return value


def add_course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course",
        type=Path,
        default=None,
        help=tr("the course folder (holds course.toml and checks/); default: $GRADER_COURSE, "
                "else the nearest folder with a course.toml at or above the current one"),
    )


def console(args: argparse.Namespace, stderr: bool = False) -> "Console":
    from rich.console import Console

    no_color = args.no_color or bool(os.environ.get("NO_COLOR"))
    return Console(stderr=stderr, no_color=no_color, highlight=False)


def write(path: Path, text: str) -> None:
    from grader.report.files import write_atomically

    write_atomically(path, text)


def append(path: Path, text: str) -> None:
    """Append to a file others also write (GitHub's step summary), never replacing it."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise ReportWriteError(
            tr("cannot append the summary to {path}: {reason}", path=path, reason=exc.strerror)
        ) from exc


@contextlib.contextmanager
def progress_lines(console: "Console", title: str) -> Iterator[Callable[[str], None]]:
    """Say how long work goes: a spinner whose text each step updates on a terminal; in
    a log (CI, a pipe, nohup) one line per step, with the minutes since the start, since a
    spinner draws nothing there and a build of many minutes would look hung."""
    from rich.markup import escape

    if console.is_terminal:
        with console.status(escape(title)) as status:
            yield lambda text: status.update(escape(text))
        return
    started = time.monotonic()
    said = ""

    def line(text: str) -> None:
        nonlocal said
        if text != said:
            said = text
            console.print(f"[{(time.monotonic() - started) / 60:4.1f} min] {text}", markup=False, highlight=False)

    line(title)
    yield line
