"""Finding MNIST with this process's inputs (options, environment, home, working folder),
and downloading it with a progress bar: shared by `check`, `data` and `grade`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from grader.errors import DataError, DataNotFound
from grader.i18n import tr

if TYPE_CHECKING:
    from rich.console import Console

    from grader.data.locate import Located
    from grader.data.prepared import MnistProvider

ENV_DATA_DIR = "GRADER_DATA_DIR"


def add_data_options(parser: argparse.ArgumentParser, downloads: bool = True) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="FOLDER",
        help=tr("folder holding the four MNIST files (also: ${variable}; default: search the usual places)",
                variable=ENV_DATA_DIR),
    )
    if downloads:
        parser.add_argument(
            "--no-download", action="store_true", help=tr("never download MNIST when it is not found")
        )


def locate_mnist(args: argparse.Namespace) -> "Located":
    from grader.data.locate import candidates, default_cache_dir, find_mnist, shown_reason

    if args.data_dir is not None and not args.data_dir.is_dir():
        raise DataNotFound(tr("--data-dir {folder} is not a folder", folder=args.data_dir))
    located = find_mnist(
        candidates(
            data_dir=args.data_dir,
            env_dir=os.environ.get(ENV_DATA_DIR),
            cache_dir=default_cache_dir(os.environ, Path.home()),
            cwd=Path.cwd(),
        )
    )
    if args.data_dir is not None and located.source not in ("--data-dir", "--data-dir (torchvision layout)"):
        # An explicit folder that lacks the data is a mistake to report, not to search past.
        raise DataNotFound(
            tr("--data-dir {folder} does not hold MNIST ({reason})", folder=args.data_dir,
               reason=shown_reason(located.passed_over[0][1])),
            hint=tr("the folder must hold train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                    "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (or MNIST/raw/ with them)"),
        )
    return located


def download(dest: Path, console: "Console") -> None:
    """Download into `dest` with a progress bar: the only place that draws one."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from grader.data.download import download_mnist

    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        console=console, transient=True,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"MNIST {name}", total=total)
            bar.update(tasks[name], completed=done)

        download_mnist(dest, progress=progress)


def mnist_provider(args: argparse.Namespace, console: "Console", located: "Located | None" = None) -> "MnistProvider":
    """Find MNIST for `grader check` (or take what `locate_mnist` found), downloading it
    into the user cache when allowed."""
    from grader.data.locate import default_cache_dir, how_to_provide
    from grader.data.prepared import MnistProvider

    located = located if located is not None else locate_mnist(args)
    if located.folder is not None:
        return MnistProvider(located.folder)
    message = how_to_provide(located)
    if not args.no_download:
        cache = default_cache_dir(os.environ, Path.home())
        try:
            download(cache, console)
            return MnistProvider(cache)
        except (DataError, OSError) as error:
            reason = error.message if isinstance(error, DataError) else str(error)
            message += tr(" (A download was tried and failed: {reason})", reason=reason[:300])
    return MnistProvider(None, message)
