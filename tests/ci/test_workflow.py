"""`grader init-ci`: the workflow it writes is valid YAML doing what a student repo needs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import grader
from grader.ci.workflow import WorkflowOptions, render_workflow
from grader.cli import main

yaml = pytest.importorskip("yaml")


def _steps(text: str) -> list[dict[str, Any]]:
    data = yaml.safe_load(text)
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    (job,) = data["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    return job["steps"]


def test_workflow_pins_cpu_torch_caches_mnist_runs_checks_and_publishes() -> None:
    text = render_workflow(WorkflowOptions(torch="2.13.0", grader_source="grader @ git+https://example.org/g@v1",
                                           fail_under=60))
    assert "@@" not in text
    steps = _steps(text)
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    caches = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert "~/.cache/grader" in caches
    install = next(s["run"] for s in steps if "pip install" in s.get("run", "") and "example.org/g@v1" in s["run"])
    assert 'echo "torch==2.13.0"' in install and "download.pytorch.org/whl/cpu" in install
    assert install.count("-c ") == 2  # torch and the grader both under the pin
    grade = next(s for s in steps if s.get("id") == "grader")
    assert "grader --no-color check --all" in grade["run"] and "--fail-under 60" in grade["run"]
    assert "GITHUB_OUTPUT" in grade["run"]
    publish = steps[-1]
    assert publish["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    assert publish["with"]["runners"] == "grader"
    assert publish["env"]["GRADER_RESULTS"] == "${{ steps.grader.outputs.result }}"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_every_run_script_is_valid_bash() -> None:
    for step in _steps(render_workflow(WorkflowOptions("grader @ git+https://example.org/g@v1"))):
        if "run" in step:
            checked = subprocess.run(["bash", "-n"], input=step["run"], text=True, capture_output=True)
            assert checked.returncode == 0, (step["run"], checked.stderr)


def test_init_ci_writes_once_and_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / ".github" / "workflows" / "grader.yml"
    source = ["--grader-source", "grader @ git+https://example.org/g@v1"]
    assert main(["--no-color", "init-ci", *source]) == 2  # no course in this repository
    assert "holds no course" in capsys.readouterr().err and not target.exists()
    (tmp_path / "checks").mkdir()
    (tmp_path / "course.toml").write_text('[course]\ntitle = "A kit"\n')
    assert main(["--no-color", "init-ci"]) == 2  # "grader" on PyPI is another project
    said = capsys.readouterr().err
    assert "needs --grader-source" in said and not target.exists()
    assert f"grader@v{grader.__version__}'" in " ".join(said.split())  # this engine's version in the hint
    assert main(["--no-color", "init-ci", "--torch", "2.5.1", *source]) == 0
    assert 'echo "torch==2.5.1"' in target.read_text()
    target.write_text("# the student's own edits\n")
    assert main(["--no-color", "init-ci", *source]) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "# the student's own edits\n"
    assert main(["--no-color", "init-ci", "--force", "--grader-source", "grader @ git+https://example.org/g"]) == 0
    assert '"grader @ git+https://example.org/g"' in target.read_text()


def test_init_ci_path_and_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "checks").mkdir()  # init-ci writes into a repository that holds a course
    (tmp_path / "course.toml").write_text('[course]\ntitle = "A kit"\n')
    target = tmp_path / "ci" / "grade.yml"
    args = ["--grader-source", "grader @ git+https://example.org/g@v1", "--torch", "2.5.1"]
    assert main(["--no-color", "init-ci", "--path", str(target), "--python", "3.12", *args]) == 0
    assert not (tmp_path / ".github").exists()  # written where --path says, and only there
    (setup,) = [s for s in _steps(target.read_text()) if str(s.get("uses", "")).startswith("actions/setup-python")]
    assert setup["with"]["python-version"] == "3.12"
    assert "py3.12-torch2.5.1" in target.read_text()  # and the pip cache is keyed by it
