"""One submission, graded inside a worker process that owns a Sandbox.

A task is plain data; its result is a StudentRecord serialised as JSON, so what
crosses back to the process that keeps the gradebook is validated data, never a
pickled object. Every failure becomes a record with a status: only Ctrl-C escapes.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING, Iterator

from grader.batch.archive import UnsafeArchive, extract_zip
from grader.batch.entries import locate_exercise_folder
from grader.batch.records import StudentRecord, StudentStatus
from grader.catalog.course import Course
from grader.errors import GraderError
from grader.i18n import COURSE_LOCALE_FOLDER, tr, use_language

if TYPE_CHECKING:
    from grader.data.prepared import DataSets
    from grader.engine.once import OnceStore
    from grader.engine.references import ReferenceSource
    from grader.sandbox.client import Sandbox


@dataclass(frozen=True)
class GradeTask:
    student_id: str
    source: str  # the student's folder or .zip
    work_dir: str  # where a .zip is unpacked (emptied before and removed after)
    course_root: str
    exercise_ids: tuple[str, ...]
    content_hash: str
    config_hash: str
    timeout_s: float | None = None
    memory_mb: int | None = None
    # (data set, folder) for each data set found; one absent: the checks that need it are not run.
    data_dirs: tuple[tuple[str, str], ...] = ()
    hidden_paths: tuple[str, ...] = ()  # the class's submissions and the output folder
    language: str = "en"  # of the student's feedback
    # Some of the student's exercises are graded elsewhere (an identical file of another
    # student's: grader.batch.sharing): whether the submission holds any file is not this task's to judge.
    partial: bool = False
    # Where every job of the batch keeps the figures checks compute once (grader.engine.once);
    # "": each grading keeps its own.
    once_dir: str = ""

    @contextlib.contextmanager
    def speaking(self) -> Iterator[str]:
        """Inside: tr() speaks the student's language (with the course's own catalog), for
        every message of their record, wherever it is made."""
        with use_language(self.language, Path(self.course_root) / COURSE_LOCALE_FOLDER) as language:
            yield language

    def record(self, status: StudentStatus, message: str) -> StudentRecord:
        return StudentRecord(
            student_id=self.student_id, status=status, message=message, source=self.source,
            content_hash=self.content_hash, config_hash=self.config_hash, language=self.language,
        )


def grader_failed(exc: BaseException) -> str:
    """A grader error's message, in the active language: what broke, for the staff."""
    return tr("the grader failed: {type}: {error}", type=type(exc).__name__, error=exc)


@functools.lru_cache(maxsize=2)
def _data_sets(data_dirs: tuple[tuple[str, str], ...]) -> "DataSets":
    """One set per worker process and folders: each data set is loaded once, not per student."""
    from grader.data.prepared import DataSets, PreparedData
    from grader.data.registry import default_providers

    providers = default_providers()
    data = DataSets(providers, [PreparedData(providers.get(name), Path(folder)) for name, folder in data_dirs])
    atexit.register(data.close)  # its temporary copy of the data goes with the worker
    return data


@functools.lru_cache(maxsize=2)
def _references(is_release: bool) -> "ReferenceSource":
    """One per worker process: what the checks ask the reference is answered once per
    process, not once per submission (grader.engine.references.RememberedReferences)."""
    from grader.engine.references import RememberedReferences, default_references

    return RememberedReferences(default_references(is_release))


@functools.lru_cache(maxsize=2)
def _once(folder: str) -> "OnceStore":
    """The batch's shared figures, as this worker process reads them (kept in memory once read)."""
    from grader.engine.once import OnceInFolder

    return OnceInFolder(Path(folder))


def _grade(task: GradeTask, sandbox: "Sandbox") -> StudentRecord:
    # Imported here, in the worker: the engine pulls in pytest and torch, which the
    # process that only plans and stores the batch never needs.
    from grader.engine.session import GradingOptions, GradingSession, LimitOverrides

    source = Path(task.source)
    work = Path(task.work_dir)
    try:
        if source.suffix.lower() == ".zip":
            extract_zip(source, work)
            folder = locate_exercise_folder(work)
        else:
            folder = locate_exercise_folder(source)
    except UnsafeArchive as exc:
        return task.record(StudentStatus.INVALID, tr("{problem}; hand in a .zip of your exercise files", problem=exc))
    except OSError as exc:
        return task.record(StudentStatus.INVALID, tr("cannot read {path}: {reason}", path=exc.filename or source,
                                                     reason=exc.strerror or exc))
    course = Course.at(Path(task.course_root))
    exercises = course.select(list(task.exercise_ids))
    options = GradingOptions(overrides=LimitOverrides(timeout_s=task.timeout_s, memory_mb=task.memory_mb),
                             hidden_paths=tuple(Path(p) for p in task.hidden_paths),
                             references=_references(course.is_release),
                             once=_once(task.once_dir) if task.once_dir else None)
    # The worker's sandbox and data sets serve every submission it grades: lent, not closed.
    data = _data_sets(task.data_dirs) if any(e.needs_data for e in exercises) else None
    with GradingSession(course, exercises, options, sandbox=sandbox, data=data, lent=True) as session:
        report = session.grade(folder, student_id=task.student_id)
    if not task.partial and report.exercises and all(exercise.student_file is None for exercise in report.exercises):
        # Nothing to judge (an empty folder, files under other names): not a score of 0.
        return task.record(StudentStatus.INVALID, tr(
            "the submission holds none of the files asked for ({files})",
            files=", ".join(exercise.manifest.student_file for exercise in exercises)))
    return StudentRecord.from_report(
        report, student_id=task.student_id, source=task.source,
        content_hash=task.content_hash, config_hash=task.config_hash, language=task.language,
    )


def run_task(task: GradeTask, sandbox: "Sandbox") -> str:
    """Grade one submission; the StudentRecord as JSON. Never raises but for Ctrl-C."""
    started = time.perf_counter()
    with task.speaking():
        try:
            record = _grade(task, sandbox)
        except GraderError as exc:
            record = task.record(StudentStatus.GRADER_ERROR, exc.message)
        except Exception as exc:  # the batch must go on; the record says what broke, for the staff
            where = traceback.extract_tb(exc.__traceback__)[-1:]
            at = tr(" ({file}, line {line})", file=Path(where[0].filename).name, line=where[0].lineno) if where else ""
            record = task.record(StudentStatus.GRADER_ERROR, grader_failed(exc) + at)
        finally:
            shutil.rmtree(task.work_dir, ignore_errors=True)
    record.duration_s = round(time.perf_counter() - started, 3)
    return record.to_json()
