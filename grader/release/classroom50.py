"""`grader autograder classroom50`: the autograders Classroom 50's runner runs.

Classroom 50 grades a submission in the student's repository by running
`CLASSROOM/autograders/ASSIGNMENT/autograder.py` (from the teacher's classroom50
repository, bundled with its sibling files and served by GitHub Pages) in the student's
checkout; the script must leave `./result.json` (schema `classroom50/result/v1`).

Each assignment's folder gets: autograder.py (grader/release/classroom50_script.py),
assignment.json (its exercises, the engine requirement, the torch version), course/
(course.toml, the assignment's public checks with their recorded reference values, the
catalogs: the same files `grader release` puts in a kit, which hold no solution; the
bundle may be public on Pages) and, with an engine wheel, wheels/. `runtime.json` beside
autograders/ is the assignment's `runtime` block (the Python the engine wants).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.version import __version__
from grader.catalog.course import COURSE_FILE, Course
from grader.errors import ReleaseError
from grader.i18n import COURSE_LOCALE_FOLDER, ENGLISH, tr
from grader.release.classroom50_script import AUTOGRADER
from grader.release.kit import Progress, ReleaseOptions, build_kit
from grader.sandbox.client import Sandbox

AUTOGRADERS = "autograders"
RUNTIME_FILE = "runtime.json"
# Classroom 50's slugs name repositories (CLASSROOM-ASSIGNMENT-USER): keep to these.
SLUG_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class Assignment:
    slug: str
    exercises: tuple[str, ...]  # exercise ids


@dataclass(frozen=True)
class Classroom50Options:
    out: Path
    assignments: tuple[Assignment, ...] = ()  # empty: one per exercise, named by its id
    engine_source: str | None = None
    engine_wheel: Path | None = None
    python: str = "3.11"
    torch: str = "2.13.0"
    force: bool = False
    language: str = ENGLISH


@dataclass
class Classroom50Summary:
    out: Path
    assignments: list[Assignment] = field(default_factory=list)
    public_checks: int = 0
    hidden_checks: int = 0


def plan_assignments(course: Course, exercises: list[str], assignment: str | None) -> tuple[Assignment, ...]:
    """`--assignment NAME`: one assignment of the chosen exercises (all when none are
    named); without it, one assignment per chosen exercise, named by its id."""
    chosen = [e.id for e in (course.select(exercises) if exercises else course.exercises())]
    if assignment is not None:
        return (Assignment(assignment, tuple(chosen)),)
    return tuple(Assignment(e, (e,)) for e in chosen)


def _check(course: Course, options: Classroom50Options) -> None:
    for assignment in options.assignments:
        slug = assignment.slug
        if not slug or set(slug) - SLUG_CHARACTERS or slug.startswith("."):
            raise ReleaseError(tr("{name} is not an assignment slug (lowercase letters, digits, '-', '_', '.')",
                                  name=repr(slug)))
    out = options.out.resolve()
    if out == course.root or course.root in out.parents:
        raise ReleaseError(tr("--out {path} is inside the course; put the autograders elsewhere", path=options.out))
    existing = [a.slug for a in options.assignments if (options.out / AUTOGRADERS / a.slug).exists()]
    if existing and not options.force:
        raise ReleaseError(
            tr("{out} already has autograders for {assignments}; not overwriting them",
               out=options.out / AUTOGRADERS, assignments=", ".join(existing)),
            hint=tr("pass --force to replace them"),
        )


def autograder_script(assignment: Assignment) -> str:
    return (AUTOGRADER.replace("@@ASSIGNMENT@@", assignment.slug)
            .replace("@@EXERCISES@@", ", ".join(assignment.exercises))
            .replace("@@GRADER_VERSION@@", __version__))


def _write_assignment(kit: Path, assignment: Assignment, engine: str, options: Classroom50Options, into: Path) -> None:
    course = into / "course"
    (course / "checks").mkdir(parents=True)
    shutil.copyfile(kit / COURSE_FILE, course / COURSE_FILE)
    for item in (kit / "checks").iterdir():
        if item.is_file():
            shutil.copyfile(item, course / "checks" / item.name)
    for exercise in assignment.exercises:
        shutil.copytree(kit / "checks" / exercise, course / "checks" / exercise)
    if (kit / COURSE_LOCALE_FOLDER).is_dir():
        shutil.copytree(kit / COURSE_LOCALE_FOLDER, course / COURSE_LOCALE_FOLDER)
    if (kit / "wheels").is_dir():
        shutil.copytree(kit / "wheels", into / "wheels")
    config = {"assignment": assignment.slug, "exercises": list(assignment.exercises), "engine": engine,
              "torch": options.torch, "python": options.python, "grader_version": __version__}
    (into / "assignment.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (into / "autograder.py").write_text(autograder_script(assignment), encoding="utf-8")
    (into / ".gitignore").write_text("__pycache__/\nconstraints.txt\n", encoding="utf-8")


def build_autograders(course: Course, options: Classroom50Options, sandbox: Sandbox,
                      progress: Progress = lambda _: None) -> Classroom50Summary:
    """Build the course's kit (recorded, verified, answer-guarded as `grader release`
    does), then write each assignment's autograder folder under `out/autograders/`."""
    options = options if options.assignments else Classroom50Options(
        **{**options.__dict__, "assignments": plan_assignments(course, [], None)})
    _check(course, options)
    summary = Classroom50Summary(out=options.out, assignments=list(options.assignments))
    with tempfile.TemporaryDirectory(prefix="grader-classroom50-") as scratch_name:
        kit = Path(scratch_name) / "kit"
        released = build_kit(course, ReleaseOptions(
            out=kit, engine_source=options.engine_source, engine_wheel=options.engine_wheel,
            python=options.python, torch=options.torch, language=options.language), sandbox, progress)
        summary.public_checks, summary.hidden_checks = released.public_checks, released.hidden_checks
        engine = (f"./wheels/{options.engine_wheel.name}" if options.engine_wheel is not None
                  else str(options.engine_source))
        root = options.out / AUTOGRADERS
        for assignment in options.assignments:
            staged = Path(scratch_name) / "out" / assignment.slug
            _write_assignment(kit, assignment, engine, options, staged)
            target = root / assignment.slug
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(staged, target)
    runtime = {"runs-on": "ubuntu-latest", "python": options.python}
    (options.out / RUNTIME_FILE).write_text(json.dumps(runtime, indent=2) + "\n", encoding="utf-8")
    return summary
