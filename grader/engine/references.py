"""Where a check's `reference` comes from.

In the instructor's course it is the solution module, imported in the grading process.
In a student kit there is no solution: it is the tape recorded at release time. While
`grader release` records that tape, it is the solution wrapped in a recorder.
"""

from __future__ import annotations

import importlib.util
import types
from pathlib import Path
from typing import Any, Protocol

from grader.catalog.course import Exercise
from grader.engine.tape import (
    RecordedCall,
    RecordingReference,
    RememberingReference,
    ReplayReference,
    Tape,
    load_tape,
    tensor_digests,
)


class ReferenceSource(Protocol):
    def reference_for(self, exercise: Exercise) -> Any: ...


def import_file(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise FileNotFoundError(f"reference solution {path} not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Solutions this process imported, by path, with the file's contents then: a batch
# grades every submission against the same modules instead of importing them each time.
_SOLUTIONS: dict[Path, tuple[bytes, types.ModuleType]] = {}


def import_solution(path: Path, name: str) -> types.ModuleType:
    """The solution module at `path`, imported once per process while the file is unchanged.
    References are pure functions and classes the checks call; nothing a grading does
    to one is seen by student code, which runs elsewhere."""
    try:
        # The contents, not the mtime: a file rewritten within one clock tick keeps its mtime.
        signature = path.read_bytes()
    except OSError:
        raise FileNotFoundError(f"reference solution {path} not found") from None
    known = _SOLUTIONS.get(path)
    if known is None or known[0] != signature:
        known = _SOLUTIONS[path] = (signature, import_file(path, name))
    return known[1]


class SolutionReferences:
    """The course's solutions/ (see import_solution), looked up once per grading: the
    `reference` fixture asks for every check, and each lookup reads the file."""

    def __init__(self) -> None:
        self._modules: dict[str, types.ModuleType] = {}

    def reference_for(self, exercise: Exercise) -> Any:
        if exercise.id not in self._modules:
            self._modules[exercise.id] = import_solution(exercise.solution_path, f"_reference_{exercise.id}")
        return self._modules[exercise.id]


class ReplayedReferences:
    """A student kit's recorded answers (checks/<id>/reference.json)."""

    def __init__(self) -> None:
        self._replays: dict[str, Any] = {}

    def reference_for(self, exercise: Exercise) -> Any:
        if exercise.id not in self._replays:
            self._replays[exercise.id] = ReplayReference(load_tape(exercise.check_dir), exercise.id)
        return self._replays[exercise.id]


class RecordingReferences:
    """The solutions, every call written to one tape per exercise (`grader release`)."""

    def __init__(self) -> None:
        self.tapes: dict[str, Tape] = {}
        self._solutions = SolutionReferences()
        self._student_values: set[str] = set()

    def reference_for(self, exercise: Exercise) -> Any:
        tape = self.tapes.setdefault(exercise.id, Tape())
        return RecordingReference(self._solutions.reference_for(exercise), tape, self._student_values)

    def observe_student_value(self, value: Any) -> None:
        """Remember what the student's code returned: a public check that hands such a
        value to the reference asks a question no kit can answer in advance."""
        self._student_values.update(tensor_digests(value))


class ShippedReferences:
    """An autograder's references (`grader autograder gradescope`): the exercise's
    solution where the build shipped it (a check it could not record needs it), else
    the tape recorded at build time."""

    def __init__(self) -> None:
        self._solutions = SolutionReferences()
        self._replays = ReplayedReferences()

    def reference_for(self, exercise: Exercise) -> Any:
        if exercise.solution_path.is_file():
            return self._solutions.reference_for(exercise)
        return self._replays.reference_for(exercise)


class RememberedReferences:
    """Another source's references with each call's answer remembered while this object
    lives (tape.RememberingReference): a batch worker keeps one for every submission it
    grades, so what the checks ask the reference is computed once per worker process,
    not once per submission. A solution file that changed starts afresh."""

    def __init__(self, source: ReferenceSource) -> None:
        self._source = source
        self._calls: dict[str, tuple[Any, dict[tuple[str, str], RecordedCall]]] = {}

    def reference_for(self, exercise: Exercise) -> Any:
        reference = self._source.reference_for(exercise)
        known = self._calls.get(exercise.id)
        if known is None or known[0] is not reference:
            known = self._calls[exercise.id] = (reference, {})
        return RememberingReference(reference, known[1])


def default_references(is_release: bool) -> ReferenceSource:
    return ReplayedReferences() if is_release else SolutionReferences()
