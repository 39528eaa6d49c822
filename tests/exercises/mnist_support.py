"""Fixtures for exercises that train on MNIST: grading with a data folder, and the real data.

Import the fixtures into a test module (`from tests.exercises.mnist_support import ...`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pytest

from grader.catalog.course import Course
from grader.data.mnist.provider import MnistProvider
from grader.data.prepared import DataSets, PreparedData
from grader.engine.run import grade_submission
from grader.models.results import ExerciseResult
from grader.sandbox.client import Sandbox
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="session")
def real_mnist() -> Path:
    """The verified MNIST files (CI and development machines); tests using it skip elsewhere."""
    folder = Path(os.environ.get("GRADER_DATA_DIR") or REPO_ROOT.parent / "shared" / "data" / "mnist")
    if not (folder / "t10k-labels-idx1-ubyte.gz").is_file():
        pytest.skip("real MNIST is not available here (set GRADER_DATA_DIR)")
    return folder


@pytest.fixture
def grade_with_data(course: Course, sandbox: Sandbox) -> Callable[..., ExerciseResult]:
    """grade_with_data(exercise_id, folder, data_folder, full=True) -> ExerciseResult."""

    def _grade(exercise_id: str, folder: Path, data_folder: Path | None, full: bool = True) -> ExerciseResult:
        provider = DataSets(prepared=[PreparedData(MnistProvider(full=full), data_folder)])
        try:
            report = grade_submission(course, course.select([exercise_id]), folder, sandbox, data=provider)
        finally:
            provider.close()
        (result,) = report.exercises
        return result

    return _grade
