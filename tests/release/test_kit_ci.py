"""A student repository made from a kit grades itself in CI from a normal install.

The engine is built as a wheel and installed non-editable into a fresh environment;
the kit's own workflow steps then run in a copy of the kit, with the index URL replaced
by the local wheel. This is the test that would have caught a workflow installing an
engine without its course.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from grader.catalog.course import Course
from grader.release.kit import ReleaseOptions, build_kit
from tests.conftest import FIXTURES, REPO_ROOT

TINY = FIXTURES / "courses" / "tiny"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist), str(REPO_ROOT)],
        check=True, capture_output=True,
    )
    (built,) = dist.glob("grader-*.whl")
    return built


@pytest.fixture(scope="module")
def environment(tmp_path_factory) -> Path:
    """A fresh venv that sees the test run's torch, numpy, pydantic... but not its grader."""
    env = tmp_path_factory.mktemp("env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, capture_output=True)
    (site,) = env.glob("lib/python3*/site-packages")
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    # A plain path entry: the .pth files in there (our editable grader) are not processed.
    (site / "test-dependencies.pth").write_text("\n".join(ours) + "\n")
    return env


def _a_package_wheel(folder: Path) -> Path:
    """A little installable package of the student's own choosing (not one the grader preloads)."""
    source = folder / "lab-helpers"
    (source / "lab_helpers").mkdir(parents=True)
    (source / "lab_helpers" / "__init__.py").write_text("def twice(x):\n    return x + x\n")
    (source / "pyproject.toml").write_text('[project]\nname = "lab-helpers"\nversion = "1.0"\n'
                                           '[build-system]\nrequires = ["setuptools"]\n'
                                           'build-backend = "setuptools.build_meta"\n')
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w",
                    str(folder), str(source)], check=True, capture_output=True)
    (built,) = folder.glob("lab_helpers-*.whl")
    return built


@pytest.fixture(scope="module")
def installed_environment(tmp_path_factory) -> Path:
    """Like `environment`, but with packages installed beside where the engine's wheel will
    go, as a student's or CI's own install has them: nbformat (notebooks need it in the
    sandbox) and a package the grader knows nothing of."""
    scratch = tmp_path_factory.mktemp("installed")
    env = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, capture_output=True)
    (site,) = env.glob("lib/python3*/site-packages")
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "test-dependencies.pth").write_text("\n".join(ours) + "\n")
    import nbformat

    # Found first (site-packages comes before the .pth's entries): nbformat itself must be
    # read from the engine's own site-packages, as in a normal install.
    shutil.copytree(Path(nbformat.__file__).parent, site / "nbformat")
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                    str(_a_package_wheel(scratch))], check=True, capture_output=True)
    return env


@pytest.fixture(scope="module")
def kit(tmp_path_factory, wheel) -> Path:
    from grader.sandbox.client import Sandbox

    out = tmp_path_factory.mktemp("kit") / "kit"
    with Sandbox() as sandbox:
        build_kit(Course.at(TINY), ReleaseOptions(out=out, engine_wheel=wheel), sandbox)
    return out


def test_the_engine_wheel_carries_no_course(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("grader/") for n in names)
    top = {n.split("/", 1)[0] for n in names}
    assert not top & {"checks", "solutions", "exercises", "tests", "course.toml"}, top
    assert not any("solutions/" in n or n.endswith("course.toml") for n in names)


def _steps(kit: Path) -> dict[str, str]:
    workflow = yaml.safe_load((kit / ".github" / "workflows" / "grader.yml").read_text())
    return {step["name"]: step["run"] for step in workflow["jobs"]["grade"]["steps"] if "run" in step}


def _offline(script: str) -> str:
    """The install step without the network: torch is already in the environment, and
    the engine comes from the kit's wheel, installed the same way."""
    lines = []
    for line in script.splitlines():
        if "pip install" in line and ("--upgrade pip" in line or "torch" in line.split()[-1]):
            lines.append("true  # " + line)
        elif "pip install" in line:
            lines.append(line + " --no-index --no-deps")
        else:
            lines.append(line)
    return "\n".join(lines)


def _run_workflow(repo: Path, env_dir: Path, tmp: Path) -> dict:
    runner_temp = tmp / "runner"
    runner_temp.mkdir(parents=True, exist_ok=True)
    (tmp / "home").mkdir(exist_ok=True)
    output, summary = tmp / "output.txt", tmp / "summary.md"
    env = {
        "PATH": f"{env_dir / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp / "home"),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "LANG": "C.UTF-8",
    }  # no GRADER_COURSE: the course is found by walking up from the repository
    steps = _steps(repo)
    for name, script in steps.items():
        if name.startswith("Install"):
            script = _offline(script)
        done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
    (line,) = [l for l in output.read_text().splitlines() if l.startswith("result=")]
    assert "Total" in summary.read_text() or "|" in summary.read_text()
    return json.loads(base64.b64decode(line.removeprefix("result=")))


def test_the_kit_grades_itself_in_ci(kit, environment, tmp_path):
    repo = tmp_path / "student-repo"
    shutil.copytree(kit, repo)
    result = _run_workflow(repo, environment, tmp_path / "stubs")
    assert result["max_score"] == 5 and sum(t["score"] for t in result["tests"]) == 0

    shutil.copyfile(TINY / "solutions" / "lab1.py", repo / "exercises" / "lab1.py")
    result = _run_workflow(repo, environment, tmp_path / "solved")
    assert sum(t["score"] for t in result["tests"]) == result["max_score"] == 5
    installed = subprocess.run([str(environment / "bin" / "python"), "-c", "import grader; print(grader.__file__)"],
                               capture_output=True, text=True, check=True, cwd=repo).stdout
    assert str(environment) in installed and str(REPO_ROOT) not in installed  # non-editable


def test_a_clean_environment_without_a_course_says_where_it_looked(environment, tmp_path, wheel):
    subprocess.run([str(environment / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-index",
                    "--no-deps", str(wheel)], check=True, capture_output=True)
    done = subprocess.run([str(environment / "bin" / "grader"), "--no-color", "check", "--all"], cwd=tmp_path,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 2
    assert "no course found" in done.stderr and str(tmp_path) in done.stderr and "course.toml" in done.stderr


def _notebook_of(source: str) -> str:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(notebook)


def test_a_wheel_install_grades_a_notebook_and_installed_packages_at_full_marks(kit, installed_environment, tmp_path):
    """Issue 20: with the engine installed from its wheel, its site-packages was left out of
    the sandbox: every notebook was an ERROR (no nbformat), and so was any file importing a
    package installed beside the engine."""
    reference = (TINY / "solutions" / "lab1.py").read_text()
    repo = tmp_path / "notebook-repo"
    shutil.copytree(kit, repo)
    (repo / "exercises" / "lab1.py").unlink()
    (repo / "exercises" / "lab1.ipynb").write_text(_notebook_of(reference))
    result = _run_workflow(repo, installed_environment, tmp_path / "notebook")
    assert sum(t["score"] for t in result["tests"]) == result["max_score"] == 5, result

    repo = tmp_path / "package-repo"
    shutil.copytree(kit, repo)
    imports = reference.replace('    result = x + x\n', '    import lab_helpers\n\n    result = lab_helpers.twice(x)\n')
    assert imports != reference
    (repo / "exercises" / "lab1.py").write_text("import lab_helpers  # installed beside the engine\n" + imports)
    result = _run_workflow(repo, installed_environment, tmp_path / "package")
    assert sum(t["score"] for t in result["tests"]) == result["max_score"] == 5, result
    installed = subprocess.run([str(installed_environment / "bin" / "python"), "-c",
                                "import grader, nbformat; print(grader.__file__, nbformat.__file__)"],
                               capture_output=True, text=True, check=True, cwd=repo).stdout
    assert installed.count(str(installed_environment)) == 2, installed  # both from the env's own site-packages
