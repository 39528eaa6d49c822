"""Find the course and its exercises.

A course is a folder marked by course.toml; every `checks/<id>/exercise.toml` in it is
one exercise. Adding an exercise means adding a folder; no engine file lists them, and
the engine knows no course: it finds one with --course, $GRADER_COURSE, or by walking
up from the working folder.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from pydantic import ValidationError

from grader.catalog.course_root import COURSE_FILE, ENV_COURSE, course_root
from grader.errors import CourseNotFound, ExerciseNotFound, ManifestError
from grader.i18n import tr
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
    def needs_data(self) -> tuple[str, ...]:
        """The data sets its checks use, by their providers' names (exercise.toml's needs_data)."""
        return tuple(self.manifest.needs_data)

    @property
    def check_files(self) -> list[Path]:
        return sorted(self.check_dir.glob("checks*.py"))




def _read_course_manifest(path: Path) -> CourseManifest:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return CourseManifest.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(tr("{path}: not valid TOML: {reason}", path=path, reason=exc)) from exc
    except ValidationError as exc:
        raise ManifestError(f"{path}: {_problems(exc)}") from exc
    except OSError as exc:
        raise CourseNotFound(tr("cannot read {path}: {reason}", path=path, reason=exc.strerror)) from exc


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


def _check_engine(manifest: CourseManifest, path: Path) -> None:
    """A course made for another engine says which one to install; it never crashes later."""
    from packaging.specifiers import SpecifierSet

    from grader.version import __version__

    wanted = manifest.course.engine
    if wanted and not SpecifierSet(wanted).contains(__version__, prereleases=True):
        pin = f"=={manifest.release.engine_version}" if manifest.release else wanted
        raise CourseNotFound(
            tr("{path} needs grader {wanted}, but grader {installed} is installed",
               path=path, wanted=wanted, installed=__version__),
            hint=tr('install the grader this course was made for: pip install "grader{pin}" '
                    "(or the install line in the course's README)", pin=pin),
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
                tr("no course at {folder}: there is no {file} there", folder=root, file=COURSE_FILE),
                hint=tr("pass --course DIR with the folder that holds course.toml and checks/"),
            )
        manifest = _read_course_manifest(marker)
        _check_engine(manifest, marker)
        if not (root / "checks").is_dir():
            raise CourseNotFound(tr("the course at {folder} has no checks/ folder", folder=root))
        return cls(root, manifest)

    @classmethod
    def find(cls, explicit: Path | None, env: Mapping[str, str], cwd: Path) -> "Course":
        """--course DIR, else $GRADER_COURSE, else the nearest folder at or above `cwd`
        holding a course.toml (as git and pytest find their roots)."""
        root, looked = course_root(explicit, env, cwd)
        if root is not None:
            return cls.at(root)
        shown = ", ".join(str(p) for p in looked[:4]) + (" ..." if len(looked) > 4 else "")
        raise CourseNotFound(
            tr("no course found: no --course, no ${variable}, and no {file} in {folders} or any folder above",
               variable=ENV_COURSE, file=COURSE_FILE, folders=shown),
            hint=tr("run grader inside the course's folder (the one with course.toml), "
                    "or pass --course DIR, or set {variable}", variable=ENV_COURSE),
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
            raise ManifestError(tr("{path}: not valid TOML: {reason}", path=manifest_path, reason=exc)) from exc
        except ValidationError as exc:
            raise ManifestError(f"{manifest_path}: {_problems(exc)}") from exc
        if manifest.id != manifest_path.parent.name:
            raise ManifestError(tr(
                "{path}: id {id} differs from its folder name {folder}",
                path=manifest_path, id=repr(manifest.id), folder=repr(manifest_path.parent.name),
            ))
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
                raise ExerciseNotFound(tr("unknown exercise {name}", name=repr(wanted)), hint=_suggestion(key, list(known)))
            chosen.append(known[key])
        return chosen


def _distinct_part(key: str, ids: list[str]) -> tuple[str, list[str]] | None:
    """`("99", ["01", ..., "06"])` for "exercise_99" among exercise_01..06: what is left of
    the key and of each id after the prefix they all share, cut at a separator (so the
    "0" of "exercise_0" stays with the numbers). None when the key lacks that prefix."""
    shared = re.match(r"^(.*[_\-. ])", os.path.commonprefix(ids)) if len(ids) > 1 else None
    prefix = shared.group(1) if shared else ""
    if not prefix or not key.startswith(prefix):
        return None
    return key[len(prefix):], [i[len(prefix):] for i in ids]


def closest_ids(key: str, ids: list[str], cutoff: float = 0.6) -> list[str]:
    """The ids genuinely close to `key`: a typo away, never just "the same prefix".
    exercise_1 -> exercise_01; exercise_99 -> nothing (every id shares "exercise_" with
    it, and 99 resembles none of 01..06); excercise_02 -> exercise_02 alone."""
    key = key.lower()
    split = _distinct_part(key, ids)
    if split is not None:
        theirs, parts = split
    else:
        theirs, parts = key, ids
    scores = [difflib.SequenceMatcher(None, theirs, part.lower()).ratio() for part in parts]
    best = max(scores, default=0.0)
    if best < cutoff:
        return []
    # The best and any within a hair of it: near-ties are shown, merely similar ids are not.
    return [i for i, s in sorted(zip(ids, scores), key=lambda p: -p[1]) if s >= best - 0.02][:3]


def _suggestion(key: str, ids: list[str]) -> str:
    """The hint for an unknown exercise: the closest ids, else the range of valid ones."""
    close = closest_ids(key, ids)
    if close:
        return tr("did you mean {ids}?", ids=", ".join(close))
    if not ids:
        return tr("this course has no exercises (no checks/*/exercise.toml)")
    ordered = sorted(ids)
    shown = ", ".join(ordered) if len(ordered) <= 3 else f"{ordered[0]} … {ordered[-1]}"
    return tr("the exercises are {ids} (`grader list` shows them)", ids=shown)
