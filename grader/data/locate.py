"""Find a folder holding MNIST: the places users expect, in order, and why each was passed over.

Every location is a parameter: the CLI reads the environment and the working
directory and hands them in, so nothing here depends on hidden inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from grader.data.files import MNIST_FILES, missing_files

ENV_VAR = "GRADER_DATA_DIR"


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
        Candidate(folder / "MNIST" / "raw", f"{source} (torchvision layout)"),
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
        found += _expand(cache_dir, "the user cache")
    if cwd is not None:
        for root in (cwd / "data", cwd / "dataset" / "mnist"):
            found.append(Candidate(root / "MNIST" / "raw", "torchvision layout"))
    return found


def find_mnist(search: list[Candidate]) -> Located:
    """The first candidate holding all four files (checked by name; loading validates them)."""
    passed_over: list[tuple[Candidate, str]] = []
    for candidate in search:
        if not candidate.folder.is_dir():
            passed_over.append((candidate, "no such folder"))
            continue
        missing = missing_files(candidate.folder)
        if missing:
            what = "no MNIST files" if len(missing) == len(MNIST_FILES) else f"missing {', '.join(missing)}"
            passed_over.append((candidate, what))
            continue
        return Located(candidate.folder, candidate.source, passed_over)
    return Located(None, "", passed_over)


def how_to_provide(located: Located) -> str:
    """What a student reads when the data is missing: where we looked and the three ways to fix it."""
    names = ", ".join(spec.gz_name for spec in MNIST_FILES)
    looked = "; ".join(f"{c.folder} ({why})" for c, why in located.passed_over if why != "no such folder")
    absent = [str(c.folder) for c, why in located.passed_over if why == "no such folder"]
    where = ""
    if looked:
        where += f" Looked in: {looked}."
    if absent:
        where += f" Not present: {', '.join(absent[:4])}{' ...' if len(absent) > 4 else ''}."
    return (
        "MNIST data not found." + where
        + " Provide it in one of these ways: run `grader data --download` (needs a network); "
        f"or put the four files ({names}) in a folder and pass `--data-dir FOLDER` or set "
        f"{ENV_VAR}=FOLDER; or run `grader data --import FOLDER` to copy them into the user cache."
    )
