"""Find the course's exercises: every `checks/<id>/exercise.toml` is one exercise.

Adding an exercise means adding a folder; no engine file lists them.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from grader.errors import CourseNotFound, ExerciseNotFound, ManifestError
from grader.models.manifest import ExerciseManifest

MANIFEST_NAME = "exercise.toml"


@dataclass(frozen=True)
class Exercise:
    manifest: ExerciseManifest
    check_dir: Path
    solution_path: Path
    stub_path: Path

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def needs_mnist(self) -> bool:
        return "mnist" in self.manifest.needs_data

    @property
    def check_files(self) -> list[Path]:
        return sorted(self.check_dir.glob("checks*.py"))


def default_course_root() -> Path:
    """The course that ships beside the grader package (the repository it was installed from)."""
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def at(cls, root: Path | None) -> "Course":
        root = (root or default_course_root()).resolve()
        if not (root / "checks").is_dir():
            raise CourseNotFound(
                f"no course at {root}: expected a checks/ folder there",
                hint="pass --course DIR pointing at the folder that holds checks/ and solutions/",
            )
        return cls(root)

    def _load(self, manifest_path: Path) -> Exercise:
        try:
            data = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
            manifest = ExerciseManifest.model_validate(data)
        except tomllib.TOMLDecodeError as exc:
            raise ManifestError(f"{manifest_path}: not valid TOML: {exc}") from exc
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise ManifestError(f"{manifest_path}: {problems}") from exc
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
        )

    def exercises(self) -> list[Exercise]:
        return [self._load(p) for p in sorted((self.root / "checks").glob(f"*/{MANIFEST_NAME}"))]

    def select(self, ids: list[str]) -> list[Exercise]:
        known = {e.id: e for e in self.exercises()}
        chosen: list[Exercise] = []
        for wanted in ids:
            key = wanted.removesuffix(".py").removesuffix(".ipynb")
            if key.isdigit():
                key = f"exercise_{int(key):02d}"
            if key not in known:
                close = difflib.get_close_matches(key, list(known), n=3)
                hint = f"did you mean {', '.join(close)}?" if close else "run `grader list` to see them"
                raise ExerciseNotFound(f"unknown exercise {wanted!r}", hint=hint)
            chosen.append(known[key])
        return chosen
