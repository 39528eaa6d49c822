"""Grade each distinct exercise file of a class once; record its result for every student who handed it in.

The runner plans one GradeTask per student as ever; this module then cuts them. For
each group of identical files (same exercise, same feedback language, same key from
grader.batch.shared_files) the first student to grade, in the runner's order, grades
it: the *owner*. Every other student of the group is a *follower*: their task keeps
only the exercises nobody grades for them (none: no task at all), and their record
is assembled when the owners' results arrive. A group whose result the gradebook
already holds (a current record, from an earlier run) has no owner: its followers
copy the stored result. Grading is seeded and deterministic, so a copied result is
the one the student's own file would have got; it names the student's own file, and
marks every shared result with how many of the class held that file
(`ExerciseResult.identical`).

    sharing = Sharing(tasks, files, counts, stored)
    engine.run(sharing.tasks)                      # owners' and followers' remaining work
    sharing.ready()                                # records complete before any grading
    sharing.arrived(record)                        # the records this one completes

A record is stored only once complete: a run killed meanwhile loses the followers
still waiting, as it loses the tasks in flight; the next run grades them. An owner
that fails (a grader error) fails its followers too, with a grader error that the
next run retries.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path, PurePosixPath

from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.shared_files import SubmissionFiles
from grader.batch.task import GradeTask
from grader.engine.protections import notes_for
from grader.i18n import tr
from grader.models.results import ExerciseResult, IdenticalFiles, SubmissionReport
from grader.version import __version__

GroupKey = tuple[str, str, str]  # (exercise id, the student's language, the file's key)


def group_of(exercise_id: str, language: str, key: str) -> GroupKey:
    return (exercise_id, language, key)


@dataclasses.dataclass
class _Student:
    task: GradeTask  # as planned: every exercise
    folder: Path  # the exercise folder its worker grades (or would)
    files: SubmissionFiles
    groups: dict[str, GroupKey]  # exercise id -> its group, for each shareable file
    copied: tuple[str, ...]  # exercises whose result comes from another's grading
    own: StudentRecord | None = None  # its task's record, once arrived
    done: bool = False

    @property
    def has_task(self) -> bool:
        return len(self.copied) < len(self.task.exercise_ids)


_FAILED = None  # a group whose owner produced no result for it


def worker_folder(task: GradeTask, files: SubmissionFiles) -> Path:
    """Where the task's worker finds the exercise files: the folder, or the unpacked .zip."""
    root = Path(task.work_dir) if task.source.lower().endswith(".zip") else Path(task.source)
    return root / files.folder


class Sharing:
    """Who grades each distinct file, the tasks left, and the records of those who share."""

    def __init__(self, tasks: list[GradeTask], files: dict[str, SubmissionFiles], counts: Counter[GroupKey],
                 stored: dict[GroupKey, tuple[ExerciseResult, list[str]]], fresh: frozenset[str] = frozenset()
                 ) -> None:
        """`files`: each student's shareable files; `counts`: how many of the whole class
        (those already current included) hold each group's file; `stored`: results the
        gradebook holds for groups, from students not graded again; `fresh`: students
        graded again on purpose (--regrade), who take no stored result."""
        self.counts = counts
        self._results: dict[GroupKey, ExerciseResult | None] = {group: result for group, (result, _) in stored.items()}
        # The protections missing where each group's file was graded: a follower with no task
        # of its own reports them as its owner's report did.
        self._missing: dict[GroupKey, list[str]] = {group: missing for group, (_, missing) in stored.items()}
        self._students: dict[str, _Student] = {}
        self._waiting: dict[GroupKey, list[str]] = {}  # group -> followers, in order
        self._owned: dict[str, list[GroupKey]] = {}  # student -> the groups its task grades for others
        self.tasks: list[GradeTask] = []
        self.copied = 0  # exercise results recorded from another student's grading
        owners: dict[GroupKey, str] = {}
        for task in tasks:
            found = files.get(task.student_id) or SubmissionFiles(PurePosixPath("."))
            groups = {e: group_of(e, task.language, f.key) for e, f in found.files.items() if e in task.exercise_ids}
            copied: list[str] = []
            for exercise_id, group in groups.items():
                if group in owners or (group in self._results and task.student_id not in fresh):
                    copied.append(exercise_id)
                    self._waiting.setdefault(group, []).append(task.student_id)
                elif counts[group] > 1:
                    owners[group] = task.student_id
                    self._owned.setdefault(task.student_id, []).append(group)
            student = _Student(task, worker_folder(task, found), found, groups, tuple(copied))
            self._students[task.student_id] = student
            if student.has_task:
                remaining = tuple(e for e in task.exercise_ids if e not in copied)
                self.tasks.append(dataclasses.replace(task, exercise_ids=remaining, partial=bool(copied))
                                  if copied else task)
        # Owned groups without followers this run (the others are current) are plain tasks.
        self._owned = {s: [g for g in groups if g in self._waiting] for s, groups in self._owned.items()}

    def ready(self) -> list[StudentRecord]:
        """The records complete before anything is graded (every file's result stored)."""
        return [self._finish(s) for s in self._students.values() if self._complete(s)]

    def arrived(self, record: StudentRecord) -> list[StudentRecord]:
        """`record` from the engine, and the records it completes: its student's, once
        nothing else is awaited, and those of the followers of the files it graded."""
        student = self._students.get(record.student_id)
        if student is None:
            return [record]
        student.own = record
        exercises = {e.id: e for e in (record.report.exercises if record.report is not None else [])}
        followers: list[str] = []
        for group in self._owned.get(record.student_id, []):
            result = exercises.get(group[0]) if record.status is StudentStatus.GRADED else None
            self._results[group] = result if result is not None else _FAILED
            self._missing[group] = record.report.missing_protections if record.report is not None else []
            followers += self._waiting.get(group, [])
        candidates = [student, *(self._students[s] for s in dict.fromkeys(followers))]
        return [self._finish(s) for s in candidates if self._complete(s)]

    # -- assembling -------------------------------------------------------------------
    def _complete(self, student: _Student) -> bool:
        if student.done or (student.has_task and student.own is None):
            return False
        return all(student.groups[e] in self._results for e in student.copied)

    def _finish(self, student: _Student) -> StudentRecord:
        student.done = True
        task = student.task
        if student.own is not None and student.own.status is not StudentStatus.GRADED:
            return student.own  # its own task failed: that is its record, as without sharing
        if any(self._results[student.groups[e]] is _FAILED for e in student.copied):
            with task.speaking():
                return task.record(StudentStatus.GRADER_ERROR, tr(
                    "the grader failed on another submission's identical file, whose result was to be yours; "
                    "this submission is graded again on the next run"))
        own = student.own.report if student.own is not None else None
        results = {e.id: e for e in (own.exercises if own is not None else [])}
        for exercise_id in student.copied:
            result = self._results[student.groups[exercise_id]]
            assert result is not None
            name = student.files.files[exercise_id].name
            results[exercise_id] = result.model_copy(update={"student_file": str(student.folder / name)})
            self.copied += 1
        for exercise_id, result in results.items():
            if exercise_id in student.groups and self.counts[student.groups[exercise_id]] > 1:
                identical = IdenticalFiles(key=student.files.files[exercise_id].key,
                                           submissions=self.counts[student.groups[exercise_id]])
                results[exercise_id] = result.model_copy(update={"identical": identical})
        report = self._report(student, own, [results[e] for e in task.exercise_ids if e in results])
        record = StudentRecord.from_report(
            report, student_id=task.student_id, source=task.source, content_hash=task.content_hash,
            config_hash=task.config_hash, language=task.language)
        record.duration_s = student.own.duration_s if student.own is not None else 0.0
        return record

    def _report(self, student: _Student, own: SubmissionReport | None,
                exercises: list[ExerciseResult]) -> SubmissionReport:
        if own is not None:
            return own.model_copy(update={"exercises": exercises})
        # No task of its own: the machine's word (missing protections) is the owners'.
        missing = list(dict.fromkeys(m for e in student.copied for m in self._missing.get(student.groups[e], [])))
        with student.task.speaking():
            notes = notes_for(missing)
        return SubmissionReport(grader_version=__version__, submission=str(student.folder),
                                student_id=student.task.student_id, exercises=exercises,
                                missing_protections=missing, notes=notes)


def shared_groups(files: dict[str, SubmissionFiles], languages: dict[str, str]) -> Counter[GroupKey]:
    """How many students hold each group's file."""
    return Counter(group_of(e, languages[s], f.key) for s, found in files.items() for e, f in found.files.items())


def stored_results(records: list[StudentRecord], files: dict[str, SubmissionFiles]
                   ) -> dict[GroupKey, tuple[ExerciseResult, list[str]]]:
    """The results current records hold for shareable files (with the protections missing
    where they were graded): a later run copies them."""
    found: dict[GroupKey, tuple[ExerciseResult, list[str]]] = {}
    for record in records:
        shareable = files.get(record.student_id)
        if record.status is not StudentStatus.GRADED or record.report is None or shareable is None:
            continue
        for result in record.report.exercises:
            if result.id in shareable.files:
                found.setdefault(group_of(result.id, record.language, shareable.files[result.id].key),
                                 (result, record.report.missing_protections))
    return found
