"""Finding the data sets exercises need with this process's inputs (options, environment,
home, working folder), and downloading them with a progress bar: shared by `check`,
`data`, `grade` and the notebook command. Each data set is its provider's
(grader.data.providers): nothing here knows one."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from grader.data.locate import ENV_VAR, DataSearch, default_cache_root
from grader.errors import DataError, DataNotFound
from grader.i18n import tr

if TYPE_CHECKING:
    from rich.console import Console

    from grader.catalog.course import Exercise
    from grader.data.locate import Located
    from grader.data.prepared import DataSets, PreparedData
    from grader.data.providers import DataProvider

ENV_DATA_DIR = ENV_VAR


def _data_dir(text: str) -> tuple[str | None, Path]:
    """`FOLDER`, or `NAME=FOLDER` for one data set when an exercise needs several."""
    name, separator, folder = text.partition("=")
    if separator and name.isidentifier() and not Path(text).exists():
        return name, Path(folder)
    return None, Path(text)


def add_data_options(parser: argparse.ArgumentParser, downloads: bool = True) -> None:
    parser.add_argument(
        "--data-dir",
        type=_data_dir,
        action="append",
        default=None,
        metavar="[NAME=]FOLDER",
        help=tr("folder holding the data set's files, e.g. the four MNIST files; NAME=FOLDER for one data "
                "set of several (also: ${variable}; default: search the usual places)", variable=ENV_DATA_DIR),
    )
    if downloads:
        parser.add_argument(
            "--no-download", action="store_true", help=tr("never download a data set when it is not found")
        )


def given_data_dir(args: argparse.Namespace, name: str) -> Path | None:
    """The --data-dir given for data set `name` (NAME=FOLDER), else the one given without a name."""
    given = dict(args.data_dir or ())
    return given.get(name, given.get(None))


def search_for(args: argparse.Namespace, name: str, cwd: Path | None = None) -> DataSearch:
    return DataSearch.usual(os.environ, Path.home(), cwd or Path.cwd(), data_dir=given_data_dir(args, name))


def locate(provider: "DataProvider", args: argparse.Namespace) -> "Located":
    from grader.data.locate import shown_reason

    folder = given_data_dir(args, provider.name)
    if folder is not None and not folder.is_dir():
        raise DataNotFound(tr("--data-dir {folder} is not a folder", folder=folder))
    located = provider.find(search_for(args, provider.name))
    if folder is not None and not located.from_data_dir:
        # An explicit folder that lacks the data is a mistake to report, not to search past.
        passed = located.passed_over[0][1] if located.passed_over else ""
        raise DataNotFound(
            tr("--data-dir {folder} does not hold {title} ({reason})", folder=folder,
               title=provider.title or provider.name, reason=shown_reason(passed)),
            hint=provider.folder_hint() or provider.how_to_provide(located),
        )
    return located


def download(provider: "DataProvider", dest: Path, console: "Console") -> None:
    """Download into `dest` with a progress bar: the only place that draws one."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        console=console, transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"{provider.title or provider.name} {name}", total=total)
            bar.update(tasks[name], completed=done)

        provider.download(dest, progress=progress)


def open_data(provider: "DataProvider", args: argparse.Namespace, console: "Console",
              located: "Located | None" = None) -> "PreparedData":
    """Find a data set for `grader check` (or take what `locate` found), downloading it
    into the user cache when allowed."""
    from grader.data.prepared import PreparedData

    located = located if located is not None else locate(provider, args)
    if located.folder is not None:
        return PreparedData(provider, located.folder)
    message = provider.how_to_provide(located)
    if not args.no_download:
        cache = provider.cache_dir(default_cache_root(os.environ, Path.home()))
        try:
            download(provider, cache, console)
            return PreparedData(provider, cache)
        except (DataError, OSError) as error:
            reason = error.message if isinstance(error, DataError) else str(error)
            message += tr(" (A download was tried and failed: {reason})", reason=reason[:300])
    return PreparedData(provider, None, message)


def locate_all(exercises: list["Exercise"], args: argparse.Namespace) -> dict["DataProvider", "Located"]:
    """Where each data set the exercises need is (a usage error, such as a --data-dir
    without the data, is raised here, before any grading)."""
    from grader.engine.session import providers_needed

    return {provider: locate(provider, args) for provider in providers_needed(exercises)}


def open_data_sets(located: dict["DataProvider", "Located"], args: argparse.Namespace,
                   console: "Console") -> "DataSets":
    from grader.data.prepared import DataSets

    return DataSets(prepared=[open_data(provider, args, console, where) for provider, where in located.items()])

