"""From an LMS's download to our layout: who each person is, and one folder or .zip per student.

    open_download   a .zip download is unpacked (safely) under the output folder
    detect          which platform laid the folder out, from its names (None: ours)
    take_in         read it, map each person to the roster, stage it for the batch

Each person is mapped by the platform's id first (the roster's canvas_id / moodle_id,
Gradescope's sid as the roster's id), then by email (Gradescope), then by name when
exactly one roster entry has it (in either order of the words: Canvas writes the
surname first). A person the roster does not know is graded under a fallback id
(`canvas-<user id>`, `moodle-<participant id>`, `gradescope-<sid>`) and reported.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader.batch.archive import ArchiveLimits, UnsafeArchive, extract_zip
from grader.batch.lms import canvas, gradescope, moodle
from grader.batch.lms.download import DownloadReading, Platform, PlatformSubmission, unwrap
from grader.batch.names import safe_file_name
from grader.batch.records import LmsOrigin
from grader.batch.roster import RosterEntry
from grader.errors import LmsDownloadError
from grader.i18n import tr

# A whole class's download: far more members and bytes than one student's zip.
DOWNLOAD_LIMITS = ArchiveLimits(max_members=100_000, max_file_bytes=256 * 2**20, max_total_bytes=8 * 2**30)
READERS = {Platform.CANVAS: canvas, Platform.MOODLE: moodle, Platform.GRADESCOPE: gradescope}


@dataclass
class Intake:
    platform: Platform
    staged: Path  # one folder or .zip per student: what the batch grades
    origins: dict[str, LmsOrigin] = field(default_factory=dict)  # by student id
    unmatched: list[str] = field(default_factory=list)  # "canvas-123 (doejane)": graded under a fallback id
    by_name: list[str] = field(default_factory=list)  # matched by name only: worth a look
    notes: list[str] = field(default_factory=list)  # names in the download not graded, and why


def open_download(path: Path, work: Path) -> Path:
    """The download as a folder: a .zip is unpacked into `work` (emptied first)."""
    if path.is_dir():
        return path
    if path.is_file() and path.suffix.lower() == ".zip":
        try:
            extract_zip(path, work, DOWNLOAD_LIMITS)
        except UnsafeArchive as exc:
            raise LmsDownloadError(tr("cannot unpack {path}: {reason}", path=path, reason=exc),
                                   hint=tr("download the submissions again, or unpack them yourself")) from exc
        return work
    raise LmsDownloadError(tr("{path} is neither a folder nor a .zip", path=path),
                           hint=tr("pass the LMS's download: the .zip or the folder it unpacks to"))


def detect(folder: Path) -> Platform | None:
    root = unwrap(folder)
    for platform in (Platform.GRADESCOPE, Platform.MOODLE, Platform.CANVAS):
        if READERS[platform].looks_like(root):
            return platform
    return None


def _words(name: str) -> list[str]:
    return ["".join(ch for ch in word if ch.isalnum()) for word in name.casefold().replace(",", " ").split()]


def _name_keys(name: str) -> set[str]:
    """The name with its words in each rotation, letters and digits only: "Jane Doe" ->
    {"janedoe", "doejane"}, so Canvas's surname-first "doejane" finds it."""
    words = [w for w in _words(name) if w]
    return {"".join(words[i:] + words[:i]) for i in range(len(words))}


class _Matcher:
    def __init__(self, roster: dict[str, RosterEntry]) -> None:
        self.roster = roster
        self.by_platform = {(p, value): e.student_id for e in roster.values() for p, value in e.platform_ids.items()}
        self.by_email = {e.email.casefold(): e.student_id for e in roster.values() if e.email}
        names: dict[str, set[str]] = {}
        for entry in roster.values():
            for key in _name_keys(entry.name):
                names.setdefault(key, set()).add(entry.student_id)
        self.by_name = {key: ids.pop() for key, ids in names.items() if len(ids) == 1}

    def match(self, submission: PlatformSubmission) -> tuple[str | None, str]:
        """(student id, how) or (None, "")."""
        user = submission.user_id
        if user and (submission.platform.value, user) in self.by_platform:
            return self.by_platform[(submission.platform.value, user)], "id"
        if user and user in self.roster and submission.platform is not Platform.MOODLE:  # Moodle's id is per assignment
            return user, "id"
        if submission.email and submission.email.casefold() in self.by_email:
            return self.by_email[submission.email.casefold()], "email"
        download_name = "".join(_words(submission.name))
        if download_name and download_name in self.by_name and download_name != "participant":
            return self.by_name[download_name], "name"
        return None, ""


def take_in(folder: Path, platform: Platform, roster: dict[str, RosterEntry], staged: Path) -> Intake:
    """Read the download, map its people to the roster and stage our layout in `staged`
    (emptied first). Raises LmsDownloadError when the folder is not laid out as `platform` lays it out."""
    root = unwrap(folder)
    reader = READERS[platform]
    if not reader.looks_like(root):
        raise LmsDownloadError(
            tr("{path} is not laid out as {platform} lays out a download", path=folder, platform=platform.title),
            hint=tr("check --from, or leave it out to detect the platform"))
    reading: DownloadReading = reader.read(root)
    intake = Intake(platform, staged, notes=list(reading.notes))
    matcher = _Matcher(roster)
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    taken: set[str] = set()
    for submission in reading.submissions:
        student_id, how = matcher.match(submission)
        described = f"{submission.fallback_id} ({submission.name or submission.email or submission.submission_id})"
        if student_id is not None and student_id in taken:
            intake.notes.append(tr("{who}: {student} has another submission in the download; graded as {fallback}",
                                   who=described, student=student_id, fallback=submission.fallback_id))
            student_id = None
        if student_id is None:
            student_id = submission.fallback_id
            if student_id in taken or student_id in roster:
                student_id = f"{student_id}-{submission.submission_id}"
            intake.unmatched.append(described)
        elif how == "name":
            intake.by_name.append(f"{described} -> {student_id}")
        taken.add(student_id)
        _stage(submission, staged, safe_file_name(student_id), intake.notes)
        intake.origins[student_id] = LmsOrigin(
            platform=platform.value, user_id=submission.user_id, name=submission.name,
            submission_id=submission.submission_id, late=submission.late, matched=how != "",
            files=sorted({*submission.names, *(p.relative_to(root).as_posix() for p in submission.files.values())}))
    return intake


def _stage(submission: PlatformSubmission, staged: Path, name: str, notes: list[str]) -> None:
    """A lone .zip stays a .zip (the batch unpacks it safely); anything else becomes a folder."""
    files = {k: v for k, v in submission.files.items() if not v.is_symlink()}
    for path in set(submission.files.values()) - set(files.values()):
        notes.append(tr("{name}: a link; not graded", name=path.name))
    if len(files) == 1 and next(iter(files)).lower().endswith(".zip"):
        shutil.copyfile(next(iter(files.values())), staged / f"{name}.zip")
        return
    folder = staged / name
    folder.mkdir()
    for relative, source in sorted(files.items()):
        if relative.lower().endswith(".zip"):
            notes.append(tr("{name}: a .zip beside other files; kept, not unpacked", name=source.name))
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
