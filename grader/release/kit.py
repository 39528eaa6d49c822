"""`grader release`: build the student kit of a course.

The kit is a folder that can become the assignment's template repository or be zipped
and handed out. It holds the stubs (as .py and as generated notebooks), the public
checks only, the reference values those checks need (recorded now from the solutions,
replayed there), a course.toml pinned to this engine with a content hash, a README for
students, the CI workflow, and optionally the engine wheel. It holds no solution source,
no bytecode of it and no pickle; `build_kit` refuses to finish a kit that would, and
one whose own functions answer a stub (grader/release/answer_guard.py).

Before the kit is written out it is graded, as a student would grade it, on the stubs
and on the solutions; every public check must give the score and message the full
course gives. A check that cannot work without the solution fails the release, named.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from grader.version import __version__
from grader.catalog.course import COURSE_FILE, Course, Exercise
from grader.catalog.declarations import declarations_of
from grader.ci.workflow import WorkflowOptions, render_workflow
from grader.engine.references import RecordingReferences
from grader.engine.session import GradingOptions, GradingSession
from grader.errors import GraderError, ReleaseError
from grader.models.results import CheckStatus, SubmissionReport
from grader.i18n import COURSE_LOCALE_FOLDER, ENGLISH, N_, catalogs, tr, use_language
from grader.release.answer_guard import refuse_handed_out_answers
from grader.release.notebook import render_notebook
from grader.release.stub_language import translate_docstrings
from grader.release.sources import content_hash, folder_size, leaked_solutions, strip_hidden_checks
from grader.engine.tape import TAPE_FILE
from grader.sandbox.client import Sandbox

STUDENT_README = Path(__file__).with_name("student_readme.md")  # English; student_readme.<lang>.md beside it
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
WORKFLOW_PATH = Path(".github") / "workflows" / "grader.yml"

Progress = Callable[[str], None]


NOT_WITHOUT_THE_SOLUTION_HINT = N_(
    "a public check may ask the reference only questions that do not depend on the submission; "
    "mark the others @check(hidden=True) or rewrite them")


@dataclass(frozen=True)
class ReleaseOptions:
    out: Path
    engine_source: str | None = None  # a pip requirement for the engine
    engine_wheel: Path | None = None  # or a wheel to ship in the kit's wheels/
    python: str = "3.11"
    torch: str = "2.13.0"
    force: bool = False
    language: str = ENGLISH  # of the stubs' instructions, the notebooks and README.md


@dataclass
class KitSummary:
    out: Path
    files: int = 0
    bytes: int = 0
    public_checks: int = 0
    hidden_checks: int = 0
    recorded_calls: int = 0
    content_hash: str = ""
    exercises: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _install_line(options: ReleaseOptions) -> str:
    if options.engine_wheel is not None:
        return f"./wheels/{options.engine_wheel.name}"
    if options.engine_source:
        return options.engine_source
    raise ReleaseError(
        tr("release needs --engine-wheel or --engine-source: how students install the grading engine"),
        hint=tr("e.g. --engine-wheel dist/grader-{version}-py3-none-any.whl (built with `pip wheel --no-deps .`), "
                "or --engine-source 'grader @ git+https://github.com/ORG/grader@v{version}'", version=__version__),
    )


def _check_options(course: Course, options: ReleaseOptions) -> None:
    if course.is_release:
        raise ReleaseError(tr("{path} is itself a student kit; release from the instructor's course", path=course.root))
    if options.engine_wheel is not None and (not options.engine_wheel.is_file() or options.engine_wheel.suffix != ".whl"):
        raise ReleaseError(tr("--engine-wheel {path} is not a wheel file", path=options.engine_wheel))
    out = options.out.resolve()
    if out == course.root or course.root in out.parents:
        # Inside the course, the next release would find this kit's course.toml first.
        raise ReleaseError(tr("--out {path} is inside the course; put the kit elsewhere", path=options.out))
    if out.exists() and any(out.iterdir()) and not options.force:
        raise ReleaseError(tr("{path} exists and is not empty", path=options.out), hint=tr("pass --force to replace it"))


def _single_file_submission(exercise: Exercise, source: Path, into: Path) -> Path:
    """A submission folder holding `source` under the name the student hands in."""
    folder = into / f"{exercise.id}-{source.parent.name}"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / exercise.manifest.student_file)
    return folder


@dataclass(frozen=True)
class CheckView:
    """What a student sees of one public check; the kit's must equal the course's."""

    status: str
    points: float
    message: str

    @property
    def score(self) -> str:
        return f"{self.status} {self.points:g}"


PublicView = dict[str, CheckView]  # "exercise:check" -> what the student sees


def _public_view(report: SubmissionReport) -> PublicView:
    return {
        f"{e.id}:{c.id}": CheckView(c.status.value, c.points_earned, c.message)
        for e in report.exercises
        for c in e.checks
        if not c.hidden
    }


def _write_exercise(exercise: Exercise, kit: Path, probe_files: set[str], recording: RecordingReferences) -> tuple[int, int]:
    """The exercise's stub, notebook, public checks, probes and tape; (public, hidden) counts."""
    exercises_dir = kit / "exercises"
    exercises_dir.mkdir(exist_ok=True)
    stub_target = exercises_dir / exercise.manifest.student_file
    # In the kit's language (the active one): the stub's instructions, and the notebook made of them.
    stub = translate_docstrings(exercise.stub_path.read_text(encoding="utf-8"))
    stub_target.write_bytes(stub.encode("utf-8"))
    notebook = render_notebook(
        stub,
        exercise_id=exercise.id,
        title=tr(exercise.manifest.title),
        description=tr(exercise.manifest.description) if exercise.manifest.description else "",
    )
    stub_target.with_suffix(".ipynb").write_bytes(notebook.encode("utf-8"))

    check_dir = kit / "checks" / exercise.id
    check_dir.mkdir(parents=True)
    shutil.copyfile(exercise.check_dir / "exercise.toml", check_dir / "exercise.toml")
    public = hidden = 0
    for declared in declarations_of(exercise):
        hidden += declared.hidden
        public += not declared.hidden
    for check_file in exercise.check_files:
        source = check_file.read_text(encoding="utf-8")
        (check_dir / check_file.name).write_text(strip_hidden_checks(source, check_file), encoding="utf-8")
    for probe in sorted(probe_files):
        probe_path = Path(probe)
        if probe_path.parent.resolve() != exercise.check_dir.resolve():
            raise ReleaseError(tr("{exercise}: a check uses the probe file {probe}, outside its folder",
                                  exercise=exercise.id, probe=probe))
        shutil.copyfile(probe_path, check_dir / probe_path.name)
    tape = recording.tapes.get(exercise.id)
    if tape is not None and len(tape):
        (check_dir / TAPE_FILE).write_bytes(tape.dumps())
    return public, hidden


def _course_toml(course: Course, digest: str, language: str) -> str:
    info = course.manifest.course
    lines = [
        "# A student kit made by `grader release` from the course's own files: edit nothing here.",
        "# `grader check` finds this file by walking up from the folder it runs in.",
        "",
        "[course]",
        f"title = {_toml_string(info.title)}",
        f"version = {_toml_string(info.version)}",
        f"language = {_toml_string(language)}",
        "# Recorded reference values are exact for this engine: install exactly it.",
        f'engine = "=={__version__}"',
        f"exercise_shorthand = {_toml_string(info.exercise_shorthand)}",
        "",
        *_data_tables(course.manifest.data),
        "[release]",
        f'content_hash = "{digest}"',
        f'engine_version = "{__version__}"',
        "",
    ]
    return "\n".join(lines)


def _data_tables(data: dict[str, dict[str, object]]) -> list[str]:
    """Each data set's [data.<name>] table as the course wrote it (its provider reads it)."""
    lines: list[str] = []
    for name, table in data.items():
        lines.append(f"[data.{name}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()]
        lines.append("")
    return lines


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_string(str(value))


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def readme_languages() -> list[str]:
    """English, and every language the student README is written in."""
    found = {ENGLISH} | {p.suffixes[0][1:] for p in STUDENT_README.parent.glob("student_readme.*.md")}
    return sorted(found)


def _readme_name(language: str, kit_language: str) -> str:
    return "README.md" if language == kit_language else f"README.{language}.md"


def _student_readme(course: Course, install: str, options: ReleaseOptions, exercises: list[Exercise],
                    language: str) -> str:
    """The README in `language` (the template's words, and the exercises' titles)."""
    template = STUDENT_README if language == ENGLISH else STUDENT_README.with_name(f"student_readme.{language}.md")
    with use_language(language, course.root / COURSE_LOCALE_FOLDER):
        title = tr(course.title)  # the course's catalog translates it (extracted from course.toml)
        rows = "\n".join(
            f"| `{e.id}` | {tr(e.manifest.title)} | `exercises/{e.manifest.student_file}` / "
            f"`exercises/{Path(e.manifest.student_file).with_suffix('.ipynb').name}` |"
            for e in exercises
        )
    first = exercises[0].id if exercises else "EXERCISE"
    others = [lang for lang in readme_languages() if lang != language]
    links = " · ".join(f"[{LANGUAGE_NAMES.get(lang, lang)}]({_readme_name(lang, options.language)})" for lang in others)
    text = template.read_text(encoding="utf-8")
    if links:
        text = f"<!-- {LANGUAGE_NAMES.get(language, language)} --> {links}\n\n" + text
    for marker, value in {
        "@@TITLE@@": title,
        "@@VERSION@@": course.manifest.course.version,
        "@@PYTHON@@": options.python,
        "@@TORCH@@": options.torch,
        "@@INSTALL@@": install,
        "@@EXERCISES@@": rows,
        "@@FIRST@@": first,
    }.items():
        text = text.replace(marker, value)
    return text


def build_kit(course: Course, options: ReleaseOptions, sandbox: Sandbox, progress: Progress = lambda _: None) -> KitSummary:
    """Record, write, verify and publish the kit to `options.out` (all or nothing)."""
    _check_options(course, options)
    install = _install_line(options)
    exercises = course.exercises()
    for exercise in exercises:  # before any grading: a declaration it cannot read refuses the release, named
        declarations_of(exercise)
    with tempfile.TemporaryDirectory(prefix="grader-release-") as scratch_name:
        scratch = Path(scratch_name)
        kit = scratch / "kit"
        (kit / "checks").mkdir(parents=True)
        shutil.copyfile(course.root / "checks" / "pytest.ini", kit / "checks" / "pytest.ini")
        summary = KitSummary(out=options.out)
        # The course's own public view of each solution, as recorded: verifying the kit
        # compares with it instead of grading the solution through the course again.
        solution_views: dict[str, PublicView] = {}
        for exercise in exercises:
            progress(tr("recording {exercise}'s reference values", exercise=exercise.id))
            recording = RecordingReferences()
            probe_log: dict[str, set[str]] = {}
            solution = _single_file_submission(exercise, exercise.solution_path, scratch / "submissions")
            recording_options = GradingOptions(references=recording, public_only=True, probe_log=probe_log)
            with GradingSession(course, [exercise], recording_options, sandbox=sandbox, lent=True) as session:
                recorded = session.grade(solution)
            solution_views[exercise.id] = _public_view(recorded)
            broken = [f"{exercise.id}:{c.id} ({c.message[:200]})" for e in recorded.exercises for c in e.checks
                      if c.status is CheckStatus.GRADER_ERROR]
            if broken:
                raise ReleaseError(
                    tr("these public checks do not work without the solution: {checks}", checks="; ".join(broken)),
                    hint=tr(NOT_WITHOUT_THE_SOLUTION_HINT),
                )
            with use_language(options.language, course.root / COURSE_LOCALE_FOLDER):
                public, hidden = _write_exercise(exercise, kit, probe_log.get(exercise.id, set()), recording)
            summary.public_checks += public
            summary.hidden_checks += hidden
            summary.recorded_calls += sum(len(t) for t in recording.tapes.values())
            summary.exercises.append(exercise.id)
        for language in readme_languages():
            readme = _student_readme(course, install, options, exercises, language)
            (kit / _readme_name(language, options.language)).write_text(readme, encoding="utf-8")
        _write_catalogs(course, kit, summary.warnings)
        workflow = kit / WORKFLOW_PATH
        workflow.parent.mkdir(parents=True)
        workflow.write_text(render_workflow(WorkflowOptions(grader_source=install, python=options.python,
                                                            torch=options.torch)), encoding="utf-8")
        (kit / ".gitignore").write_text("__pycache__/\n.ipynb_checkpoints/\n*.pyc\ngrader-result.*\n", encoding="utf-8")
        if options.engine_wheel is not None:
            (kit / "wheels").mkdir()
            shutil.copyfile(options.engine_wheel, kit / "wheels" / options.engine_wheel.name)
        digest = content_hash(kit)
        (kit / COURSE_FILE).write_text(_course_toml(course, digest, options.language), encoding="utf-8")

        _verify(course, kit, exercises, sandbox, scratch / "submissions", progress, summary.warnings, solution_views)
        refuse_handed_out_answers(course, kit, exercises, sandbox, scratch / "answers", progress)
        leaks = leaked_solutions(kit, sorted({e.solution_path for e in exercises}))
        if leaks:
            raise ReleaseError(tr("the kit would carry solution source: {where}", where="; ".join(leaks[:5])),
                               hint=tr("move that code out of the public checks and probes, or mark the checks hidden"))
        summary.content_hash = digest
        summary.files, summary.bytes = folder_size(kit)
        _publish(kit, options.out)
    return summary


def _write_catalogs(course: Course, kit: Path, warnings: list[str]) -> None:
    """The course's catalogs, compiled for the kit: each holds only the messages the kit's
    own (stripped) sources use, so the hidden checks' titles and messages stay with the
    course, as their code does. The .po sources stay with the course too.

    Compiling needs Babel (the i18n extra): without it, or without a language's .po, the
    course's whole .mo is copied and the summary warns that it may name hidden checks."""
    source = course.root / COURSE_LOCALE_FOLDER
    course_set = catalogs.course_catalogs(course.root)
    used: set[str] | None = None
    for compiled in sorted(source.glob("*/LC_MESSAGES/*.mo")):
        target = kit / COURSE_LOCALE_FOLDER / compiled.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        language = compiled.parent.parent.name
        content: bytes | None = None
        if compiled.stem == course_set.domain and course_set.po_path(language).is_file():
            try:
                if used is None:
                    # The kit's course.toml is written last: its title is the course's.
                    used = catalogs.message_ids(catalogs.course_catalogs(kit)) | {course.title}
                content = catalogs.compiled_subset(course_set, language, used)
            except GraderError as missing:  # Babel is not installed here
                warnings.append(f"{compiled.relative_to(course.root)} copied whole: it may name hidden checks "
                                f"({missing.message}; {missing.hint})")
        elif compiled.stem == course_set.domain:
            warnings.append(f"{compiled.relative_to(course.root)} copied whole (no .po beside it to compile the "
                            "kit's messages from): it may name hidden checks")
        if content is None:
            content = compiled.read_bytes()
        target.write_bytes(content)


def _verify(course: Course, kit: Path, exercises: list[Exercise], sandbox: Sandbox, scratch: Path,
            progress: Progress, warnings: list[str], solution_views: dict[str, PublicView]) -> None:
    """Grade the kit as a student would: on the stubs and on the solutions, every public
    check must say what the full course says (for the solutions: `solution_views`, what
    the course said while its answers were recorded)."""
    kit_course = Course.at(kit)
    problems: list[str] = []
    for exercise in exercises:
        (kit_exercise,) = kit_course.select([exercise.id])
        in_course = GradingSession(course, [exercise], GradingOptions(public_only=True), sandbox=sandbox, lent=True)
        in_kit = GradingSession(kit_course, [kit_exercise], sandbox=sandbox, lent=True)
        known = ((N_("the stub"), exercise.stub_path, None),
                 (N_("the solution"), exercise.solution_path, solution_views[exercise.id]))
        for label, source, course_view in known:
            progress(tr("verifying {exercise} on {label}", exercise=exercise.id, label=tr(label)))
            folder = _single_file_submission(exercise, source, scratch / "verify")
            full = course_view if course_view is not None else _public_view(in_course.grade(folder))
            student = _public_view(in_kit.grade(folder))
            for key in sorted(set(full) | set(student)):
                said, got = full.get(key), student.get(key)
                statuses = {view.status for view in (said, got) if view is not None}
                if CheckStatus.TIMEOUT.value in statuses and CheckStatus.GRADER_ERROR.value not in statuses:
                    # A busy machine, not a difference between kit and course: say so, go on.
                    warnings.append(tr("{check} on {label} timed out; not compared", check=key, label=tr(label)))
                    continue
                if said != got:
                    why = "missing from the kit" if got is None else (
                        got.message[:200] if got.status == CheckStatus.GRADER_ERROR.value
                        else f"the kit says {got.score}, the course {said.score if said else 'nothing'}")
                    problems.append(f"{key} on {label}: {why}")
    if problems:
        raise ReleaseError(
            tr("these public checks do not work without the solution: {checks}", checks="; ".join(problems[:6])),
            hint=tr(NOT_WITHOUT_THE_SOLUTION_HINT),
        )


def _publish(kit: Path, out: Path) -> None:
    """Replace `out` with the finished kit (never a half-written kit at `out`)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        shutil.copytree(kit, staged / "kit")
        if out.exists():
            shutil.rmtree(out)
        (staged / "kit").rename(out)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
