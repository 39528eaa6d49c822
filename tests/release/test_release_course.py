"""The course's own kit: no solution inside, hidden checks out, and every public check
scores every fixture submission as the instructor's full course does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.catalog.course import Course
from grader.engine.options import GradingOptions
from grader.engine.run import grade_submission
from grader.release.kit import ReleaseOptions, build_kit
from grader.release.sources import hidden_check_names, leaked_solutions
from tests.conftest import FIXTURES, REPO_ROOT
from tests.exercises import test_exercise_03, test_exercise_04

# Hostile fixtures that finish quickly and test what a kit changes: no solutions anywhere
# near the engine, and reference values that come from a tape (the ones that sleep into a
# timeout add nothing here, and the suite's time matters).
HOSTILE = ["reads_solutions", "symlink_to_solution", "lying_objects", "tensor_subclass_correct_values"]
# Every third mistake of exercises 03 and 04 (their checks ask the reference the most):
# each kind of recorded question is among them.
SAMPLE = 3


@pytest.fixture(scope="module")
def course() -> Course:
    return Course.at(REPO_ROOT)


@pytest.fixture(scope="module")
def kit(tmp_path_factory, module_sandbox, course) -> Path:
    out = tmp_path_factory.mktemp("course-kit") / "kit"
    # Released in Chinese, as the course is taught: the comparisons below grade in English
    # (GRADER_LANG=en), so a kit's language must change nothing but the words.
    build_kit(course, ReleaseOptions(out=out, engine_source="grader==0.2.0", language="zh"), module_sandbox)
    return out


def test_no_file_in_the_kit_carries_solution_source(kit, course):
    solutions = sorted((REPO_ROOT / "solutions").glob("*.py"))
    assert leaked_solutions(kit, solutions) == []
    names = {p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file()}
    assert not any(n.startswith("solutions/") or n.endswith((".pyc", ".pt", ".pkl", ".pickle")) for n in names)
    for path in kit.rglob("*"):
        if path.is_file():
            assert b"\x80\x04\x95" not in path.read_bytes()[:4096], f"{path} looks like a pickle"
    # The probe file that holds the course's training loop serves a hidden check only.
    assert "checks/exercise_06/training_probes.py" not in names
    assert "checks/exercise_06/probes.py" in names


def test_hidden_checks_are_left_out(kit, course):
    for exercise in course.exercises():
        for check_file in exercise.check_files:
            kit_source = (kit / "checks" / exercise.id / check_file.name).read_text()
            for name in hidden_check_names(check_file.read_text()):
                assert f"def {name}(" not in kit_source
    assert "hidden=True" not in "".join(p.read_text() for p in (kit / "checks").rglob("checks.py"))


def test_the_kits_catalog_leaves_the_hidden_checks_titles_out(kit, course):
    import gettext

    from grader.catalog.declarations import declarations_of

    def catalog(root: Path) -> gettext.GNUTranslations:
        with (root / "locale" / "zh" / "LC_MESSAGES" / "course.mo").open("rb") as handle:
            return gettext.GNUTranslations(handle)

    kit_catalog, course_catalog = catalog(kit), catalog(REPO_ROOT)
    declared = [c for e in course.exercises() for c in declarations_of(e)]
    hidden = [c.title for c in declared if c.hidden]
    assert hidden and all(course_catalog.gettext(title) != title for title in hidden)
    assert all(kit_catalog.gettext(title) == title for title in hidden)
    assert all(kit_catalog.gettext(c.title) == course_catalog.gettext(c.title) for c in declared if not c.hidden)
    assert kit_catalog.gettext(course.title) == "用 PyTorch 实现卷积神经网络"
    assert (kit / "README.md").read_text(encoding="utf-8").split("\n\n")[1] == "# 用 PyTorch 实现卷积神经网络"


def _variants(module, exercise_id: str, tmp: Path) -> list[Path]:
    folders = []
    reference = (REPO_ROOT / "solutions" / f"{exercise_id}.py").read_text()
    for index, param in enumerate(module.MISTAKES[::SAMPLE]):
        folder = tmp / f"{exercise_id}-{index}"
        folder.mkdir()
        (folder / f"{exercise_id}.py").write_text(reference + "\n\n" + param.values[0])
        folders.append(folder)
    return folders


def _public(course: Course, exercise_id: str, folder: Path, sandbox, public_only: bool = False) -> dict:
    report = grade_submission(course, course.select([exercise_id]), folder, sandbox, GradingOptions(public_only=public_only))
    return {c.id: (c.status.value, c.points_earned, c.message) for e in report.exercises for c in e.checks if not c.hidden}


@pytest.mark.parametrize("exercise_id, module", [("exercise_03", test_exercise_03), ("exercise_04", test_exercise_04)])
def test_the_kit_scores_every_mistake_variant_as_the_course_does(kit, course, module_sandbox, tmp_path, exercise_id, module):
    kit_course = Course.at(kit)
    differences = []
    for folder in _variants(module, exercise_id, tmp_path):
        full = _public(course, exercise_id, folder, module_sandbox, public_only=True)
        mine = _public(kit_course, exercise_id, folder, module_sandbox)
        # A busy machine may time a check out on one side only; that is not a difference.
        keys = [k for k in full if "timeout" not in (full[k][0], mine.get(k, ("",))[0])]
        differences += [(folder.name, k, full[k], mine.get(k)) for k in keys if full[k] != mine.get(k)]
        assert set(full) == set(mine)
    assert differences == []


@pytest.mark.parametrize("name", HOSTILE)
def test_the_kit_scores_hostile_submissions_as_the_course_does(kit, course, module_sandbox, name):
    folder = FIXTURES / "hostile" / name
    full = _public(course, "exercise_01", folder, module_sandbox, public_only=True)
    assert _public(Course.at(kit), "exercise_01", folder, module_sandbox) == full


def test_the_kit_scores_the_feedback_catalogue_as_the_course_does(kit, course, module_sandbox):
    """Exercise 03's structure checks ask the reference for more only when a network's form
    differs (is its function the reference's?): the kit's recording must answer that too."""
    from tests.feedback.cases import load_cases

    kit_course = Course.at(kit)
    # The correct-but-unusual networks are the ones whose form differs (kept lean: the suite's time).
    for case in [c for c in load_cases() if c.exercise == "exercise_03" and c.kind == "correct"]:
        full = _public(course, case.exercise, case.folder, module_sandbox, public_only=True)
        assert _public(kit_course, case.exercise, case.folder, module_sandbox) == full, case.name


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_kit_released_in_chinese_speaks_chinese(kit, course, monkeypatch, capsys):
    import ast
    import json

    from grader.cli import main

    stub = (kit / "exercises" / "exercise_01.py").read_text(encoding="utf-8")
    english = (REPO_ROOT / "exercises" / "exercise_01.py").read_text(encoding="utf-8")
    assert "互相关" in ast.get_docstring(next(n for n in ast.parse(stub).body if getattr(n, "name", "") == "corr2d"))
    # The code is the course's: only the docstrings changed.
    strip = lambda source: [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)]
    assert [f.name for f in strip(stub)] == [f.name for f in strip(english)]
    # The course's grader (grader grade, or grader check in the course) still sees both
    # untouched files as the stub: docstrings do not count.
    from grader.catalog.submission import find_student_file

    chosen = find_student_file(kit / "exercises", "exercise_01.py", "exercise_01", english)
    assert chosen.choice == "both are the untouched stub"
    notebook = json.loads((kit / "exercises" / "exercise_01.ipynb").read_text(encoding="utf-8"))
    assert CJK.search("".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"))
    assert CJK.search((kit / "README.md").read_text(encoding="utf-8"))
    assert not CJK.search((kit / "README.en.md").read_text(encoding="utf-8").replace("中文", ""))
    assert 'language = "zh"' in (kit / "course.toml").read_text(encoding="utf-8")
    assert (kit / "locale" / "zh" / "LC_MESSAGES" / "course.mo").is_file()
    assert not list(kit.rglob("*.po"))
    # A student in the kit, with no language asked for, reads Chinese: the course's default.
    for name in ("GRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GRADER_COURSE", str(kit))
    assert main(["--no-color", "check", "exercise_02", "--submission", str(kit / "exercises"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (exercise,) = report["exercises"]
    assert CJK.search(exercise["title"]) and all(CJK.search(c["title"]) for c in exercise["checks"])
    assert {c["status"] for c in exercise["checks"]} <= {"passed", "failed", "error"}
