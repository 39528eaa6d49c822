"""What every platform's reader gives: one submission per person, and notes on the rest.

A reader looks at the download's names only (never runs or opens student files,
except Gradescope's metadata file); the intake decides who each person is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from grader.i18n import tr

EXERCISE_FILE = re.compile(r"^exercise_\w+\.(py|ipynb)$")
# Left alone wherever they appear in a download: they are not anyone's submission.
SYSTEM_NAMES = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}


class Platform(str, Enum):
    CANVAS = "canvas"
    MOODLE = "moodle"
    GRADESCOPE = "gradescope"

    @property
    def title(self) -> str:
        return {"canvas": "Canvas", "moodle": "Moodle", "gradescope": "Gradescope"}[self.value]


@dataclass
class PlatformSubmission:
    """One person's submission as the platform names it. `files` maps a path in the
    student's staged folder to the download's file; `names` are the download's names."""

    platform: Platform
    user_id: str  # Canvas user id, Moodle participant id, Gradescope sid (or email)
    name: str = ""
    email: str = ""
    submission_id: str = ""
    late: bool = False
    files: dict[str, Path] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)

    @property
    def fallback_id(self) -> str:
        """The id it is graded under when the roster does not know the person."""
        return f"{self.platform.value}-{self.user_id or self.submission_id}"


@dataclass
class DownloadReading:
    platform: Platform
    root: Path  # the folder the platform's layout starts in
    submissions: list[PlatformSubmission]
    notes: list[str] = field(default_factory=list)  # every name not graded, and why (instructor's language)


def visible_entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.name not in SYSTEM_NAMES)


def unwrap(folder: Path) -> Path:
    """A download unzipped by hand often sits in one more folder: go down while that is all there is."""
    for _ in range(3):
        entries = visible_entries(folder)
        if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
            folder = entries[0]
        else:
            break
    return folder


def add_file(submission: PlatformSubmission, staged_name: str, path: Path, notes: list[str]) -> None:
    """Stage `path` as `staged_name`; a second file for the same name is reported, never silently lost."""
    if staged_name in submission.files:
        notes.append(tr("{name}: {student} has another file staged as {staged}; kept {kept}",
                        name=path.name, student=submission.user_id, staged=staged_name,
                        kept=submission.files[staged_name].name))
        return
    submission.files[staged_name] = path
