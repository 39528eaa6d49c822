"""Find the course and its exercises.

A course is a folder marked by course.toml; every `checks/<id>/exercise.toml` in it is
one exercise. Adding an exercise means adding a folder; no engine file lists them, and
the engine knows no course: it finds one with --course, $GRADER_COURSE, or by walking
up from the working folder.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from pydantic import ValidationError

from grader.errors import CourseNotFound, ExerciseNotFound, ManifestError
from grader.models.manifest import CourseManifest, ExerciseManifest

MANIFEST_NAME = "exercise.toml"


@dataclass(frozen=True)
class Exercise:
    manifest: ExerciseManifest
    check_dir: Path
    solution_path: Path
    stub_path: Path
    course: CourseManifest

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def needs_mnist(self) -> bool:
        return "mnist" in self.manifest.needs_data

    @property
    def check_files(self) -> list[Path]:
        return sorted(self.check_dir.glob("checks*.py"))


COURSE_FILE = "course.toml"
ENV_COURSE = "GRADER_COURSE"


def _read_course_manifest(path: Path) -> CourseManifest:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return CourseManifest.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        raise ManifestError(f"{path}: {_problems(exc)}") from exc
    except OSError as exc:
        raise CourseNotFound(f"cannot read {path}: {exc.strerror}") from exc


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


def _check_engine(manifest: CourseManifest, path: Path) -> None:
    """A course made for another engine says which one to install; it never crashes later."""
    from packaging.specifiers import SpecifierSet

    import grader

    wanted = manifest.course.engine
    if wanted and not SpecifierSet(wanted).contains(grader.__version__, prereleases=True):
        pin = f"=={manifest.release.engine_version}" if manifest.release else wanted
        raise CourseNotFound(
            f"{path} needs grader {wanted}, but grader {grader.__version__} is installed",
            hint=f'install the grader this course was made for: pip install "grader{pin}" '
            "(or the install line in the course's README)",
        )


@dataclass(frozen=True)
class Course:
    """A folder marked by course.toml, holding checks/<id>/ (and exercises/, solutions/)."""

    root: Path
    manifest: CourseManifest

    @classmethod
    def at(cls, root: Path) -> "Course":
        """The course in exactly this folder."""
        root = root.resolve()
        marker = root / COURSE_FILE
        if not marker.is_file():
            raise CourseNotFound(
                f"no course at {root}: there is no {COURSE_FILE} there",
                hint="pass --course DIR with the folder that holds course.toml and checks/",
            )
        manifest = _read_course_manifest(marker)
        _check_engine(manifest, marker)
        if not (root / "checks").is_dir():
            raise CourseNotFound(f"the course at {root} has no checks/ folder")
        return cls(root, manifest)

    @classmethod
    def find(cls, explicit: Path | None, env: Mapping[str, str], cwd: Path) -> "Course":
        """--course DIR, else $GRADER_COURSE, else the nearest folder at or above `cwd`
        holding a course.toml (as git and pytest find their roots)."""
        if explicit is not None:
            return cls.at(explicit)
        if env.get(ENV_COURSE):
            return cls.at(Path(env[ENV_COURSE]))
        looked: list[Path] = []
        for folder in (cwd.resolve(), *cwd.resolve().parents):
            looked.append(folder)
            if (folder / COURSE_FILE).is_file():
                return cls.at(folder)
        shown = ", ".join(str(p) for p in looked[:4]) + (" ..." if len(looked) > 4 else "")
        raise CourseNotFound(
            f"no course found: no --course, no ${ENV_COURSE}, and no {COURSE_FILE} in {shown} "
            "or any folder above",
            hint="run grader inside the course's folder (the one with course.toml), "
            f"or pass --course DIR, or set {ENV_COURSE}",
        )

    @property
    def title(self) -> str:
        return self.manifest.course.title

    @property
    def is_release(self) -> bool:
        """A student kit (made by `grader release`): no solutions, recorded reference values."""
        return self.manifest.release is not None

    def _load(self, manifest_path: Path) -> Exercise:
        try:
            data = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
            manifest = ExerciseManifest.model_validate(data)
        except tomllib.TOMLDecodeError as exc:
            raise ManifestError(f"{manifest_path}: not valid TOML: {exc}") from exc
        except ValidationError as exc:
            raise ManifestError(f"{manifest_path}: {_problems(exc)}") from exc
        if manifest.id != manifest_path.parent.name:
            raise ManifestError(
                f"{manifest_path}: id {manifest.id!r} differs from its folder name "
                f"{manifest_path.parent.name!r}"
            )
        return Exercise(
            manifest=manifest,
            check_dir=manifest_path.parent,
            solution_path=self.root / "solutions" / manifest.solution_file,
            stub_path=self.root / "exercises" / manifest.student_file,
            course=self.manifest,
        )

    def exercises(self) -> list[Exercise]:
        return [self._load(p) for p in sorted((self.root / "checks").glob(f"*/{MANIFEST_NAME}"))]

    def select(self, ids: list[str]) -> list[Exercise]:
        known = {e.id: e for e in self.exercises()}
        chosen: list[Exercise] = []
        for wanted in ids:
            key = wanted.removesuffix(".py").removesuffix(".ipynb")
            shorthand = self.manifest.course.exercise_shorthand
            if key.isdigit() and shorthand:
                key = shorthand.format(int(key))
            if key not in known:
                close = difflib.get_close_matches(key, list(known), n=3)
                hint = f"did you mean {', '.join(close)}?" if close else "run `grader list` to see them"
                raise ExerciseNotFound(f"unknown exercise {wanted!r}", hint=hint)
            chosen.append(known[key])
        return chosen
