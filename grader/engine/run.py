"""Grade one submission folder: plan the exercises, run pytest over their checks, assemble the report."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from grader.version import __version__
from grader.catalog.course import Course, Exercise
from grader.catalog.submission import find_student_file, read_stub
from grader.data.prepared import DataSets
from grader.errors import GraderBug
from grader.i18n import tr
from grader.engine.options import GradingOptions, LimitOverrides
from grader.engine.plugin import ExercisePlan, ExerciseRun, GradingPlugin, ProgressCallback
from grader.engine.protections import missing_protections, protection_notes
from grader.engine.seeding import seed_the_cpu_only
from grader.engine.student import StudentCode
from grader.models.results import CheckStatus, ExerciseResult, SubmissionReport
from grader.probes.training import keep_threads_for_training
from grader.sandbox.client import Sandbox, SandboxUnavailable
from grader.sandbox.outcomes import StudentCodeError, StudentTimeout

# Environment variables through which a user's own pytest set-up could leak into ours.
_PYTEST_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")


@contextlib.contextmanager
def _isolated_pytest_environment() -> Iterator[None]:
    """Run pytest without the user's plugins or options: only our checks, our way."""
    saved = {name: os.environ.get(name) for name in _PYTEST_ENV}
    for name in _PYTEST_ENV:
        os.environ.pop(name, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# The check modules this process imported and kept, with their file's contents then.
_CHECK_MODULE_FILES: dict[str, tuple[str, bytes | None]] = {}


def _signature(path: Path) -> bytes | None:
    """The file's contents (not its mtime: a file rewritten within one clock tick keeps it)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _is_check_module(name: str, module: object) -> bool:
    origin = getattr(module, "__file__", None) or ""
    return bool(origin) and Path(origin).name.startswith(("checks", "conftest")) or name.startswith("_grader_probe")


@contextlib.contextmanager
def _this_courses_check_modules(check_files: list[Path]) -> Iterator[None]:
    """Keep the check modules of this very course between gradings, forget the rest.

    pytest's importlib mode names a module after its path below the rootdir
    ("exercise_01.checks") and reuses one already in sys.modules. Reused, a module is
    not rewritten and compiled again for every submission of a batch (two compiles
    each). But a module of another course (a student kit verified against its course)
    or one whose file changed since must go: pytest would silently run it instead."""
    # Signed before the run: a file edited during it no longer matches, and goes next time.
    wanted = {str(path.resolve()): _signature(path) for path in check_files}
    for name, (origin, signature) in list(_CHECK_MODULE_FILES.items()):
        if origin not in wanted or signature is None or signature != wanted[origin]:
            sys.modules.pop(name, None)
            del _CHECK_MODULE_FILES[name]
    before = set(sys.modules)
    try:
        yield
    finally:
        for name in set(sys.modules) - before:
            module = sys.modules.get(name)
            if not _is_check_module(name, module):
                continue
            origin = str(Path(getattr(module, "__file__", None) or "").resolve())
            if origin in wanted:
                _CHECK_MODULE_FILES[name] = (origin, wanted[origin])
            else:
                del sys.modules[name]


def _pytest_args(course: Course, check_files: list[Path]) -> list[str]:
    checks_root = course.root / "checks"
    return [
        *[str(p) for p in check_files],
        "--rootdir", str(checks_root),
        "-c", str(checks_root / "pytest.ini"),
        "--confcutdir", str(checks_root),
        "--import-mode=importlib",
        "-p", "no:cacheprovider",
        "-qq",
        # No traceback formatting: our results never show pytest's (a third of a broken
        # submission's grading time went into formatting tracebacks nobody reads).
        "--tb=no",
        "-p", "no:stepwise",
        "-p", "no:warnings",
        # These two end with gc.collect() x5 over torch's heap: ~0.7 s for nothing we use.
        "-p", "no:unraisableexception",
        "-p", "no:threadexception",
        "-p", "no:faulthandler",
        "-p", "no:doctest",
        # Plugins for options we never pass, whose imports a cold `grader check` pays
        # before its first check: pdb (debugging), xml.etree (junitxml), and the rest.
        "-p", "no:debugging",
        "-p", "no:junitxml",
        "-p", "no:pastebin",
        "-p", "no:legacypath",
        "-p", "no:setuponly",
        "-p", "no:setupplan",
        # Log capture: it adds and removes a handler on every logger around each of a
        # check's three phases (~12,000 calls, ~50 ms a submission); we show no logs.
        "-p", "no:logging",
        "--capture=sys",
        # A broken check file is a grader error for its exercise, not the end of the run.
        "--continue-on-collection-errors",
    ]


def _protected_paths(course: Course) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """What student code must not see (references, checks) and must not change."""
    hidden = (course.root / "solutions", course.root / "checks")
    read_only = tuple(
        dict.fromkeys(
            [course.root, Path(__file__).resolve().parents[1], Path(sys.prefix), Path(sys.base_prefix)]
        )
    )
    return hidden, read_only


def _plan(
    course: Course,
    exercise: Exercise,
    submission_dir: Path,
    overrides: LimitOverrides,
    extra_hidden: tuple[Path, ...] = (),
) -> ExercisePlan:
    hidden, read_only = _protected_paths(course)
    hidden = (*hidden, *extra_hidden)
    return ExercisePlan(
        exercise=exercise,
        student_file=find_student_file(
            submission_dir,
            exercise.manifest.student_file,
            exercise.id,
            read_stub(exercise.stub_path, submission_dir, exercise.manifest.student_file),
        ),
        limits=exercise.manifest.limits.merged(**overrides.as_dict()),
        timeout_override_s=overrides.timeout_s,
        budget_s=overrides.submission_timeout_s or exercise.manifest.submission_timeout_s,
        hidden_paths=hidden,
        read_only_paths=read_only,
    )


_STUB_IMPORT_S = 10.0  # a stub imports in milliseconds; this is generous on a loaded machine


def _grader_suspected(sandbox: Sandbox, run: ExerciseRun, result: ExerciseResult) -> str:
    """The cheap canary of `grader check`: when every check timed out importing the
    student's file, import the exercise's own stub the same way. If that times out
    too, the fault is the grader's on this machine, not the student's."""
    checks, plan = result.checks, run.plan
    if not checks or not isinstance(run.import_failure, StudentTimeout):
        return ""
    if not all(c.status is CheckStatus.TIMEOUT for c in checks):
        return ""
    stub = plan.exercise.stub_path
    if not stub.is_file():
        return ""
    code = StudentCode(sandbox, stub, plan.exercise.id, plan.limits.merged(timeout_s=_STUB_IMPORT_S),
                       preload=tuple(plan.exercise.manifest.sandbox_preload))
    try:
        code.load()
    except StudentTimeout:
        return tr(
            "every check of {exercise} timed out importing {file}, and so did importing the "
            "exercise's own stub, which takes milliseconds: the grader may be at fault on this machine, "
            "not your code; tell the course staff", exercise=plan.exercise.id, file=stub.name,
        )
    except (StudentCodeError, SandboxUnavailable):
        return ""
    finally:
        code.close()
        sandbox.close_cell()
    return ""


def grade_submission(
    course: Course,
    exercises: list[Exercise],
    submission_dir: Path,
    sandbox: Sandbox,
    options: GradingOptions = GradingOptions(),
    *,
    data: DataSets | None = None,
    student_id: str | None = None,
    progress: ProgressCallback | None = None,
) -> SubmissionReport:
    """Grade `exercises` of the submission in `submission_dir`. Never raises for student
    faults. Front ends grade through a GradingSession (session.py), which owns the
    sandbox and the data; this is its one step.

    `data` provides the data sets the exercises need (the caller owns and closes it, so
    a batch run loads the data once); a data set it lacks: the checks that need it are
    reported as not run.
    """
    started = time.perf_counter()
    keep_threads_for_training()
    seed_the_cpu_only()
    # The sandbox outlives this submission (a batch grades many with one): only restarts
    # during this one belong in its report.
    restarts_before = sandbox.restarts
    # Absolute: workers run in their own folder, not in ours.
    submission_dir = submission_dir.absolute()
    plans = [_plan(course, e, submission_dir, options.overrides, options.hidden_paths) for e in exercises]
    plugin = GradingPlugin(sandbox, plans, progress, data, options.references, options.public_only, options.probe_log,
                           options.once)
    plugin.prepare_sandbox()
    check_files = [f for e in exercises for f in e.check_files]
    # pytest's terminal reporter stays loaded (assertion messages are built through it)
    # but writes nowhere: the report is ours to render.
    try:
        with _isolated_pytest_environment(), _this_courses_check_modules(check_files), open(os.devnull, "w") as sink, \
                contextlib.redirect_stdout(sink):
            exit_code = pytest.main(_pytest_args(course, check_files), plugins=[plugin])
    finally:
        sandbox.close_cell()  # the student's sandbox, and whatever still runs in it, ends here
    if exit_code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if exit_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise GraderBug(f"pytest could not run the checks (exit code {int(exit_code)})")
    report = SubmissionReport(
        grader_version=__version__,
        submission=str(submission_dir),
        student_id=student_id,
        exercises=plugin.results(),
    )
    report.missing_protections = missing_protections(sandbox)
    report.notes.extend(protection_notes(sandbox))
    for exercise_run, result in zip(plugin.runs, report.exercises):
        suspicion = _grader_suspected(sandbox, exercise_run, result)
        if suspicion:
            report.notes.append(suspicion)
    restarts = sandbox.restarts - restarts_before
    if restarts:
        report.notes.append(tr("the sandbox was restarted {n} time(s) after student code killed it", n=restarts))
    report.duration_s = round(time.perf_counter() - started, 3)
    return report
