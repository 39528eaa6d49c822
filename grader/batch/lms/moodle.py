"""Moodle's "Download all submissions" (mod_assign): a folder per participant and plugin.

Moodle builds each prefix as `<Full Name>_<participant id>_` (underscores in the name
become spaces, the whole passed through clean_filename; blind marking writes
"Participant" for the name, group submissions "<group>-<Full Name>"), then adds
`assignsubmission_<plugin>_`: a folder `Jane Doe_1234567_assignsubmission_file_/` holds
the files as uploaded (sub-folders kept). With "Download submissions in folders" off,
the same prefix starts each file's name instead. The participant id is the assignment's
own (the "Participant N" of its grading worksheet), not the user's id. Online text
(`assignsubmission_onlinetext_`) is reported, not graded.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.batch.lms.download import DownloadReading, Platform, PlatformSubmission, add_file, visible_entries
from grader.i18n import tr

FOLDER = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.*)$")


def looks_like(folder: Path) -> bool:
    return any(FOLDER.match(p.name) for p in visible_entries(folder))


def folder_name(name: str, participant_id: str) -> str:
    """The participant's folder as Moodle names it (for the feedback zip)."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", name.replace("_", " ")).strip() or "Participant"
    return f"{cleaned}_{participant_id}_assignsubmission_file_"


def read(folder: Path) -> DownloadReading:
    by_id: dict[str, PlatformSubmission] = {}
    notes: list[str] = []
    for path in visible_entries(folder):
        parsed = FOLDER.match(path.name)
        if parsed is None:
            notes.append(tr("{name}: not named as Moodle names a participant's submission; not graded",
                            name=path.name))
            continue
        submission = by_id.setdefault(parsed["id"], PlatformSubmission(
            Platform.MOODLE, parsed["id"], name=parsed["name"], submission_id=path.name))
        submission.names.append(path.name)
        if parsed["plugin"] != "file":
            notes.append(tr("{name}: Moodle's {plugin} submission, not files; not graded",
                            name=path.name, plugin=parsed["plugin"]))
            continue
        if path.is_dir():
            submission.submission_id = path.name
            for inner in sorted(path.rglob("*")):
                if inner.is_file() and not any(part.startswith(".") or part == "__MACOSX"
                                               for part in inner.relative_to(path).parts):
                    add_file(submission, inner.relative_to(path).as_posix(), inner, notes)
        elif parsed["file"]:
            add_file(submission, parsed["file"], path, notes)
        else:
            notes.append(tr("{name}: an empty name; not graded", name=path.name))
    return DownloadReading(Platform.MOODLE, folder, list(by_id.values()), notes)
