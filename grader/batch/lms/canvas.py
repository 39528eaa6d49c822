"""Canvas's "Download Submissions": one flat folder (a zip, unpacked) of the latest attempts.

Canvas names each file `<name>_[late_]<user id>_<attachment id>_<file name>`: `<name>`
is the student's sortable name in lower case with everything but letters and digits
removed (e.g. `doejane`), `late_` marks a submission after the due date, and the file
name is the one the student uploaded, except that Canvas renames a file uploaded again
with the same name by adding `-1`, `-2`, ... before the extension (`exercise_01-1.py`).
Text entries and URLs come as `<name>_<user id>_text.html` / `_link.html`: not graded,
reported. See docs/platforms.md#canvas-and-moodle for the sources.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.batch.lms.download import (EXERCISE_FILE, DownloadReading, Platform, PlatformSubmission, add_file,
                                       visible_entries)
from grader.i18n import tr

NAME = re.compile(r"^(?P<name>[^_]+)_(?:(?P<late>late)_)?(?P<user>\d+)_(?:(?P<attachment>\d+)_)?(?P<file>.+)$",
                  re.IGNORECASE)
_RENAMED = re.compile(r"^(?P<stem>.+)-(?P<n>\d+)(?P<suffix>\.[^.]+)$")


def looks_like(folder: Path) -> bool:
    """Files only, none of them a bare exercise file (a student's own folder), and most of
    them named as Canvas names them."""
    entries = visible_entries(folder)
    files = [p for p in entries if p.is_file()]
    if not files or len(files) != len(entries) or any(EXERCISE_FILE.match(p.name) for p in files):
        return False
    return 2 * sum(bool(NAME.match(p.name)) for p in files) > len(files)


def original_name(file_name: str) -> tuple[str, int]:
    """The name the student uploaded, and Canvas's resubmission number (0: none):
    `exercise_01-2.py` -> (`exercise_01.py`, 2). Only undone where that gives an exercise file."""
    renamed = _RENAMED.match(file_name)
    if renamed and EXERCISE_FILE.match(renamed["stem"] + renamed["suffix"]):
        return renamed["stem"] + renamed["suffix"], int(renamed["n"])
    return file_name, 0


def read(folder: Path) -> DownloadReading:
    by_user: dict[str, PlatformSubmission] = {}
    versions: dict[tuple[str, str], int] = {}
    notes: list[str] = []
    for path in visible_entries(folder):
        parsed = NAME.match(path.name)
        if path.is_dir() or parsed is None:
            notes.append(tr("{name}: not named as Canvas names a submission's files; not graded", name=path.name))
            continue
        user = parsed["user"]
        submission = by_user.setdefault(user, PlatformSubmission(Platform.CANVAS, user, name=parsed["name"]))
        submission.late = submission.late or bool(parsed["late"])
        submission.names.append(path.name)
        if parsed["attachment"] is None:  # text entry, URL, media: nothing to run
            notes.append(tr("{name}: not a file upload; not graded", name=path.name))
            continue
        submission.submission_id = max(submission.submission_id, parsed["attachment"], key=lambda s: (len(s), s))
        staged, version = original_name(parsed["file"])
        earlier = versions.get((user, staged))
        if earlier is not None:  # two uploads for one name: the later (higher -N) wins
            kept, dropped = (path, submission.files[staged]) if version > earlier else (submission.files[staged], path)
            notes.append(tr("{name}: an earlier upload of {staged} than {kept}; not graded",
                            name=dropped.name, staged=staged, kept=kept.name))
            submission.files[staged] = kept
            versions[(user, staged)] = max(version, earlier)
            continue
        versions[(user, staged)] = version
        add_file(submission, staged, path, notes)
    return DownloadReading(Platform.CANVAS, folder, list(by_user.values()), notes)
