"""Shared fixtures: one sandbox for the session, and helpers to grade real submission files."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Callable, Iterator

import pytest

from grader.catalog.course import Course
from grader.engine.options import GradingOptions, LimitOverrides
from grader.engine.run import grade_submission
from grader.models.results import CheckResult, CheckStatus, ExerciseResult
from grader.sandbox.client import Sandbox

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _english_for_wider_fixtures() -> Iterator[None]:
    """GRADER_LANG=en already while module- and session-scoped fixtures run (a class graded
    once for a module, a report page rendered once): the function-scoped fixture below
    comes after them, and the course's own default is Chinese."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADER_LANG", "en")
        yield


@pytest.fixture(autouse=True)
def _this_course(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI tests run from temporary folders, outside any course: point them at this
    repository's course, as an instructor's environment would (GRADER_COURSE). Tests of
    course discovery pass their own environment.

    The course speaks Chinese by default: tests read English unless they ask for a
    language (GRADER_LANG beats the locale and the course's default)."""
    monkeypatch.setenv("GRADER_COURSE", str(REPO_ROOT))
    monkeypatch.setenv("GRADER_LANG", "en")


@pytest.fixture(scope="session")
def course() -> Course:
    return Course.at(REPO_ROOT)


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    # It grades hundreds of submissions, as a batch worker's does: forks made cheap, and
    # one torch thread per worker, as a batch's sandbox has (a worker that starts an
    # OpenMP pool for a tiny tensor pays for it; the MNIST checks set their own).
    with Sandbox(many_cells=True, threads=1) as box:
        yield box


@pytest.fixture(scope="module")
def cli_module_sandbox() -> Iterator[Sandbox]:
    """One sandbox for the in-process `grader check` runs of a test module."""
    with Sandbox(many_cells=True, threads=1) as box:
        yield box


@pytest.fixture
def cli_sandbox(cli_module_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """`grader check`, run in-process, borrows the module's sandbox instead of starting a
    zygote of its own: every start waits for a torch import (seconds on two cores), and
    what isolates one check from the next is its freshly forked worker, not the zygote.
    A sandbox made with other arguments than many_cells (a batch's, with its thread
    count) is still a real one of its own."""
    real = Sandbox

    class Borrowed:
        def __new__(cls, *args: object, **kwargs: object) -> object:
            if args or set(kwargs) - {"many_cells"}:
                return real(*args, **kwargs)
            return super().__new__(cls)

        def __getattr__(self, name: str) -> object:
            return getattr(cli_module_sandbox, name)

        def close(self, wait: bool = True) -> None:
            cli_module_sandbox.discard_prefetched()  # the module's fixture closes the rest

        def __enter__(self) -> Sandbox:
            return cli_module_sandbox

        def __exit__(self, *exc_info: object) -> None:
            self.close()

    monkeypatch.setattr("grader.sandbox.client.Sandbox", Borrowed)
    return cli_module_sandbox


GradeFn = Callable[..., ExerciseResult]


@pytest.fixture
def grade(course: Course, sandbox: Sandbox) -> GradeFn:
    """grade(exercise_id, folder, timeout_s=None, **limits) -> ExerciseResult for one exercise;
    `limits` are the other fields of LimitOverrides (memory_mb, file_mb, processes, ...)."""

    def _grade(exercise_id: str, folder: Path, timeout_s: float | None = None, **limits: float | int) -> ExerciseResult:
        (exercise,) = course.select([exercise_id])
        report = grade_submission(course, [exercise], folder, sandbox, GradingOptions(LimitOverrides(timeout_s=timeout_s, **limits)))
        (result,) = report.exercises
        return result

    return _grade


@pytest.fixture
def variant(tmp_path: Path) -> Callable[[str, str], Path]:
    """variant(exercise_id, source) -> a submission folder holding the reference solution
    with `source` appended: redefining one function makes a submission with one mistake."""

    def _variant(exercise_id: str, source: str) -> Path:
        folder = tmp_path / f"{exercise_id}_variant"
        folder.mkdir(exist_ok=True)
        reference = (REPO_ROOT / "solutions" / f"{exercise_id}.py").read_text()
        (folder / f"{exercise_id}.py").write_text(reference + "\n\n# --- the mistake under test ---\n" + source)
        return folder

    return _variant


def by_id(result: ExerciseResult) -> dict[str, CheckResult]:
    return {check.id: check for check in result.checks}


def statuses(result: ExerciseResult) -> dict[str, CheckStatus]:
    return {check.id: check.status for check in result.checks}


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything collected lives as long as the session: frozen, the garbage collector
    stops walking it (and torch's objects) on every full collection."""
    gc.collect()
    gc.freeze()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "check(points, title, timeout_s, hidden): a course's check (grader.authoring)")
    _pin_this_xdist_worker()


def _pin_this_xdist_worker() -> None:
    """Under pytest-xdist (`-n auto`, the default), give each worker its own share of the
    cores and as many torch threads. Two workers on two unpinned cores made the MNIST
    trainings' OpenMP threads spin against each other's tests (exercise 06's took 262 s
    instead of 31 s); pinned, each training runs on its worker's core, at full speed.
    Everything a test starts (sandboxes, `grader` subprocesses) inherits the pinning."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if not worker.startswith("gw") or count < 2 or not hasattr(os, "sched_setaffinity"):
        return
    cores = sorted(os.sched_getaffinity(0))
    index = int(worker.removeprefix("gw"))
    share = cores[index::count] if len(cores) >= count else [cores[index % len(cores)]]
    os.sched_setaffinity(0, share)
    import torch

    torch.set_num_threads(len(share))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules that train on real MNIST first (a stable sort: the rest keep their order).
    xdist hands out whole modules (`--dist loadfile`); started last, their minute of
    training would be the run's tail."""
    trains = {item.nodeid.split("::")[0] for item in items if "real_mnist" in getattr(item, "fixturenames", ())}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in trains)
