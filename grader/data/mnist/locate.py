"""Where MNIST may be, in order, and how to tell a user to provide it.

Beside the usual places (--data-dir, $GRADER_DATA_DIR, the user cache) MNIST is looked
for in torchvision's layout, `<root>/MNIST/raw/`, where course notebooks put it.
"""

from __future__ import annotations

from pathlib import Path

from grader.data.locate import (
    ENV_VAR,
    NO_FOLDER,
    TORCHVISION,
    TORCHVISION_SUFFIX,
    USER_CACHE,
    Candidate,
    DataSearch,
    Located,
    find,
    shown_reason,
)
from grader.data.mnist.files import MNIST_FILES, missing_files
from grader.i18n import N_, tr

NAME = "mnist"
NO_FILES = N_("no MNIST files")


def cache_dir(cache_root: Path) -> Path:
    """MNIST's folder in the per-user cache: $XDG_CACHE_HOME/grader/mnist."""
    return cache_root / NAME


def _expand(folder: Path, source: str) -> list[Candidate]:
    """A folder with the four files, or a torchvision root holding them under MNIST/raw/."""
    return [
        Candidate(folder, source),
        Candidate(folder / "MNIST" / "raw", f"{source}{TORCHVISION_SUFFIX}"),
    ]


def candidates(search: DataSearch) -> list[Candidate]:
    """Where to look, first match wins: --data-dir, $GRADER_DATA_DIR, the user cache,
    then the torchvision roots a course notebook typically uses (./data, ./dataset/mnist)."""
    found: list[Candidate] = []
    if search.data_dir is not None:
        found += _expand(search.data_dir, "--data-dir")
    if search.env_dir:
        found += _expand(Path(search.env_dir), f"${ENV_VAR}")
    if search.cache_root is not None:
        found += _expand(cache_dir(search.cache_root), USER_CACHE)
    if search.cwd is not None:
        for root in (search.cwd / "data", search.cwd / "dataset" / "mnist"):
            found.append(Candidate(root / "MNIST" / "raw", TORCHVISION))
    return found


def find_mnist(search: list[Candidate]) -> Located:
    """The first candidate holding all four files (checked by name; loading validates them)."""
    return find(search, missing_files, len(MNIST_FILES), NO_FILES)


def how_to_provide(located: Located) -> str:
    """What a student reads when the data is missing: where we looked and the three ways to fix it."""
    names = ", ".join(spec.gz_name for spec in MNIST_FILES)
    looked = "; ".join(f"{c.folder} ({shown_reason(why)})" for c, why in located.passed_over if why != NO_FOLDER)
    absent = [str(c.folder) for c, why in located.passed_over if why == NO_FOLDER]
    # Each sentence brings its own space before it: Chinese sentences take none after "。".
    parts = [tr("MNIST data not found.")]
    if looked:
        parts.append(tr(" Looked in: {places}.", places=looked))
    if absent:
        parts.append(tr(" Not present: {folders}.", folders=", ".join(absent[:4]) + (" ..." if len(absent) > 4 else "")))
    parts.append(tr(
        " Provide it in one of these ways: run `grader data --download` (needs a network); "
        "or put the four files ({names}) in a folder and pass `--data-dir FOLDER` or set "
        "{variable}=FOLDER; or run `grader data --import FOLDER` to copy them into the user cache.",
        names=names, variable=ENV_VAR,
    ))
    return "".join(parts)
