"""One exercise's grading: the frozen plan (inputs) and the run that owns its state.

The plan says what to grade and under which limits; nothing changes it once made,
so a watch loop can grade the same plan again and again. Everything learned while
grading (results in check order, the import failure, figures for the comparison
table) lives on an `ExerciseRun`, made fresh for every grading and turned into an
`ExerciseResult` at the end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from grader.catalog.course import Exercise
from grader.authoring.declaration import CheckDeclaration
from grader.catalog.declarations import declarations_of
from grader.errors import ManifestError
from grader.catalog.submission import StudentFile
from grader.i18n import tr
from grader.models.manifest import CheckLimits
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, ImportFailure
from grader.sandbox.outcomes import StudentCodeError, StudentCrashed, StudentImportError, StudentTimeout


@dataclass(frozen=True)
class ExercisePlan:
    """What to grade for one exercise, and within which limits."""

    exercise: Exercise
    student_file: StudentFile
    limits: CheckLimits
    timeout_override_s: float | None = None
    budget_s: float = 600.0
    hidden_paths: tuple[Path, ...] = ()
    read_only_paths: tuple[Path, ...] = ()

    def limits_for(self, check_timeout_s: float | None, left_s: float, check_reply_mb: int | None = None) -> CheckLimits:
        """The run's --timeout beats the check's own limit, which beats the manifest's;
        none may outlast what is left of the exercise's whole time budget. A check's own
        reply budget beats the manifest's."""
        timeout_s = self.timeout_override_s if self.timeout_override_s is not None else check_timeout_s
        limits = self.limits.merged(timeout_s=timeout_s, reply_mb=check_reply_mb)
        if left_s < limits.timeout_s:
            limits = limits.merged(timeout_s=round(left_s, 3))
        return limits


class ExerciseRun:
    """The state of grading one plan once; `result()` turns it into the exercise's result."""

    def __init__(self, plan: ExercisePlan) -> None:
        self.plan = plan
        self.comparison: dict[str, dict[str, float | str]] = {}
        self.collection_error = ""
        self.import_failure: StudentCodeError | None = None
        self.loaded = False
        self._started_at: float | None = None
        self._order: list[str] = []
        self._results: dict[str, CheckResult] = {}
        self._declared: dict[str, CheckDeclaration] | None = None

    def declaration(self, name: str, marked: bool) -> CheckDeclaration | None:
        """What check `name` declares, as its file's text says (`marked`: the function
        carries the `@check` mark). None when it cannot be read: the exercise's checks
        then do not run, and its collection error says why."""
        if self._declared is None:
            try:
                self._declared = {d.name: d for d in declarations_of(self.plan.exercise)}
            except ManifestError as exc:
                self._declared = {}
                self.collection_error = exc.message
        if name in self._declared:
            return self._declared[name]
        if self.collection_error:
            return None
        if marked:  # made where the reader does not look (a class, code run at import)
            self.collection_error = tr("check {check}: its @check is not on a top-level function of the "
                                       "check file, where the engine reads it", check=name)
            return None
        return CheckDeclaration.declare(name)  # a check_ function without @check: the defaults

    # -- while pytest runs ---------------------------------------------------------
    def add_check(self, nodeid: str) -> None:
        """Collection found a check: results are reported in this order."""
        self._order.append(nodeid)

    def has_result(self, nodeid: str) -> bool:
        return nodeid in self._results

    def record(self, nodeid: str, result: CheckResult) -> None:
        self._results[nodeid] = result

    def time_left_if_started_now(self) -> float:
        """What time_left() would say, without starting the clock or raising."""
        if self._started_at is None:
            return self.plan.budget_s
        return max(0.0, self.plan.budget_s - (time.monotonic() - self._started_at))

    def time_left(self) -> float:
        """Seconds left of the exercise's budget; the clock starts at the first check
        that runs student code. Raises StudentTimeout once it is used up."""
        if self._started_at is None:
            self._started_at = time.monotonic()
        left = self.time_left_if_started_now()
        if left <= 0:
            raise StudentTimeout(
                tr("not run: the time budget for all checks of {exercise} "
                   "(submission_timeout_s={budget}) is used up",
                   exercise=self.plan.exercise.id, budget=f"{self.plan.budget_s:g}")
            )
        return left

    # -- at the end ------------------------------------------------------------------
    def result(self) -> ExerciseResult:
        plan = self.plan
        checks = [self._results[node] for node in self._order if node in self._results]
        if self.collection_error:
            checks.append(self._collection_result(checks))
        return ExerciseResult(
            id=plan.exercise.id,
            title=tr(plan.exercise.manifest.title),
            student_file=str(plan.student_file.path) if plan.student_file.path else None,
            file_choice=plan.student_file.choice,
            checks=checks,
            message=plan.student_file.note,
            import_failure=_import_failure(self.import_failure),
            comparison=self.comparison,
        )

    def _collection_result(self, checks: list[CheckResult]) -> CheckResult:
        # The points at stake still count as possible: a broken check file must not
        # shrink the denominator and inflate the percentage.
        try:
            declared = sum(c.points for c in declarations_of(self.plan.exercise))
        except (SyntaxError, ManifestError):
            declared = 0.0
        at_stake = declared - sum(c.points_possible for c in checks)
        return CheckResult(
            id="collection",
            title=tr("checks could not be loaded"),
            status=CheckStatus.GRADER_ERROR,
            points_possible=max(0.0, at_stake),
            message=tr("the grader's checks for this exercise failed to load; tell the course staff.")
            + "\n" + self.collection_error,
        )


def _import_failure(failure: StudentCodeError | None) -> ImportFailure | None:
    """The import failure as data (the dashboard lists it; its message may be in any language)."""
    if isinstance(failure, StudentTimeout):
        return ImportFailure.TIMEOUT
    if isinstance(failure, StudentCrashed):
        return ImportFailure.CRASHED
    if isinstance(failure, StudentImportError):
        return ImportFailure.ERROR
    return None
