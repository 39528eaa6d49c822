"""A course adds a data set without changing the engine: a provider registered here,
graded end to end (tests/fixtures/courses/digits asks for "tinydigits")."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import torch
from pydantic import BaseModel, ConfigDict

from grader.catalog.course import Course
from grader.cli import main
from grader.data.prepared import DataSets, PreparedData
from grader.data.providers import DataProvider, DataProviders
from grader.data.registry import default_providers
from grader.engine.run import grade_submission
from grader.errors import ManifestError, UnknownDataSet
from grader.models.results import CheckStatus
from tests.conftest import FIXTURES, by_id

DIGITS = FIXTURES / "courses" / "digits"
FILE_NAME = "tinydigits.pt"


class TinyDigitsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scale: float = 1.0


@dataclasses.dataclass(frozen=True)
class TinyDigits:
    """What a check receives: the child's file, the labels it never sees, the course's scale."""

    child_file: Path
    test_labels: torch.Tensor
    scale: float = 1.0


class TinyDigitsProvider(DataProvider):
    """One file of generated tensors: the smallest provider a course could write."""

    name = "tinydigits"
    title = "Tiny digits"
    settings_model = TinyDigitsSettings

    def missing(self, folder: Path) -> list[str]:
        return [] if (folder / FILE_NAME).is_file() else [FILE_NAME]

    def load(self, folder: Path) -> dict[str, torch.Tensor]:
        return torch.load(folder / FILE_NAME, weights_only=True)

    def prepare(self, loaded: dict[str, torch.Tensor], workdir: Path) -> TinyDigits:
        child_file = workdir / "child.pt"
        torch.save({key: loaded[key] for key in ("train_x", "train_y", "test_x")}, child_file)
        return TinyDigits(child_file, loaded["test_y"])

    def fixture_value(self, prepared: TinyDigits, settings: Any) -> TinyDigits:
        return dataclasses.replace(prepared, scale=settings.scale)


def write_tiny_digits(folder: Path) -> Path:
    """Three classes, well apart: a nearest-centroid classifier gets every test row right."""
    generator = torch.Generator().manual_seed(0)
    centres = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    train_y = torch.arange(3).repeat(8)
    test_y = torch.arange(3).repeat(3)
    noise = lambda n: torch.randn(n, 2, generator=generator) * 0.5  # noqa: E731
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"train_x": centres[train_y] + noise(len(train_y)), "train_y": train_y,
                "test_x": centres[test_y] + noise(len(test_y)), "test_y": test_y}, folder / FILE_NAME)
    return folder


@pytest.fixture
def providers() -> DataProviders:
    return default_providers().with_provider(TinyDigitsProvider())


def test_a_course_data_set_is_graded_end_to_end(sandbox, providers, tmp_path):
    course = Course.at(DIGITS)
    data = DataSets(providers, [PreparedData(providers.get("tinydigits"), write_tiny_digits(tmp_path / "data"))])
    try:
        report = grade_submission(course, course.select(["centroids"]), DIGITS / "solutions", sandbox, data=data)
    finally:
        data.close()
    (result,) = report.exercises
    checks = by_id(result)
    assert {c.status for c in checks.values()} == {CheckStatus.PASSED}, [c.message for c in checks.values()]
    assert result.points_earned == 3


def test_without_the_data_the_checks_say_how_to_provide_it(sandbox, providers):
    course = Course.at(DIGITS)
    report = grade_submission(course, course.select(["centroids"]), DIGITS / "solutions", sandbox,
                              data=DataSets(providers))
    (result,) = report.exercises
    for check in result.checks:
        assert check.status is CheckStatus.SKIPPED
        assert check.message.startswith("not run: Tiny digits data not found"), check.message


def test_an_unknown_data_set_is_an_error_naming_the_known_ones(sandbox, providers):
    course = Course.at(DIGITS)
    with pytest.raises(UnknownDataSet) as raised:
        grade_submission(course, course.select(["unknown_data"]), DIGITS / "solutions", sandbox,
                         data=DataSets(providers))
    message = raised.value.message
    assert "unknown_data/exercise.toml asks for data set 'nosuchdata'" in message
    assert "known data sets: mnist, tinydigits" in message


def test_the_engine_alone_does_not_know_the_course_data_set(sandbox):
    """Without the course's provider registered, "tinydigits" is unknown too: the engine
    has no list of its own beyond its built-in providers."""
    course = Course.at(DIGITS)
    with pytest.raises(UnknownDataSet, match=r"known data sets: mnist$"):
        grade_submission(course, course.select(["centroids"]), DIGITS / "solutions", sandbox)


def test_the_provider_validates_its_course_settings(tmp_path):
    provider = TinyDigitsProvider()
    assert provider.settings({"scale": 2}).scale == 2.0
    with pytest.raises(ManifestError, match=r"course.toml \[data.tinydigits\]: scalar"):
        provider.settings({"scalar": 2})


def test_check_with_an_unknown_data_set_exits_2(cli_sandbox, capsys, monkeypatch):
    monkeypatch.chdir(DIGITS)
    code = main(["--no-color", "check", "unknown_data", "--course", str(DIGITS), "--submission", str(DIGITS / "solutions")])
    captured = capsys.readouterr()
    out = " ".join((captured.out + captured.err).split())
    assert code == 2
    assert "asks for data set 'nosuchdata', but no provider has that name; known data sets: mnist" in out
