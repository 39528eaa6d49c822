"""What the Gradescope autograder's `run_autograder` does for one submission.

Gradescope puts the student's upload in $ROOT/submission (ROOT: $AUTOGRADER_ROOT,
default /autograder): files at its root or in a folder, .py files or notebooks, or a
zip the student made. Every exercise whose file is found is graded (none found: every
exercise, each saying its file is missing), with the course in $ROOT/source/course, its
recorded references (or the solutions the build shipped) and the data in
$ROOT/source/data. $ROOT/submission_metadata.json gives the late policy its times.
$ROOT/results/results.json is written whatever happens: a failure of the grader itself
gives a zero with a note to tell the course staff.

The unpacking of a student's zip is handed in (`Extract`): the safe unzip lives in
grader.batch, a peer of this package (cli/gradescope_run.py joins the two).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from grader.catalog.course import Course, Exercise
from grader.data.prepared import DataSets, PreparedData
from grader.engine.references import ShippedReferences
from grader.engine.session import GradingOptions, GradingSession, providers_needed
from grader.i18n import COURSE_LOCALE_FOLDER, tr, use_language
from grader.report.gradescope import dumps, late_adjustment, results
from grader.release.gradescope import COURSE_DIR, DATA_DIR

ROOT_VAR = "AUTOGRADER_ROOT"
DEFAULT_ROOT = Path("/autograder")
METADATA = "submission_metadata.json"
SKIPPED_FOLDERS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".git"}

Extract = Callable[[Path, Path], None]  # (zip, into); raises with a message the student may read


def autograder_root(environ: Mapping[str, str]) -> Path:
    return Path(environ.get(ROOT_VAR) or DEFAULT_ROOT)


def _files(folder: Path) -> list[Path]:
    """Regular files under `folder`, shallowest first, skipping editors' and archivers' litter."""
    found = [p for p in folder.rglob("*")
             if p.is_file() and not p.is_symlink() and not SKIPPED_FOLDERS & set(p.relative_to(folder).parts[:-1])]
    return sorted(found, key=lambda p: (len(p.relative_to(folder).parts), str(p)))


def collect(submission: Path, work: Path, exercises: list[Exercise], extract: Extract,
            notes: list[str]) -> tuple[Path, list[Exercise]]:
    """A folder holding each exercise's file found in the submission (under the name the
    course expects), and the exercises found; problems go to `notes`."""
    graded = work / "graded"
    graded.mkdir(parents=True)
    files = _files(submission) if submission.is_dir() else []
    for index, archive in enumerate(p for p in list(files) if p.suffix.lower() == ".zip"):
        into = work / "unzipped" / str(index)
        try:
            extract(archive, into)
        except Exception as problem:  # noqa: BLE001 - the student's archive: any failure is a note
            notes.append(tr("{archive} could not be unpacked: {problem}", archive=archive.name, problem=problem))
            continue
        files += _files(into)
    found: list[Exercise] = []
    for exercise in exercises:
        student_file = exercise.manifest.student_file
        names = [student_file, str(Path(student_file).with_suffix(".ipynb"))]
        took = False
        for name in names:
            match = next((p for p in files if p.name == name), None) or \
                next((p for p in files if p.name.lower() == name.lower()), None)
            if match is not None:
                shutil.copyfile(match, graded / name)
                took = True
        if took:
            found.append(exercise)
    if not found:
        seen = ", ".join(p.name for p in files[:10]) or tr("nothing")
        expected = ", ".join(e.manifest.student_file for e in exercises)
        notes.append(tr("No exercise file was found in your submission (it holds: {seen}). Expected files named "
                        "{expected}, or notebooks of the same names (.ipynb).", seen=seen, expected=expected))
    return graded, found


def _data(course: Course, exercises: list[Exercise], source: Path) -> DataSets:
    prepared = []
    for provider in providers_needed(exercises):
        folder = source / DATA_DIR / provider.name
        if folder.is_dir() and not provider.missing(folder):
            prepared.append(PreparedData(provider, folder, ""))
        else:
            prepared.append(PreparedData(provider, None, tr(
                "the data set {name} is not in this autograder; tell the course staff", name=provider.name)))
    return DataSets(prepared=prepared)


def _metadata(root: Path, notes: list[str]) -> dict[str, Any] | None:
    path = root / METADATA
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        notes.append(tr("{file} could not be read ({problem}): no late policy applied", file=METADATA,
                        problem=problem))
        return None
    return data if isinstance(data, dict) else None


def grade(root: Path, extract: Extract) -> dict[str, Any]:
    """Grade $ROOT/submission; results.json's content."""
    source = root / "source"
    course = Course.at(source / COURSE_DIR)
    settings = course.manifest.gradescope
    with use_language(course.manifest.course.language, course.root / COURSE_LOCALE_FOLDER), \
            tempfile.TemporaryDirectory(prefix="grader-gradescope-") as scratch:
        notes: list[str] = []
        exercises = course.exercises()
        graded, found = collect(root / "submission", Path(scratch), exercises, extract, notes)
        chosen = found or exercises
        options = GradingOptions(references=ShippedReferences(), hidden_paths=(source, root / "submission"))
        with GradingSession(course, chosen, options, data=_data(course, chosen, source)) as session:
            report = session.grade(graded)
        report.notes[:0] = notes
        late = late_adjustment(settings.late_policy, _metadata(root, report.notes))
        return results(report, settings, late=late, markdown=True)


def failure_results(problem: str, started: float) -> dict[str, Any]:
    """results.json when the grader itself failed: a zero the student is told is not theirs."""
    return {
        "score": 0.0,
        "execution_time": round(time.monotonic() - started),
        "output": tr("The autograder itself failed ({problem}). This is not your fault; tell the course staff.",
                     problem=problem),
        "output_format": "md",
        "tests": [],
    }


def run(environ: Mapping[str, str], extract: Extract) -> int:
    """Grade, write results.json, say on stdout (the instructor's) what happened."""
    started = time.monotonic()
    root = autograder_root(environ)
    out = root / "results" / "results.json"
    try:
        data = grade(root, extract)
        status = 0
    except Exception as problem:  # noqa: BLE001 - whatever failed, Gradescope must get results.json
        message = getattr(problem, "message", None) or f"{type(problem).__name__}: {problem}"
        print(tr("the autograder failed: {problem}", problem=message), flush=True)
        data, status = failure_results(message, started), 0  # results.json is there: Gradescope shows it
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(dumps(data), encoding="utf-8")
    os.replace(partial, out)
    print(tr("wrote {path}: {score} points", path=out, score=data["score"]), flush=True)
    return status
