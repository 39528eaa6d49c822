"""Gradescope's "Export Submissions": `submission_metadata.yml` and a folder per submission.

The metadata maps each submission's folder (`submission_<id>`) to what Gradescope knows
of it; `:submitters:` lists every member of the (group) submission with `:name:`,
`:sid:` (the student id the course roster gave Gradescope) and `:email:`. The keys are
Ruby symbols, as Gradescope's Ruby writes YAML. Only that much is read here, by a small
line reader kept to the shape Gradescope writes (the runtime has no YAML library): a
folder the metadata does not name is still graded, under a fallback id, and reported.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.batch.lms.download import DownloadReading, Platform, PlatformSubmission, add_file, visible_entries
from grader.errors import LmsDownloadError
from grader.i18n import tr

METADATA = "submission_metadata.yml"
_MAX_METADATA_BYTES = 64 * 1024 * 1024
_TOP_KEY = re.compile(r"^(?P<key>[^\s#-][^:]*):\s*$")
_FIELD = re.compile(r"^(?P<indent> *)(?P<dash>- +)?:(?P<key>\w+):(?: +(?P<value>.*?))?\s*$")


def looks_like(folder: Path) -> bool:
    return (folder / METADATA).is_file()


def _scalar(text: str | None) -> str:
    value = (text or "").strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return "" if value in ("~", "null") else value


def read_submitters(text: str) -> dict[str, list[dict[str, str]]]:
    """{submission folder: [{"name": ..., "sid": ..., "email": ...}, ...]} from the metadata's text."""
    found: dict[str, list[dict[str, str]]] = {}
    folder: str | None = None
    list_indent: int | None = None  # the indent of `:submitters:` while inside its list
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top = _TOP_KEY.match(line)
        if top:
            folder, list_indent = _scalar(top["key"]), None
            found.setdefault(folder, [])
            continue
        parsed = _FIELD.match(line)
        if folder is None or parsed is None:
            continue
        indent = len(parsed["indent"])
        if list_indent is not None and (indent < list_indent or (indent == list_indent and not parsed["dash"])):
            list_indent = None  # the list ended
        if list_indent is None:
            if parsed["key"] == "submitters" and not parsed["dash"] and not parsed["value"]:
                list_indent = indent
            continue
        if parsed["dash"]:
            found[folder].append({})
        if found[folder] and parsed["key"] in ("name", "sid", "email") and indent <= list_indent + 4:
            found[folder][-1][parsed["key"]] = _scalar(parsed["value"])
    return found


def read(folder: Path) -> DownloadReading:
    metadata = folder / METADATA
    try:
        if metadata.stat().st_size > _MAX_METADATA_BYTES:
            raise LmsDownloadError(tr("{path}: larger than {mib} MiB", path=metadata, mib=_MAX_METADATA_BYTES // 2**20))
        submitters = read_submitters(metadata.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LmsDownloadError(tr("cannot read {path}: {reason}", path=metadata, reason=exc),
                               hint=tr("export the submissions from Gradescope again")) from exc
    notes: list[str] = []
    submissions: list[PlatformSubmission] = []
    for path in visible_entries(folder):
        if path.name == METADATA:
            continue
        if not path.is_dir():
            notes.append(tr("{name}: not a submission's folder; not graded", name=path.name))
            continue
        people = submitters.get(path.name) or [{}]
        if path.name not in submitters:
            notes.append(tr("{name}: not in {metadata}; graded as {fallback}", name=path.name, metadata=METADATA,
                            fallback=f"gradescope-{path.name}"))
        for person in people:
            submission = PlatformSubmission(
                Platform.GRADESCOPE, person.get("sid") or person.get("email", ""), name=person.get("name", ""),
                email=person.get("email", ""), submission_id=path.name, names=[path.name])
            for inner in sorted(path.rglob("*")):
                if inner.is_file() and not any(part.startswith(".") or part == "__MACOSX"
                                               for part in inner.relative_to(path).parts):
                    add_file(submission, inner.relative_to(path).as_posix(), inner, notes)
            submissions.append(submission)
    for name in sorted(set(submitters) - {p.name for p in visible_entries(folder)}):
        notes.append(tr("{name}: in {metadata} but not in the export", name=name, metadata=METADATA))
    return DownloadReading(Platform.GRADESCOPE, folder, submissions, notes)
