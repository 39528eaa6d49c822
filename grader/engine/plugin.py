"""The pytest plugin that turns check functions into graded results.

Registered as an instance for one grading (state lives on it, not in globals): it
takes frozen plans, makes one `ExerciseRun` per plan to hold what it learns, and
`results()` turns those into the exercises' results. It provides the `student`,
`reference`, `exercise` and `comparison` fixtures, one fixture per data set its
registry knows (named after the data set: `mnist`, ...), and records one CheckResult
per check from pytest's reports.
"""

from __future__ import annotations

import traceback
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

import pytest

from grader.catalog.course import Exercise
from grader.authoring.declaration import CheckDeclaration
from grader.authoring.failure import CheckFailed
from grader.authoring.marker import MARKER_NAME
from grader.data.prepared import DataSets, DataUnavailable
from grader.engine.exercise_run import ExercisePlan, ExerciseRun
from grader.engine.once import OnceInMemory, OnceStore
from grader.engine.references import ReferenceSource, default_references, import_solution
from grader.engine.student import StudentCode, worker_spec
from grader.i18n import tr
from grader.engine.tape import NotRecordable, NotRecorded
from grader.models.manifest import CheckLimits
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, NamedMistake
from grader.sandbox.client import Sandbox, SandboxUnavailable
from grader.sandbox.protocol import WorkerSpec
from grader.authoring.answers import FORBIDDEN_OPERATION
from grader.sandbox.outcomes import (
    ForbiddenCall,
    MissingStudentFile,
    StudentCodeError,
    StudentCrashed,
    StudentImportError,
    StudentTimeout,
)

__all__ = ["ExercisePlan", "ExerciseRun", "GradingPlugin", "ProgressCallback"]

@dataclass(frozen=True)
class _CheckInfo:
    run: ExerciseRun
    declaration: CheckDeclaration

    @property
    def title(self) -> str:
        return tr(self.declaration.title)


ProgressCallback = Callable[[str, int, int], None]


class GradingPlugin:
    def __init__(
        self,
        sandbox: Sandbox,
        plans: list[ExercisePlan],
        progress: ProgressCallback | None = None,
        data: DataSets | None = None,
        references: ReferenceSource | None = None,
        public_only: bool = False,
        probe_log: dict[str, set[str]] | None = None,
        once: OnceStore | None = None,
    ) -> None:
        """`progress(text, done, total)` is told before each check starts; `data` serves
        the data sets' fixtures (a data set it lacks: the checks that need it are not run).
        `references` serves `reference` (default: the course's solutions, or a kit's
        recorded answers); `public_only` leaves hidden checks out; `probe_log` collects,
        per exercise, the probe files the checks used (what a student kit must carry);
        `once` keeps what checks compute once (default: for this grading only)."""
        self.sandbox = sandbox
        self.data = data if data is not None else DataSets()
        _check_data_needs(self.data, plans)
        self.runs = [ExerciseRun(plan) for plan in plans]
        # The student's sandbox preloads what any of these exercises asks for: the cell
        # is built once for all of them (a different preload would mean another cell).
        self.preload = tuple(sorted({name for plan in plans for name in plan.exercise.manifest.sandbox_preload}))
        self._runs_by_dir = {run.plan.exercise.check_dir.resolve(): run for run in self.runs}
        self.course_is_release = any(plan.exercise.course.release is not None for plan in plans)
        self.references = references or default_references(self.course_is_release)
        self.public_only = public_only
        self.probe_log = probe_log
        self.once_store = once if once is not None else OnceInMemory()  # not `once`: that name is the fixture
        self.progress = progress
        self._items: dict[str, _CheckInfo] = {}
        self._next_student_check: dict[str, str | None] = {}
        self._started = 0

    def results(self) -> list[ExerciseResult]:
        """One result per plan, in the plans' order."""
        return [run.result() for run in self.runs]

    # -- collection ---------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", f"{MARKER_NAME}(points, title, timeout_s, hidden, reply_mb): a graded check"
        )
        config.pluginmanager.register(data_fixtures(self._data_fixture, self.data.providers.names()),
                                      "grader-data-fixtures")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            # Node ids are relative to the checks folder: "<exercise>/checks.py".
            folder = report.nodeid.split("/", 1)[0]
            for run in self.runs:
                if run.plan.exercise.check_dir.name == folder:
                    run.collection_error = str(report.longrepr)[-1500:]

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        # What each check declares is read from its file's text, as `grader list` and the
        # release read it (grader/catalog/declarations.py), never from the marks.
        left_out: list[pytest.Item] = []
        for item in items:
            run = self._runs_by_dir.get(item.path.resolve().parent)
            if run is None:
                continue
            name = getattr(item, "originalname", item.name)  # a parametrized check's function
            declaration = run.declaration(name, marked=item.get_closest_marker(MARKER_NAME) is not None)
            if declaration is None or (self.public_only and declaration.hidden):
                left_out.append(item)
                continue
            self._items[item.nodeid] = _CheckInfo(run=run, declaration=declaration)
            run.add_check(item.nodeid)
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if item not in left_out]
        # Which check runs student code next, after each one: its worker is made early.
        following: str | None = None
        for item in reversed(items):
            self._next_student_check[item.nodeid] = following
            if item.nodeid in self._items and "student" in getattr(item, "fixturenames", ()):
                following = item.nodeid

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        info = self._items.get(nodeid)
        if info is not None and self.progress is not None:
            self.progress(f"{info.run.plan.exercise.id}: {info.title}", self._started, len(self._items))
        self._started += 1

    # -- fixtures -----------------------------------------------------------------
    def _info(self, request: pytest.FixtureRequest) -> _CheckInfo:
        return self._items[request.node.nodeid]

    @pytest.fixture
    def exercise(self, request: pytest.FixtureRequest) -> Exercise:
        return self._info(request).run.plan.exercise

    @pytest.fixture
    def reference(self, request: pytest.FixtureRequest) -> Any:
        """The reference solution: the module itself, or a kit's recorded answers."""
        return self.references.reference_for(self._info(request).run.plan.exercise)

    @pytest.fixture
    def reference_of(self, request: pytest.FixtureRequest) -> Callable[[str], types.ModuleType]:
        """Another exercise's reference solution, e.g. exercise 06 comparing with exercise
        05's Net. Only hidden checks may use it: a student kit has no solutions."""
        course_root = self._info(request).run.plan.exercise.solution_path.parent

        def load(exercise_id: str) -> types.ModuleType:
            if self.course_is_release:
                raise FileNotFoundError(
                    "reference_of() needs the course's solutions: a check that uses it "
                    "must be hidden (instructor-only)")
            return import_solution(course_root / f"{exercise_id}.py", f"_reference_{exercise_id}")

        return load

    def _data_fixture(self, name: str, request: pytest.FixtureRequest) -> Any:
        """The data set `name` as its provider hands it to checks, with the course's
        settings ([data.<name>]). Without usable data the check is NOT RUN (never passed,
        never crashed), and its message says how to provide the data."""
        data = self.data[name]
        try:
            prepared = data.get()
        except DataUnavailable as missing:
            pytest.skip(tr("not run: {reason}", reason=missing))
        course = self._info(request).run.plan.exercise.course
        return data.provider.fixture_value(prepared, data.provider.settings(course.data.get(name)))

    @pytest.fixture
    def once(self, request: pytest.FixtureRequest) -> Callable[[str, Callable[[], Any]], Any]:
        """`once(key, compute)`: a figure that does not depend on the student (plain JSON
        data), computed the first time and read back after: once per batch in `grader
        grade` (grader.engine.once). The key names what the figure depends on."""
        exercise_id = self._info(request).run.plan.exercise.id
        return lambda key, compute: self.once_store.get(f"{exercise_id}:{key}", compute)

    @pytest.fixture
    def comparison(self, request: pytest.FixtureRequest) -> dict[str, dict[str, float | str]]:
        """Side-by-side figures a check may fill (row -> column -> value); the report shows them."""
        return self._info(request).run.comparison

    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> Iterator[StudentCode]:
        info = self._info(request)
        run, plan = info.run, info.run.plan
        if plan.student_file.path is None:
            raise MissingStudentFile(plan.student_file.note)
        if run.import_failure is not None:
            raise run.import_failure
        limits = plan.limits_for(info.declaration.timeout_s, run.time_left(), info.declaration.reply_mb)
        for name in plan.exercise.needs_data:
            # Prepare the data before the exercise's cell is built, so its root holds it.
            try:
                self.data[name].get()
            except DataUnavailable:
                pass  # the data set's fixture reports it on the checks that need it
        code = self._student_code(plan, limits, next_worker=self._next_worker(request.node.nodeid))
        code.observer = getattr(self.references, "observe_student_value", None)
        try:
            if not run.loaded:
                try:
                    code.load()
                except (StudentImportError, StudentTimeout, StudentCrashed) as failure:
                    # The module cannot be loaded at all: every other check gets the same
                    # answer at once instead of paying the same timeout again.
                    run.import_failure = failure
                    raise
                run.loaded = True
            yield code
        finally:
            if self.probe_log is not None:
                self.probe_log.setdefault(plan.exercise.id, set()).update(code.probe_files_used)
            code.close()

    def _student_code(self, plan: ExercisePlan, limits: CheckLimits,
                      next_worker: WorkerSpec | None | Literal["same"] = "same") -> StudentCode:
        assert plan.student_file.path is not None
        return StudentCode(
            self.sandbox,
            plan.student_file.path,
            plan.exercise.id,
            limits,
            hidden_paths=(*plan.hidden_paths, *self.data.hidden_paths()),
            read_only_paths=plan.read_only_paths,
            exposed_paths=self.data.exposed_paths,
            preload=self.preload,
            next_worker=next_worker,
        )

    def prepare_sandbox(self) -> None:
        """Have the student's cell and the first check's worker built while pytest starts
        and collects: the first exercise's default limits are a good guess (a check with
        limits of its own gets a fresh worker in the same cell). Not for an exercise that
        needs data: its data must be ready before its cell is built."""
        plan = next((r.plan for r in self.runs if r.plan.student_file.path is not None), None)
        if plan is None or plan.exercise.needs_data:
            return
        code = self._student_code(plan, plan.limits_for(None, plan.budget_s))
        self.sandbox.prepare(code.cell_spec(), code.worker_spec())

    def _next_worker(self, nodeid: str) -> WorkerSpec | None:
        """The worker the next check that runs student code will ask for, if any."""
        following = self._next_student_check.get(nodeid)
        if following is None:
            return None
        info = self._items[following]
        run, plan = info.run, info.run.plan
        if plan.student_file.path is None or run.import_failure is not None:
            return None
        limits = plan.limits_for(info.declaration.timeout_s, run.time_left_if_started_now(), info.declaration.reply_mb)
        return worker_spec(plan.student_file.path, plan.exercise.id, limits)

    # -- results ------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
        report = yield
        info = self._items.get(item.nodeid)
        if info is None or info.run.has_result(item.nodeid):
            return report
        if call.when == "call" or (call.when == "setup" and not report.passed):
            status, message = self._classify(report, call)
            info.run.record(
                item.nodeid,
                CheckResult(
                    id=info.declaration.name.removeprefix("check_"),
                    title=info.title,
                    status=status,
                    points_earned=info.declaration.points if status is CheckStatus.PASSED else 0.0,
                    points_possible=info.declaration.points,
                    message=message,
                    duration_s=round(call.duration, 4),
                    hidden=info.declaration.hidden,
                    mistakes=_named_mistakes(call, message),
                ),
            )
        return report

    @staticmethod
    def _classify(report: pytest.TestReport, call: pytest.CallInfo[None]) -> tuple[CheckStatus, str]:
        if report.passed:
            return CheckStatus.PASSED, ""
        excinfo = call.excinfo
        if report.skipped or (excinfo is not None and excinfo.errisinstance(pytest.skip.Exception)):
            reason = str(excinfo.value) if excinfo is not None else tr("skipped")
            return CheckStatus.SKIPPED, getattr(excinfo.value, "msg", reason) if excinfo else reason
        if excinfo is None:
            return CheckStatus.GRADER_ERROR, tr("the check failed without an exception")
        error = excinfo.value
        if isinstance(error, StudentCodeError):
            return error.status, error.message
        if isinstance(error, CheckFailed):
            return CheckStatus.FAILED, error.message
        if isinstance(error, AssertionError):
            return CheckStatus.FAILED, _assertion_message(str(error))
        if isinstance(error, NotRecordable):
            return CheckStatus.GRADER_ERROR, tr("this public check cannot be recorded for a student kit: {error}",
                                                error=error)
        if isinstance(error, NotRecorded):
            return (
                CheckStatus.GRADER_ERROR,
                tr("this check asked a question its kit was not released with ({error}). "
                   "This is not your fault; tell the course staff.", error=error),
            )
        if isinstance(error, SandboxUnavailable):
            return CheckStatus.GRADER_ERROR, tr("the sandbox failed: {error}", error=error)
        last = traceback.extract_tb(excinfo.tb)[-1:]
        failure = f"{type(error).__name__}: {error}"
        if last:
            return (
                CheckStatus.GRADER_ERROR,
                tr("the grader itself failed on this check: {error} ({file}, line {line}). "
                   "This is not your fault; tell the course staff.",
                   error=failure, file=Path(last[0].filename).name, line=last[0].lineno),
            )
        return (
            CheckStatus.GRADER_ERROR,
            tr("the grader itself failed on this check: {error}. This is not your fault; tell the course staff.",
               error=failure),
        )


def _check_data_needs(data: DataSets, plans: list[ExercisePlan]) -> None:
    """Before anything runs: every data set an exercise asks for has a provider (an
    unknown name is an error naming the known ones), and the course's settings for it
    are valid."""
    for plan in plans:
        exercise = plan.exercise
        manifest = exercise.check_dir / "exercise.toml"
        for name in exercise.needs_data:
            provider = data.providers.get(name, asked_by=str(manifest))
            provider.settings(exercise.course.data.get(name), where=str(exercise.check_dir.parent.parent / "course.toml"))


def data_fixtures(serve: Callable[[str, pytest.FixtureRequest], Any], names: list[str]) -> object:
    """A plugin holding one fixture per data set, named after it (`mnist`, ...), each
    served by `serve(name, request)`: the data sets are the registry's, not the engine's."""

    def fixture_for(name: str) -> Any:
        def value(self: object, request: pytest.FixtureRequest) -> Any:
            return serve(name, request)

        value.__doc__ = f"The {name!r} data set, as its provider hands it to checks."
        return pytest.fixture(name=name)(value)

    holder = type("DataFixtures", (), {f"data_{name}": fixture_for(name) for name in names})
    return holder()


def _named_mistakes(call: pytest.CallInfo[None], message: str) -> list[NamedMistake]:
    """The mistakes a failing check recognised, as data (CheckFailed carries them)."""
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, ForbiddenCall):  # found by the sandbox, not by a check's helper
        mistakes: tuple = (FORBIDDEN_OPERATION,)
    elif isinstance(error, CheckFailed):
        mistakes = error.mistakes
    else:
        return []
    return [NamedMistake(id=m.id, title=tr(m.title), message=message) for m in mistakes]


def _assertion_message(text: str) -> str:
    """The check author's message of a plain `assert`, without pytest's introspection
    (which names grader internals); the bare comparison when there is no message."""
    message, separator, _ = text.partition("\nassert ")
    if separator and message:
        return message
    if text.startswith("assert "):
        return text.splitlines()[0]
    return text or tr("the answer is not what the check expects")
