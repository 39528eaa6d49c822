"""A kit never hands out an answer: functions of the kit's check and probe files that do
a stub function's job stop the release, each named (grader/release/answer_guard.py)."""

from __future__ import annotations

import shutil

import pytest

from grader.catalog.course import Course
from grader.release.answer_guard import AnswerInKit
from grader.release.kit import ReleaseError, ReleaseOptions, build_kit
from tests.conftest import FIXTURES

TINY = FIXTURES / "courses" / "tiny"

# Three ways a check file can hand out lab1's answers.
PLANTED = '''

def sgd_step(layer, x):
    """A solution function's body, verbatim."""
    loss = layer(x).mean()
    loss.backward()
    with torch.no_grad():
        for parameter in layer.parameters():
            parameter -= 0.1 * parameter.grad
            parameter.grad = None
    return loss.item()


def _twice(x: torch.Tensor) -> torch.Tensor:
    """A solution function renamed: the same parameters, another name."""
    result = x + x
    return result.clone().contiguous()


STEP_LR = 0.1


def _simulate_step(model, inputs, *, lr=STEP_LR, zero_grad=True):
    """What sgd_step returns with a classic mistake; with the defaults, with none."""
    loss = model(inputs).mean()
    loss.backward()
    with torch.no_grad():
        for weight in model.parameters():
            weight -= lr * weight.grad
            if zero_grad:
                weight.grad = None
    return float(loss)
'''


def test_a_check_file_that_hands_out_answers_stops_the_release_each_named(tmp_path, module_sandbox):
    course = tmp_path / "course"
    shutil.copytree(TINY, course, ignore=shutil.ignore_patterns("__pycache__"))
    checks = course / "checks" / "lab1" / "checks.py"
    checks.write_text(checks.read_text() + PLANTED)
    out = tmp_path / "kit"
    with pytest.raises(AnswerInKit) as error:
        build_kit(Course.at(course), ReleaseOptions(out=out, engine_source="grader==0.2.0"), module_sandbox)
    found = {(a.candidate.file, a.candidate.function, a.candidate.stub) for a in error.value.answers}
    assert found == {
        ("checks/lab1/checks.py", "sgd_step", "sgd_step"),
        ("checks/lab1/checks.py", "_twice", "double"),
        ("checks/lab1/checks.py", "_simulate_step", "sgd_step"),
    }
    message = error.value.message
    for named in ("checks/lab1/checks.py: sgd_step() answers sgd_step()", "checks/lab1/checks.py: _twice() answers double()",
                  "checks/lab1/checks.py: _simulate_step() answers sgd_step()"):
        assert named in message
    assert "reference" in error.value.hint
    assert isinstance(error.value, ReleaseError) and error.value.exit_code != 0
    assert not out.exists()  # nothing half-written


def test_the_tiny_course_releases_with_its_helpers_tried(tmp_path, module_sandbox):
    """The tiny course's probes match a stub function by their parameters: tried, and
    they answer nothing."""
    progress: list[str] = []
    build_kit(Course.at(TINY), ReleaseOptions(out=tmp_path / "kit", engine_source="grader==0.2.0"), module_sandbox,
              progress=progress.append)
    assert any("trying layer_outputs() of checks/lab1/probes.py as sgd_step()" in p for p in progress)
