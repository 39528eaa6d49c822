"""`grader autograder gradescope`: the zip, run the way Gradescope runs it.

A temporary tree stands for /autograder (AUTOGRADER_ROOT): the zip is unpacked into
its source/, setup.sh runs, then run_autograder for each submission copied into its
submission/, with a submission_metadata.json beside it; each results.json is validated
against the schema written from Gradescope's specification.

The compromise, as in test_kit_ci.py: the test cannot download torch. The venv setup.sh
would make is made first, seeing this test run's site-packages through a plain .pth
entry (so torch, pydantic, nbformat... import, but not this checkout's editable
grader), and setup.sh runs with AUTOGRADER_PIP_ARGS="--no-index --no-deps": its pinned
torch requirement is then already satisfied, and the engine is installed, non-editable,
from the wheel in the zip (built offline here with setuptools).

The course is the tiny fixture course plus lab2, whose hidden check hands the
student's value to the reference: it cannot be recorded, so lab2's solution must be
in the zip, named in the summary, while lab1's must not.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.catalog.course import Course
from grader.release.gradescope import AutograderOptions, build_autograder
from grader.release.sources import leaked_solutions
from tests.conftest import FIXTURES, REPO_ROOT
from tests.report.gradescope_schema import errors

TINY = FIXTURES / "courses" / "tiny"

GRADESCOPE_TABLE = """
[gradescope]
hidden_visibility = "after_due_date"

[gradescope.late_policy]
kind = "per_day"
penalty_percent = 10
cap_percent = 50
"""

LAB2 = {
    "checks/lab2/exercise.toml": 'id = "lab2"\ntitle = "Tripling"\nstudent_file = "lab2.py"\n'
                                 'solution_file = "lab2.py"\n\n[limits]\ntimeout_s = 30\n',
    "checks/lab2/checks.py": '''"""Lab 2: one check that records, one that cannot."""

import torch

from grader.authoring import check, expect_tensor


@check(points=1, title="triple: a fixed tensor")
def check_triple(student, reference):
    x = torch.arange(4.0)
    expect_tensor(student.call("triple", x), reference.triple(x), "triple(x)")


@check(points=2, title="triple twice (staff only)", hidden=True)
def check_triple_twice(student, reference):
    once = student.call("triple", torch.arange(6.0))
    expect_tensor(student.call("triple", once), reference.triple(once), "triple(triple(x))")
''',
    "exercises/lab2.py": '"""Lab 2."""\n\n\ndef triple(x):\n    """Three times x."""\n    raise NotImplementedError\n',
    "solutions/lab2.py": '"""Lab 2, the reference."""\n\n\ndef triple(x):\n    """Three times x."""\n'
                         '    tripled = x + x + x\n    return tripled.clone().contiguous()\n',
}


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course") / "tiny"
    shutil.copytree(TINY, course, ignore=shutil.ignore_patterns("__pycache__"))
    with (course / "course.toml").open("a") as toml:
        toml.write(GRADESCOPE_TABLE)
    for name, text in LAB2.items():
        (course / name).parent.mkdir(parents=True, exist_ok=True)
        (course / name).write_text(text)
    return course


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w",
                    str(dist), str(REPO_ROOT)], check=True, capture_output=True)
    (built,) = dist.glob("grader-*.whl")
    return built


@pytest.fixture(scope="module")
def built(course_dir, wheel, tmp_path_factory):
    from grader.sandbox.client import Sandbox

    out = tmp_path_factory.mktemp("zip") / "autograder.zip"
    with Sandbox() as sandbox:
        summary = build_autograder(Course.at(course_dir), AutograderOptions(out=out, engine_wheel=wheel,
                                                                           torch="2.13.0"), sandbox)
    return out, summary


@pytest.fixture(scope="module")
def root(built, tmp_path_factory) -> Path:
    """The /autograder tree after Gradescope's image build: source/ unpacked, setup.sh run."""
    zip_path, _ = built
    root = tmp_path_factory.mktemp("autograder")
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = root / "source" / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod((info.external_attr >> 16) & 0o777)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    (site,) = venv.glob("lib/python3*/site-packages")
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "test-dependencies.pth").write_text("\n".join(ours) + "\n")
    done = subprocess.run([str(root / "source" / "setup.sh")], env=_env(root, AUTOGRADER_PIP_ARGS="--no-index --no-deps"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "grader 0.2" in done.stdout and "torch 2.13.0" in done.stdout
    return root


def _env(root: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root), "LANG": "C.UTF-8", "AUTOGRADER_ROOT": str(root), **extra}


ON_TIME = {"created_at": "2026-03-01T12:00:00+00:00",
           "assignment": {"due_date": "2026-03-01T23:59:00+00:00", "late_due_date": None}}
ONE_DAY_LATE = {"created_at": "2026-03-02T12:00:00+00:00",
                "assignment": {"due_date": "2026-03-01T23:59:00+00:00", "late_due_date": "2026-03-09T23:59:00+00:00"}}


def _grade(root: Path, files: dict[str, bytes], metadata: dict = ON_TIME) -> dict:
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    for name, content in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(content)
    (root / "submission_metadata.json").write_text(json.dumps(metadata))
    done = subprocess.run([str(root / "source" / "run_autograder")], env=_env(root), cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert errors(data) == [], data
    return data


def _scores(data: dict) -> dict[str, tuple[float, float]]:
    return {t["name"].split(":")[0] + ":" + t["number"]: (t["score"], t["max_score"]) for t in data["tests"]}


def test_the_zip_ships_no_solution_that_a_tape_can_replace(built, course_dir):
    zip_path, summary = built
    names = zipfile.ZipFile(zip_path).namelist()
    assert {"setup.sh", "run_autograder"} <= set(names)
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zipfile.ZipFile(zip_path).infolist()}
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert "course/checks/lab1/reference.json" in names and "course/solutions/lab2.py" in names
    assert not any(n.endswith("solutions/lab1.py") for n in names)
    # The hidden checks are in: the whole course grades on Gradescope.
    assert "check_double_random" in zipfile.ZipFile(zip_path).read("course/checks/lab1/checks.py").decode()
    assert list(summary.solutions) == ["lab2"] and "lab2:triple_twice" in summary.solutions["lab2"][0]
    assert "torch==2.13.0" in zipfile.ZipFile(zip_path).read("setup.sh").decode()


def test_no_solution_source_for_recorded_exercises(built, course_dir, tmp_path):
    zip_path, _ = built
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path / "unpacked")
    assert leaked_solutions(tmp_path / "unpacked", [course_dir / "solutions" / "lab1.py"]) == []
    assert leaked_solutions(tmp_path / "unpacked", [course_dir / "solutions" / "lab2.py"])  # shipped: found


def test_gradescope_runs_the_zip(root, course_dir):
    solution = (course_dir / "solutions" / "lab1.py").read_bytes()
    correct = _grade(root, {"lab1.py": solution})
    assert correct["score"] == 8 and {t["name"].split(":")[0] for t in correct["tests"]} == {"lab1"}
    hidden = [t for t in correct["tests"] if "staff only" in t["name"]]
    assert [t["visibility"] for t in hidden] == ["after_due_date"] and hidden[0]["score"] == 3

    wrong = _grade(root, {"lab1.py": (course_dir / "exercises" / "lab1.py").read_bytes()}, ONE_DAY_LATE)
    assert wrong["score"] == 0 and all(t["status"] == "failed" for t in wrong["tests"])

    late = _grade(root, {"lab1.py": solution}, ONE_DAY_LATE)
    assert late["score"] == pytest.approx(7.2) and sum(t["score"] for t in late["tests"]) == 8
    assert "10%" in late["output"]


def test_a_notebook_in_a_folder_and_a_zip_are_found(root, course_dir):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell((course_dir / "solutions" / "lab1.py").read_text())]
    data = _grade(root, {"my work/lab1.ipynb": nbformat.writes(notebook).encode()})
    assert data["score"] == 8, data["output"]

    archive = root / "upload.zip"
    with zipfile.ZipFile(archive, "w") as upload:
        upload.write(course_dir / "solutions" / "lab1.py", "homework/lab1.py")
        upload.write(course_dir / "solutions" / "lab2.py", "homework/lab2.py")
    data = _grade(root, {"homework.zip": archive.read_bytes()})
    assert data["score"] == 11 and len(data["tests"]) == 6  # lab2 graded with its shipped solution

    nothing = _grade(root, {"notes.txt": b"hello"})
    assert nothing["score"] == 0 and "notes.txt" in nothing["output"]


def test_a_course_whose_data_is_not_found_is_refused_with_how_to_provide_it(tmp_path):
    from grader.errors import ReleaseError

    wheel = tmp_path / "grader-0.2.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    options = AutograderOptions(out=tmp_path / "a.zip", engine_wheel=wheel, torch="2.13.0",
                                data_dir=tmp_path / "empty", environ={}, cwd=tmp_path, home=tmp_path)
    with pytest.raises(ReleaseError) as refused:
        build_autograder(Course.at(REPO_ROOT), options, sandbox=None)  # refused before anything is graded
    assert "mnist" in refused.value.message and "--without-data" in refused.value.hint
    assert not (tmp_path / "a.zip").exists()
