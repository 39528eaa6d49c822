"""Find a folder holding MNIST: the places users expect, in order, and why each was passed over.

Every location is a parameter: the CLI reads the environment and the working
directory and hands them in, so nothing here depends on hidden inputs.

Where a candidate came from and why it was passed over are kept in English (callers
compare them); `shown_source` and `shown_reason` say them in the active language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from grader.data.files import MNIST_FILES, missing_files
from grader.i18n import N_, tr

ENV_VAR = "GRADER_DATA_DIR"
USER_CACHE = N_("the user cache")
TORCHVISION = N_("torchvision layout")
NO_FOLDER = N_("no such folder")
NO_FILES = N_("no MNIST files")
_TORCHVISION_SUFFIX = f" ({TORCHVISION})"
_MISSING = "missing "


@dataclass(frozen=True)
class Candidate:
    folder: Path
    source: str  # where the candidate came from, in the user's words


@dataclass(frozen=True)
class Located:
    """The outcome of a search: the folder to use (or None) and what was looked at."""

    folder: Path | None
    source: str = ""
    passed_over: list[tuple[Candidate, str]] = field(default_factory=list)


def default_cache_dir(environ: Mapping[str, str], home: Path) -> Path:
    """The per-user cache, following the XDG convention: $XDG_CACHE_HOME/grader/mnist."""
    base = environ.get("XDG_CACHE_HOME") or str(home / ".cache")
    return Path(base) / "grader" / "mnist"


def _expand(folder: Path, source: str) -> list[Candidate]:
    """A folder with the four files, or a torchvision root holding them under MNIST/raw/."""
    return [
        Candidate(folder, source),
        Candidate(folder / "MNIST" / "raw", f"{source}{_TORCHVISION_SUFFIX}"),
    ]


def candidates(
    *,
    data_dir: Path | None = None,
    env_dir: str | None = None,
    cache_dir: Path | None = None,
    cwd: Path | None = None,
) -> list[Candidate]:
    """Where to look, first match wins: --data-dir, $GRADER_DATA_DIR, the user cache,
    then the torchvision roots a course notebook typically uses (./data, ./dataset/mnist)."""
    found: list[Candidate] = []
    if data_dir is not None:
        found += _expand(data_dir, "--data-dir")
    if env_dir:
        found += _expand(Path(env_dir), f"${ENV_VAR}")
    if cache_dir is not None:
        found += _expand(cache_dir, USER_CACHE)
    if cwd is not None:
        for root in (cwd / "data", cwd / "dataset" / "mnist"):
            found.append(Candidate(root / "MNIST" / "raw", TORCHVISION))
    return found


def find_mnist(search: list[Candidate]) -> Located:
    """The first candidate holding all four files (checked by name; loading validates them)."""
    passed_over: list[tuple[Candidate, str]] = []
    for candidate in search:
        if not candidate.folder.is_dir():
            passed_over.append((candidate, NO_FOLDER))
            continue
        missing = missing_files(candidate.folder)
        if missing:
            what = NO_FILES if len(missing) == len(MNIST_FILES) else _MISSING + ", ".join(missing)
            passed_over.append((candidate, what))
            continue
        return Located(candidate.folder, candidate.source, passed_over)
    return Located(None, "", passed_over)


def shown_source(source: str) -> str:
    """Where a candidate came from, in the active language."""
    if source.endswith(_TORCHVISION_SUFFIX):
        return tr("{source} (torchvision layout)", source=shown_source(source.removesuffix(_TORCHVISION_SUFFIX)))
    return tr(source) if source in (USER_CACHE, TORCHVISION) else source


def shown_reason(why: str) -> str:
    """Why a candidate was passed over, in the active language."""
    if why.startswith(_MISSING):
        return tr("missing {files}", files=why.removeprefix(_MISSING))
    return tr(why) if why in (NO_FOLDER, NO_FILES) else why


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
