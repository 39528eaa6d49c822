"""`grader autograder gradescope`: the zip Gradescope runs, built from the course.

The zip holds, at its root, `setup.sh` (Gradescope runs it once, as root, when it
builds the autograder's image: a venv with the pinned CPU build of torch and the engine
wheel shipped in the zip) and `run_autograder` (a thin script: `python -m
grader.cli.gradescope_run`, once per submission). Beside them:

  course/    course.toml, every check (hidden ones too), probes, the course's catalogs,
             the stubs, and each exercise's recorded reference answers (reference.json)
  solutions  only where a check cannot be recorded (course/solutions/<file>): the
             build names each such check and says so
  data/      the data sets the exercises need (MNIST), so grading downloads nothing
  wheels/    the engine wheel

The reference answers are recorded as `grader release` records them, but from every
check, hidden ones included. A check whose use of the reference cannot be recorded (a
value from the student given to the reference, `reference_of()`, an argument the tape
cannot carry) makes its exercise ship its solution file, named in the summary. The
staged course is then graded on each stub and solution with the shipped references:
a check that fails there without the solution (a question the tape was not asked) also
ships its exercise's solution. No other solution source is in the zip:
`leaked_solutions` refuses the build otherwise.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from grader.catalog.course import COURSE_FILE, Course, Exercise
from grader.catalog.declarations import declarations_of
from grader.data.locate import DataSearch
from grader.data.prepared import DataSets, PreparedData
from grader.engine.references import RecordingReferences, ShippedReferences
from grader.engine.session import GradingOptions, GradingSession, providers_needed
from grader.engine.tape import TAPE_FILE
from grader.errors import ReleaseError
from grader.i18n import COURSE_LOCALE_FOLDER, N_, tr
from grader.models.results import CheckStatus, SubmissionReport
from grader.release.sources import folder_size, leaked_solutions
from grader.sandbox.client import Sandbox
from grader.version import __version__

Progress = Callable[[str], None]

COURSE_DIR = "course"
DATA_DIR = "data"
WHEELS_DIR = "wheels"
MANIFEST = "autograder.json"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
_REFERENCE_OF = re.compile(r"""reference_of\(\s*["']([a-z0-9_]+)["']""")

SETUP_SH = """#!/usr/bin/env bash
# Made by `grader autograder gradescope` (engine @@VERSION@@). Gradescope runs it once, as root,
# when it builds the autograder's image: a venv with the CPU build of torch and the engine.
# AUTOGRADER_ROOT (default /autograder), AUTOGRADER_PYTHON (default python3) and
# AUTOGRADER_PIP_ARGS (e.g. --no-index, to install offline) let it run elsewhere, as the tests do.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null && command -v apt-get >/dev/null; then
    apt-get install -y python3-venv python3-pip
  fi
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
    echo "the grader needs Python 3.10 or later: choose a newer base image on Gradescope" >&2; exit 1; }
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install --disable-pip-version-check ${AUTOGRADER_PIP_ARGS:-})
# The CPU build, pinned: the default torch wheel pulls gigabytes of CUDA libraries.
"${PIP[@]}" --index-url @@TORCH_INDEX@@ "torch==@@TORCH@@"
"${PIP[@]}" "$SOURCE/@@WHEEL@@"
"$VENV/bin/python" -c "import grader, torch; print('grader', grader.__version__, 'torch', torch.__version__)"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Made by `grader autograder gradescope`. Gradescope runs it for each submission: it grades
# every exercise found in $ROOT/submission and writes $ROOT/results/results.json.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
export AUTOGRADER_ROOT="$ROOT"
cd "$ROOT"
exec "$ROOT/venv/bin/python" -m grader.cli.gradescope_run
"""


@dataclass(frozen=True)
class AutograderOptions:
    out: Path  # the zip to write
    engine_wheel: Path
    torch: str
    data_dir: Path | None = None  # where the data sets are (else where `grader check` looks)
    without_data: bool = False  # leave out a data set not found (its checks are then NOT RUN)
    force: bool = False
    environ: Mapping[str, str] = field(default_factory=dict)
    cwd: Path = Path(".")
    home: Path = Path.home()


@dataclass
class AutograderSummary:
    out: Path
    files: int = 0
    bytes: int = 0
    exercises: list[str] = field(default_factory=list)
    checks: int = 0
    hidden_checks: int = 0
    recorded_calls: int = 0
    # exercise id -> why its solution file is in the zip ("exercise:check: reason")
    solutions: dict[str, list[str]] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _check_options(course: Course, options: AutograderOptions) -> None:
    if course.is_release:
        raise ReleaseError(tr("{path} is a student kit; build the autograder from the instructor's course",
                              path=course.root))
    wheel = options.engine_wheel
    if not wheel.is_file() or wheel.suffix != ".whl":
        raise ReleaseError(tr("--engine-wheel {path} is not a wheel file", path=wheel),
                           hint=tr("build it with `pip wheel --no-deps -w dist .` in the grader's source"))
    if options.out.suffix != ".zip":
        raise ReleaseError(tr("--out {path} must name a .zip file", path=options.out))
    if options.out.exists() and not options.force:
        raise ReleaseError(tr("{path} exists", path=options.out), hint=tr("pass --force to replace it"))


def _data(exercises: list[Exercise], options: AutograderOptions, summary: AutograderSummary) -> list[PreparedData]:
    """The data sets the exercises need, found where `grader check` looks (and --data-dir)."""
    search = DataSearch.usual(options.environ, options.home, options.cwd, data_dir=options.data_dir)
    found = []
    for provider in providers_needed(exercises):
        located = provider.find(search)
        users = ", ".join(e.id for e in exercises if provider.name in e.needs_data)
        if located.folder is None:
            if not options.without_data:
                raise ReleaseError(
                    tr("{exercises} need the data set {name}, which was not found: the autograder downloads "
                       "nothing while grading", exercises=users, name=provider.name),
                    hint=tr("{how}; or pass --data-dir DIR, or --without-data to leave it out (its checks are "
                            "then NOT RUN on Gradescope)", how=provider.how_to_provide(located)))
            summary.warnings.append(tr("the data set {name} is left out: the checks of {exercises} that need it "
                                       "will be NOT RUN", name=provider.name, exercises=users))
            continue
        found.append(PreparedData(provider, located.folder, ""))
    return found


def _copy_files(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", TAPE_FILE),
                    dirs_exist_ok=True)


def _stage_course(course: Course, exercises: list[Exercise], stage: Path) -> Path:
    """The course without its solutions: course.toml, checks (all), catalogs, stubs."""
    target = stage / COURSE_DIR
    (target / "checks").mkdir(parents=True)
    shutil.copyfile(course.root / COURSE_FILE, target / COURSE_FILE)
    shutil.copyfile(course.root / "checks" / "pytest.ini", target / "checks" / "pytest.ini")
    locale = course.root / COURSE_LOCALE_FOLDER
    if locale.is_dir():
        _copy_files(locale, target / COURSE_LOCALE_FOLDER)
    (target / "exercises").mkdir()
    (target / "solutions").mkdir()
    for exercise in exercises:
        _copy_files(exercise.check_dir, target / "checks" / exercise.id)
        if exercise.stub_path.is_file():
            shutil.copyfile(exercise.stub_path, target / "exercises" / exercise.manifest.student_file)
    return target


def _reference_of_uses(exercise: Exercise) -> dict[str, set[str]]:
    """check name -> the exercises whose solutions it loads with reference_of(); an id that
    is not a literal string is taken as the check's own exercise."""
    uses: dict[str, set[str]] = {}
    for path in exercise.check_files:
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef) and any(a.arg == "reference_of" for a in node.args.args):
                body = ast.get_source_segment(source, node) or ""
                uses[node.name] = set(_REFERENCE_OF.findall(body)) or {exercise.id}
    return uses


def _solution_submission(exercise: Exercise, source: Path, into: Path) -> Path:
    folder = into / f"{exercise.id}-{source.parent.name}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / exercise.manifest.student_file)
    return folder


def _needs(summary: AutograderSummary, exercise_id: str, why: str) -> None:
    summary.solutions.setdefault(exercise_id, []).append(why)


def _broken(report: SubmissionReport) -> list[tuple[str, str]]:
    return [(f"{e.id}:{c.id}", c.message[:300]) for e in report.exercises for c in e.checks
            if c.status is CheckStatus.GRADER_ERROR]


def _record(course: Course, exercises: list[Exercise], staged: Path, data: DataSets, sandbox: Sandbox,
            scratch: Path, progress: Progress, summary: AutograderSummary) -> dict[str, dict[str, str]]:
    """Record every check's reference calls into the staged course's tapes; the course's
    own verdicts on each solution ("exercise:check" -> status), for the verification."""
    views: dict[str, dict[str, str]] = {}
    for exercise in exercises:
        progress(tr("recording {exercise}'s reference values (hidden checks too)", exercise=exercise.id))
        recording = RecordingReferences()
        folder = _solution_submission(exercise, exercise.solution_path, scratch)
        with GradingSession(course, [exercise], GradingOptions(references=recording), sandbox=sandbox,
                            data=data, lent=True) as session:
            report = session.grade(folder)
        views[exercise.id] = {f"{e.id}:{c.id}": c.status.value for e in report.exercises for c in e.checks}
        for check, message in _broken(report):
            _needs(summary, exercise.id, f"{check}: {message}")
        for check, loads in sorted(_reference_of_uses(exercise).items()):
            for loaded in sorted(loads):
                _needs(summary, loaded, tr("{check} uses reference_of({loaded})",
                                           check=f"{exercise.id}:{check.removeprefix('check_')}", loaded=loaded))
        tape = recording.tapes.get(exercise.id)
        if tape is not None and len(tape):
            (staged / "checks" / exercise.id / TAPE_FILE).write_bytes(tape.dumps())
            summary.recorded_calls += len(tape)
        for declared in declarations_of(exercise):
            summary.checks += 1
            summary.hidden_checks += declared.hidden
    return views


def _ship_solutions(course: Course, staged: Path, summary: AutograderSummary) -> None:
    for exercise_id in summary.solutions:
        (exercise,) = course.select([exercise_id])
        target = staged / "solutions" / exercise.manifest.solution_file
        if not target.exists():
            shutil.copyfile(exercise.solution_path, target)


def _verify(staged: Path, exercises: list[Exercise], sandbox: Sandbox, scratch: Path, progress: Progress,
            views: dict[str, dict[str, str]], summary: AutograderSummary) -> list[str]:
    """Grade the staged course (without data: training checks are verified where they were
    recorded) on each stub and solution; the exercises whose checks need the solution."""
    course = Course.at(staged)
    more: list[str] = []
    for exercise in exercises:
        if exercise.id in summary.solutions:
            continue
        (staged_exercise,) = course.select([exercise.id])
        session = GradingSession(course, [staged_exercise], GradingOptions(references=ShippedReferences()),
                                 sandbox=sandbox, lent=True)
        for label, source in ((N_("the stub"), exercise.stub_path), (N_("the solution"), exercise.solution_path)):
            if not source.is_file():
                continue
            progress(tr("verifying {exercise} on {label}", exercise=exercise.id, label=tr(label)))
            report = session.grade(_solution_submission(exercise, source, scratch / "verify" / label[4:]))
            problems = [f"{check} on {label}: {message}" for check, message in _broken(report)]
            if source == exercise.solution_path:
                problems += [f"{e.id}:{c.id} on the solution: {c.status.value}, the course says "
                             f"{views[exercise.id].get(f'{e.id}:{c.id}')}"
                             for e in report.exercises for c in e.checks
                             if c.status not in (CheckStatus.SKIPPED, CheckStatus.TIMEOUT, CheckStatus.GRADER_ERROR)
                             and views[exercise.id].get(f"{e.id}:{c.id}") not in (c.status.value, "skipped", "timeout")]
            for problem in problems:
                _needs(summary, exercise.id, problem)
            if problems:
                more.append(exercise.id)
                break
    return more


def _manifest(options: AutograderOptions, summary: AutograderSummary, wheel: str) -> str:
    return json.dumps({"engine_version": __version__, "torch": options.torch, "engine_wheel": wheel,
                       "exercises": summary.exercises, "data": summary.data,
                       "solutions_shipped": summary.solutions}, indent=2, ensure_ascii=False) + "\n"


def _write_zip(stage: Path, out: Path) -> None:
    """Files at the zip's root, scripts executable; written beside `out`, then moved."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(stage).as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
            mode = 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    os.replace(partial, out)


def build_autograder(course: Course, options: AutograderOptions, sandbox: Sandbox,
                     progress: Progress = lambda _: None) -> AutograderSummary:
    """Record, stage, verify and zip the Gradescope autograder to `options.out`."""
    _check_options(course, options)
    exercises = course.exercises()
    for exercise in exercises:  # a declaration it cannot read refuses the build, named, before any grading
        declarations_of(exercise)
    summary = AutograderSummary(out=options.out, exercises=[e.id for e in exercises])
    prepared = _data(exercises, options, summary)
    data = DataSets(prepared=prepared)
    with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as scratch_name:
        scratch = Path(scratch_name)
        stage = scratch / "autograder"
        try:
            staged = _stage_course(course, exercises, stage)
            views = _record(course, exercises, staged, data, sandbox, scratch / "record", progress, summary)
        finally:
            data.close()
        _ship_solutions(course, staged, summary)
        if _verify(staged, exercises, sandbox, scratch, progress, views, summary):
            _ship_solutions(course, staged, summary)
        for found in prepared:
            assert found.folder is not None
            target = stage / DATA_DIR / found.name
            target.mkdir(parents=True)
            for path in sorted(found.folder.iterdir()):
                if path.is_file():
                    shutil.copyfile(path, target / path.name)
            summary.data.append(found.name)
        wheel = f"{WHEELS_DIR}/{options.engine_wheel.name}"
        (stage / WHEELS_DIR).mkdir()
        shutil.copyfile(options.engine_wheel, stage / wheel)
        for name, template in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            script = stage / name
            script.write_text(template.replace("@@VERSION@@", __version__).replace("@@TORCH@@", options.torch)
                              .replace("@@TORCH_INDEX@@", TORCH_CPU_INDEX).replace("@@WHEEL@@", wheel),
                              encoding="utf-8")
            script.chmod(0o755)
        (stage / MANIFEST).write_text(_manifest(options, summary, wheel), encoding="utf-8")
        kept = sorted({e.solution_path for e in exercises if e.id not in summary.solutions})
        leaks = leaked_solutions(stage, kept)
        if leaks:
            raise ReleaseError(tr("the autograder would carry solution source: {where}", where="; ".join(leaks[:5])),
                               hint=tr("move that code out of the checks and probes"))
        summary.files, summary.bytes = folder_size(stage)
        _write_zip(stage, options.out)
    return summary
