"""Find a data set's folder: the places users expect, in order, and why each was passed over.

Every location is a parameter (`DataSearch`): the CLI reads the environment and the
working directory and hands them in, so nothing here depends on hidden inputs. Which
folders a data set looks in, and what makes a folder hold it, are its provider's.

Where a candidate came from and why it was passed over are kept in English (callers
compare them); `shown_source` and `shown_reason` say them in the active language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from grader.i18n import N_, tr

ENV_VAR = "GRADER_DATA_DIR"
DATA_DIR_OPTION = "--data-dir"
USER_CACHE = N_("the user cache")
TORCHVISION = N_("torchvision layout")
NO_FOLDER = N_("no such folder")
NO_FILES = N_("none of its files")
TORCHVISION_SUFFIX = f" ({TORCHVISION})"
MISSING = "missing "


@dataclass(frozen=True)
class DataSearch:
    """What this process was told about where data lives: --data-dir, $GRADER_DATA_DIR,
    the per-user cache root ($XDG_CACHE_HOME/grader) and the working folder."""

    data_dir: Path | None = None
    env_dir: str | None = None
    cache_root: Path | None = None
    cwd: Path | None = None

    @classmethod
    def usual(cls, environ: Mapping[str, str], home: Path, cwd: Path, data_dir: Path | None = None) -> "DataSearch":
        """Where `grader check` looks: `data_dir` (--data-dir), $GRADER_DATA_DIR, the user
        cache under `home`, the working folder."""
        return cls(data_dir=data_dir, env_dir=environ.get(ENV_VAR), cache_root=default_cache_root(environ, home),
                   cwd=cwd)


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

    @property
    def from_data_dir(self) -> bool:
        """Found in the folder given with --data-dir (directly or in a layout under it)."""
        return self.source == DATA_DIR_OPTION or self.source.startswith(DATA_DIR_OPTION + " (")


def default_cache_root(environ: Mapping[str, str], home: Path) -> Path:
    """The per-user cache, following the XDG convention: $XDG_CACHE_HOME/grader; each
    data set keeps its files in a folder of its name under it."""
    base = environ.get("XDG_CACHE_HOME") or str(home / ".cache")
    return Path(base) / "grader"


def find(search: list[Candidate], missing: Callable[[Path], list[str]], file_count: int,
         no_files: str = NO_FILES) -> Located:
    """The first candidate that lacks none of the data set's files (`missing(folder)`
    names those absent; checked by name, loading validates them)."""
    passed_over: list[tuple[Candidate, str]] = []
    for candidate in search:
        if not candidate.folder.is_dir():
            passed_over.append((candidate, NO_FOLDER))
            continue
        absent = missing(candidate.folder)
        if absent:
            what = no_files if len(absent) == file_count else MISSING + ", ".join(absent)
            passed_over.append((candidate, what))
            continue
        return Located(candidate.folder, candidate.source, passed_over)
    return Located(None, "", passed_over)


def shown_source(source: str) -> str:
    """Where a candidate came from, in the active language."""
    if source.endswith(TORCHVISION_SUFFIX):
        return tr("{source} (torchvision layout)", source=shown_source(source.removesuffix(TORCHVISION_SUFFIX)))
    return tr(source) if source in (USER_CACHE, TORCHVISION) else source


def shown_reason(why: str) -> str:
    """Why a candidate was passed over, in the active language."""
    if why.startswith(MISSING):
        return tr("missing {files}", files=why.removeprefix(MISSING))
    # A provider's own reasons are marked for translation (N_) where it defines them.
    return tr(why)
