"""Run a batch: plan what to grade (skipping what is unchanged), run it, store it as it arrives.

The engine is a one-method seam (`run(tasks)` yields each record as JSON when it
finishes): a local process pool, a Dask cluster, or an in-process fake in tests.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from grader.batch.canary import CanaryFailed, canary_task, is_canary, not_a_score
from grader.engine.protections import require_essential
from grader.batch.canary import failure as canary_failure
from grader.batch.entries import Entry, UnreadableSubmission, config_hash, content_hash, discover
from grader.batch.gradebook import Gradebook
from grader.batch.names import safe_file_name
from grader.batch.records import LmsOrigin, StudentRecord, StudentStatus
from grader.batch.roster import RosterEntry
from grader.batch.shared_files import SubmissionFiles, submission_files
from grader.batch.sharing import Sharing, group_of, shared_groups, stored_results
from grader.batch.task import GradeTask
from grader.catalog.course import Course, Exercise
from grader.catalog.declarations import declarations_of
from grader.errors import SubmissionNotFound
from grader.i18n import COURSE_LOCALE_FOLDER, ENGLISH, available_languages, tr, use_language
from grader.i18n.choose import normalise

WORK_FOLDER = ".work"  # inside --out: where .zip submissions are unpacked while graded
KEYS_FOLDER = ".keys"  # inside WORK_FOLDER: a .zip unpacked while its files' keys are taken
ONCE_FOLDER = ".once"  # inside WORK_FOLDER: what checks compute once per batch (grader.engine.once)


class Engine(Protocol):
    """Grades tasks wherever it runs them; yields each student's record as it is done.
    (Across processes a record travels as JSON: the engine decodes it, the runner sees models.)"""

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]: ...


@dataclass(frozen=True)
class BatchPlan:
    submissions: Path
    out: Path
    course: Course
    exercises: list[Exercise]
    timeout_s: float | None = None  # per check, overriding each exercise's own
    memory_mb: int | None = None
    roster: dict[str, RosterEntry] = field(default_factory=dict)
    regrade: bool = False  # every submission again, changed or not
    regrade_students: frozenset[str] = frozenset()  # these again (after an extension, a fixed check ...)
    # Each data set found, by name, e.g. {"mnist": folder}; a data set absent: its checks are not run.
    data_dirs: dict[str, str] = field(default_factory=dict)
    canary: bool = True  # grade the reference solution before and after the class
    language: str = "en"  # of the students' feedback, unless the roster gives a student's own
    insecure: bool = False  # grade even where the sandbox lacks an essential protection
    # An LMS's download (`--from`): where each student's submission came from, by id ...
    origins: dict[str, LmsOrigin] = field(default_factory=dict)
    # ... and the download itself, which student code must not see either (the class is in it).
    also_hidden: tuple[Path, ...] = ()

    def with_origin(self, record: StudentRecord) -> StudentRecord:
        """The record with the LMS's word on where it came from (late or not, ...), if any."""
        origin = self.origins.get(record.student_id)
        return record if origin is None or record.lms == origin else record.model_copy(update={"lms": origin})

    def regrades(self, student_id: str) -> bool:
        """Whether this student is graded again even if nothing changed."""
        return self.regrade or student_id in self.regrade_students

    def language_of(self, student_id: str) -> str:
        """The student's own language from the roster (if it has messages), else the plan's."""
        entry = self.roster.get(student_id)
        wanted = normalise(entry.language) if entry is not None and entry.language else ""
        if wanted and wanted in available_languages(self.course.root / COURSE_LOCALE_FOLDER):
            return wanted
        return self.language if not wanted else ENGLISH

    def speaking_to(self, student_id: str) -> contextlib.AbstractContextManager[str]:
        """Inside: tr() speaks the student's language, for what their record says."""
        return use_language(self.language_of(student_id), self.course.root / COURSE_LOCALE_FOLDER)

    def unknown_languages(self) -> dict[str, list[str]]:
        """Roster languages without messages, and who asked for them (they read English)."""
        known = available_languages(self.course.root / COURSE_LOCALE_FOLDER)
        found: dict[str, list[str]] = {}
        for entry in self.roster.values():
            if entry.language and normalise(entry.language) not in known:
                found.setdefault(entry.language, []).append(entry.student_id)
        return found


@dataclass
class BatchProgress:
    total: int  # submissions found
    done: int = 0  # stored, or skipped as unchanged
    skipped: int = 0
    graded_now: int = 0  # graded in this run (status graded; the engine's failures are failures)
    failures: int = 0  # invalid submissions and grader errors so far
    shared: int = 0  # exercise results recorded from an identical file graded for another student


@dataclass(frozen=True)
class BatchOutcome:
    records: list[StudentRecord]  # one per student (submitted or on the roster), by id
    ignored: list[str]  # files in the submissions folder that are not submissions
    not_on_roster: list[str]
    progress: BatchProgress
    canary_failure: str | None = None  # why no score of this run counts (the reference did not score full marks)


ProgressCallback = Callable[[BatchProgress, "StudentRecord | None"], None]


def _is_failure(record: StudentRecord) -> bool:
    return record.status in (StudentStatus.INVALID, StudentStatus.GRADER_ERROR)


def config_with_language(config: str, language: str) -> str:
    """A student's feedback in another language is out of date, like a changed check."""
    return config if language == ENGLISH else f"{config}+{language}"


def _task(plan: BatchPlan, entry: Entry, digest: str, config: str) -> GradeTask:
    language = plan.language_of(entry.student_id)
    return GradeTask(
        student_id=entry.student_id,
        source=str(entry.path.resolve()),
        work_dir=str((plan.out / WORK_FOLDER / safe_file_name(entry.student_id)).resolve()),
        course_root=str(plan.course.root),
        exercise_ids=tuple(e.id for e in plan.exercises),
        content_hash=digest,
        config_hash=config_with_language(config, language),
        language=language,
        timeout_s=plan.timeout_s,
        memory_mb=plan.memory_mb,
        data_dirs=tuple(sorted(plan.data_dirs.items())),
        # Student code must see neither the rest of the class nor the gradebook.
        hidden_paths=(str(plan.submissions.resolve()), str(plan.out.resolve()),
                      *(str(p.resolve()) for p in plan.also_hidden)),
        once_dir=str((plan.out / WORK_FOLDER / ONCE_FOLDER).resolve()),
    )


def _graded(engine: Engine, tasks: list[GradeTask], sharing: Sharing) -> Iterator[StudentRecord]:
    """Each complete record (a canary's as it comes): those ready before any grading,
    then what each of the engine's records completes."""
    yield from sharing.ready()
    records = engine.run(tasks)
    try:
        for record in records:
            if is_canary(record):
                yield record
            else:
                yield from sharing.arrived(record)
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()  # stopped early: the engine's in-flight work ends too


def _grade_with_canaries(
    plan: BatchPlan,
    engine: Engine,
    sharing: Sharing,
    store: Callable[[StudentRecord], None],
    progress: BatchProgress,
) -> str | None:
    """Grade the sharing plan's tasks between two canaries. If the one before fails, stop;
    if either fails, this run's results become grader errors. Returns why, or None."""
    tasks = sharing.tasks
    references = {e.solution_path.parent for e in plan.exercises}
    # A student kit carries no solutions: nothing to grade as a canary there.
    complete = all(e.solution_path.is_file() for e in plan.exercises)
    if plan.canary and tasks and complete and len(references) == 1:
        (folder,) = references
        # The canary grades every exercise: made from a student's whole task, not a cut one.
        template = dataclasses.replace(tasks[0], exercise_ids=tuple(e.id for e in plan.exercises), partial=False)
        tasks = [canary_task(template, folder, "before", plan.language), *tasks,
                 canary_task(template, folder, "after", plan.language)]
    failure: CanaryFailed | None = None
    graded: list[StudentRecord] = []
    records = _graded(engine, tasks, sharing)
    try:
        for record in records:
            if not plan.insecure and record.report is not None:
                # Checked here too, not only before the class: a Dask worker's machine is not ours.
                require_essential(record.report.missing_protections)
            if is_canary(record):
                when = record.student_id.rsplit(" ", 1)[-1]
                if failure is None and canary_failure(record):
                    failure = CanaryFailed(record, when)
                if failure and when == "before":
                    break  # the engine's generator closes: nothing more is graded
                continue
            # An engine's record may be a failure too (a zip found unsafe while unpacking, a
            # grader error): those count under failures, and total = graded + skipped + failed.
            if failure:
                record = _not_a_score(plan, record, failure)
            progress.graded_now += record.status is StudentStatus.GRADED
            graded.append(record)
            store(record)
    finally:
        records.close()
    progress.shared = sharing.copied
    if failure:
        for record in graded:
            if record.status is StudentStatus.GRADED:
                progress.done -= 1  # stored again, not graded again
                progress.graded_now -= 1
                store(_not_a_score(plan, record, failure))
    return failure.reason() if failure else None


def _not_a_score(plan: BatchPlan, record: StudentRecord, failure: CanaryFailed) -> StudentRecord:
    """The record as a grader error that says why, in the student's language."""
    with use_language(record.language, plan.course.root / COURSE_LOCALE_FOLDER):
        return not_a_score(record, failure.reason())


def _sharing(plan: BatchPlan, gradebook: Gradebook, tasks: list[GradeTask], files: dict[str, SubmissionFiles],
             current: list[str]) -> Sharing:
    """Who grades each distinct file of the class; the results of current records are reused."""
    counts = shared_groups(files, {student: plan.language_of(student) for student in files})
    wanted = {group_of(e, t.language, f.key) for t in tasks for e, f in files[t.student_id].files.items()}
    holders = [s for s in current
               if any(group_of(e, plan.language_of(s), f.key) in wanted for e, f in files[s].files.items())]
    stored = stored_results([r for r in map(gradebook.get, holders) if r is not None], files)
    return Sharing(tasks, files, counts, stored, fresh=plan.regrade_students)


def run_batch(
    plan: BatchPlan,
    engine: Engine,
    on_progress: ProgressCallback = lambda progress, record: None,
) -> BatchOutcome:
    discovery = discover(plan.submissions, exclude=plan.out)
    unknown = sorted(plan.regrade_students - {e.student_id for e in discovery.entries})
    if unknown:
        raise SubmissionNotFound(
            tr("no submission in {folder} for {students}, asked to be graded again",
               folder=plan.submissions, students=", ".join(unknown)),
            hint=tr("--regrade takes the students' ids: their folders' or zips' names"))
    config = config_hash(
        plan.exercises,
        # With data found, the checks that need it run: results without it are out of date.
        {"timeout_s": plan.timeout_s, "memory_mb": plan.memory_mb, "data": sorted(plan.data_dirs)},
    )
    progress = BatchProgress(total=len(discovery.entries))
    # Computed once per batch, by this batch: nothing is answered from a run killed earlier.
    shutil.rmtree(plan.out / WORK_FOLDER / ONCE_FOLDER, ignore_errors=True)
    possible = sum(c.points for e in plan.exercises for c in declarations_of(e))
    with Gradebook.in_folder(plan.out) as gradebook:

        def store(record: StudentRecord) -> None:
            if record.report is None:  # a zero out of what could have been earned
                record.points_possible = possible
            record = plan.with_origin(record)
            gradebook.put(record)
            progress.done += 1
            progress.failures += _is_failure(record)
            on_progress(progress, record)

        tasks: list[GradeTask] = []
        files: dict[str, SubmissionFiles] = {}  # every student's shareable files, the current ones' too
        current: list[str] = []  # students not graded again, whose stored results others may copy
        for entry in discovery.entries:
            # What the student reads is said in their language; their record is made here.
            with plan.speaking_to(entry.student_id):
                problem = entry.problem
                if not problem:
                    try:
                        digest = content_hash(entry)
                    except UnreadableSubmission as exc:
                        problem = str(exc)
            if problem:
                store(StudentRecord(student_id=entry.student_id, status=StudentStatus.INVALID,
                                    message=problem, source=str(entry.path), config_hash=config,
                                    language=plan.language_of(entry.student_id)))
                continue
            files[entry.student_id] = submission_files(entry, plan.exercises, plan.out / WORK_FOLDER / KEYS_FOLDER)
            with_language = config_with_language(config, plan.language_of(entry.student_id))
            if not plan.regrades(entry.student_id) and gradebook.is_current(entry.student_id, digest, with_language):
                progress.done += 1
                progress.skipped += 1
                current.append(entry.student_id)
                on_progress(progress, None)
                continue
            tasks.append(_task(plan, entry, digest, config))

        sharing = _sharing(plan, gradebook, tasks, files, current)
        on_progress(progress, None)
        canary_failure = _grade_with_canaries(plan, engine, sharing, store, progress)

        submitted = {e.student_id for e in discovery.entries}
        for student_id in sorted(set(plan.roster) - submitted):
            language = plan.language_of(student_id)
            with plan.speaking_to(student_id):
                missing = tr("nothing was submitted")
            gradebook.put(StudentRecord(
                student_id=student_id, status=StudentStatus.MISSING, message=missing, language=language,
                config_hash=config_with_language(config, language),
                points_possible=possible,
            ))
        wanted = submitted | set(plan.roster)
        records = [plan.with_origin(r) for r in gradebook.all() if r.student_id in wanted]
    shutil.rmtree(plan.out / WORK_FOLDER / ONCE_FOLDER, ignore_errors=True)
    with contextlib.suppress(OSError):  # the unpacking folder, once empty
        (plan.out / WORK_FOLDER).rmdir()
    return BatchOutcome(
        records=records,
        ignored=discovery.ignored,
        not_on_roster=sorted(submitted - set(plan.roster)) if plan.roster else [],
        progress=progress,
        canary_failure=canary_failure,
    )

