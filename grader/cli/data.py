"""`grader data`: where MNIST was looked for and found; download, import or verify it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.cli.common import console as make_console
from grader.cli.mnist import ENV_DATA_DIR, add_data_options, download, locate_mnist
from grader.errors import DataNotFound
from grader.i18n import tr


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    data = sub.add_parser(
        "data",
        help=tr("show where the MNIST data was found; download or import it"),
        description=tr("Without options: show where MNIST was looked for and found. "
                       "Search order: --data-dir, ${variable}, the user cache, torchvision's layout "
                       "(./data/MNIST/raw, ./dataset/mnist/MNIST/raw).", variable=ENV_DATA_DIR),
        epilog=tr("examples:\n"
                  "  grader data                          where MNIST was looked for, and found\n"
                  "  grader data --download               into the user cache (sha256-checked)\n"
                  "  grader data --import ~/Downloads     copy four files downloaded by hand"),
    )
    action = data.add_mutually_exclusive_group()
    action.add_argument("--download", action="store_true",
                        help=tr("download from the standard mirrors (sha256-checked)"))
    action.add_argument("--import", dest="import_from", type=Path, default=None, metavar="FOLDER",
                        help=tr("copy the four files from FOLDER after checking their sha256"))
    action.add_argument("--verify", action="store_true", help=tr("check the found files' sha256 and contents"))
    data.add_argument("--to", type=Path, default=None, metavar="FOLDER",
                      help=tr("where --download/--import put the files (default: the user cache)"))
    add_data_options(data, downloads=False)
    data.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.data.download import import_mnist, is_verified
    from grader.data.files import ATTRIBUTION, MNIST_FILES
    from grader.data.locate import default_cache_dir, how_to_provide, shown_source, shown_reason
    from grader.data.mnist import file_path, load_mnist

    console = make_console(args)
    target = args.to or default_cache_dir(os.environ, Path.home())
    if args.download:
        download(target, console)
        # soft_wrap: a path is never broken by an inserted newline (copy-paste, long temp paths).
        console.print(tr("MNIST downloaded and verified in {folder}", folder=target), markup=False, soft_wrap=True)
    elif args.import_from is not None:
        copied = import_mnist(args.import_from, target)
        console.print(tr("imported {count} verified files into {folder}", count=len(copied), folder=target),
                      markup=False, soft_wrap=True)
    if (args.download or args.import_from is not None) and args.to is not None and args.data_dir is None:
        # Where the files just went, not where the usual search finds (or misses) MNIST.
        args.data_dir = args.to
    located = locate_mnist(args)
    for candidate, why in located.passed_over:
        console.print(f"  {candidate.folder}  ({shown_source(candidate.source)}): {shown_reason(why)}",
                      markup=False, highlight=False, soft_wrap=True)
    if located.folder is None:
        raise DataNotFound(how_to_provide(located))
    console.print(tr("MNIST found in {folder} ({source})", folder=located.folder, source=shown_source(located.source)),
                  markup=False, highlight=False, soft_wrap=True)
    if args.verify:
        for spec in MNIST_FILES:
            path = file_path(located.folder, spec)
            assert path is not None
            state = tr("sha256 ok") if is_verified(path, spec) else tr("sha256 differs from the original file")
            console.print(f"  {path.name}: {state}", markup=False)
        data = load_mnist(located.folder)
        console.print(
            "  " + tr("{train} training and {test} test images read",
                      train=data.train_images.shape[0], test=data.test_images.shape[0]),
            markup=False,
        )
    console.print(ATTRIBUTION, markup=False, style="dim")
    return 0
