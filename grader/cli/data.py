"""`grader data [NAME]`: where a data set was looked for and found; download, import or verify it."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from grader.cli.common import console as make_console
from grader.cli.datasets import ENV_DATA_DIR, add_data_options, download, locate
from grader.errors import DataNotFound, GraderError
from grader.i18n import tr

if TYPE_CHECKING:
    from grader.data.providers import DataProvider


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
    data.add_argument("name", nargs="?", default=None, metavar="NAME",
                      help=tr("the data set, e.g. mnist (default: every one the grader knows)"))
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
    from grader.data.registry import default_providers

    providers = default_providers()
    chosen = [providers.get(args.name)] if args.name else list(providers)
    if len(chosen) > 1 and (args.download or args.import_from is not None):
        raise GraderError(tr("name the data set to fetch: one of {known}", known=", ".join(providers.names())),
                          hint=tr("e.g. `grader data {name} --download`", name=chosen[0].name))
    not_found = [provider for provider in chosen if not _show(provider, args)]
    if not_found:
        # After every data set was shown: the first one missing says how to provide it.
        raise DataNotFound(not_found[0].how_to_provide(locate(not_found[0], args)))
    return 0


def _show(provider: "DataProvider", args: argparse.Namespace) -> bool:
    """Fetch the data set if asked, then show where it was looked for and found; False: not found."""
    from grader.data.locate import default_cache_root, shown_reason, shown_source

    console = make_console(args)
    title = provider.title or provider.name
    target = args.to or provider.cache_dir(default_cache_root(os.environ, Path.home()))
    if args.download:
        download(provider, target, console)
        # soft_wrap: a path is never broken by an inserted newline (copy-paste, long temp paths).
        console.print(tr("{title} downloaded and verified in {folder}", title=title, folder=target),
                      markup=False, soft_wrap=True)
    elif args.import_from is not None:
        copied = provider.import_files(args.import_from, target)
        console.print(tr("imported {count} verified files into {folder}", count=len(copied), folder=target),
                      markup=False, soft_wrap=True)
    if (args.download or args.import_from is not None) and args.to is not None and args.data_dir is None:
        # Where the files just went, not where the usual search finds (or misses) the data.
        args.data_dir = [(None, args.to)]
    located = locate(provider, args)
    for candidate, why in located.passed_over:
        console.print(f"  {candidate.folder}  ({shown_source(candidate.source)}): {shown_reason(why)}",
                      markup=False, highlight=False, soft_wrap=True)
    if located.folder is None:
        return False
    console.print(tr("{title} found in {folder} ({source})", title=title, folder=located.folder,
                     source=shown_source(located.source)),
                  markup=False, highlight=False, soft_wrap=True)
    if args.verify:
        for name, verified in provider.verify(located.folder):
            state = tr("sha256 ok") if verified else tr("sha256 differs from the original file")
            console.print(f"  {name}: {state}", markup=False)
        loaded = provider.load(located.folder)  # reading validates every file
        console.print("  " + provider.summary(loaded), markup=False)
    if provider.attribution():
        console.print(provider.attribution(), markup=False, style="dim")
    return True
