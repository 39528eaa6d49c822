"""Every named mistake a course's checks can report: for a class summary's legend and
for keeping ids stable (one id, one title, across the whole course).

Unlike `grader list` (which parses check files), this imports them: the Mistake
constants are values, built by the checks file. It runs in the grading process,
never in a student's.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from grader.authoring.mistakes import Mistake, mistakes_in
from grader.catalog.course import Course


def _import(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def course_mistakes(course: Course) -> dict[str, list[Mistake]]:
    """Exercise id -> the named mistakes its checks declare (sorted by id)."""
    found: dict[str, list[Mistake]] = {}
    for exercise in course.exercises():
        mistakes: dict[str, Mistake] = {}
        for path in exercise.check_files:
            module = _import(path, f"_mistakes_{exercise.id}_{path.stem}")
            mistakes.update({m.id: m for m in mistakes_in(module)})
        found[exercise.id] = sorted(mistakes.values(), key=lambda m: m.id)
    return found


def every_mistake(course: Course) -> list[Mistake]:
    """Every mistake a course can report: its checks' own and the helpers' generic ones
    (answer.*, network.*, evidence.*), sorted by id: the legend of a class summary."""
    from grader.authoring import answers, evidence, modules, training

    found = {m.id: m for module in (answers, evidence, modules, training) for m in mistakes_in(module)}
    for mistakes in course_mistakes(course).values():
        found.update({m.id: m for m in mistakes})
    return sorted(found.values(), key=lambda m: m.id)
