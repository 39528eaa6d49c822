"""Import rules that keep the layers honest (an AST walk over grader/)."""

from __future__ import annotations

import ast
from pathlib import Path

import grader

PACKAGE = Path(grader.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> dict[str, set[str]]:
    return {str(p.relative_to(PACKAGE)): _imports(p) for p in PACKAGE.rglob("*.py")}


def test_models_import_no_other_layer():
    for name, imports in _modules().items():
        if name.startswith("models/"):
            ours = {i for i in imports if i.startswith("grader") and not i.startswith("grader.models")}
            assert not ours, f"{name} imports {ours}"


def test_only_the_cli_and_terminal_renderer_import_rich():
    allowed = {"report/terminal.py"}
    offenders = {
        name for name, imports in _modules().items()
        if any(i == "rich" or i.startswith("rich.") for i in imports) and name not in allowed
        and not name.startswith("cli/")
    }
    assert offenders == set()


def test_nothing_imports_student_or_solution_modules():
    for name, imports in _modules().items():
        bad = {i for i in imports if i.split(".")[0] in {"exercises", "solutions", "exercise_01", "exercise_02"}}
        assert not bad, f"{name} imports {bad}"


def test_the_sandbox_child_side_imports_no_judging_code():
    child_side = ["sandbox/worker.py", "sandbox/zygote.py", "sandbox/cell.py", "sandbox/rootfs.py",
                  "sandbox/loader.py", "sandbox/tracing.py", "sandbox/protocol.py"]
    modules = _modules()
    for name in child_side:
        judging = {i for i in modules[name] if i.startswith(("grader.engine", "grader.authoring", "grader.catalog", "grader.report"))}
        assert not judging, f"{name} imports {judging}"


def test_the_protocol_is_stdlib_only():
    ours = {i for i in _modules()["sandbox/protocol.py"] if i.split(".")[0] in {"grader", "torch", "pydantic", "numpy"}}
    assert not ours, ours


def test_no_module_calls_sys_exit_outside_the_cli():
    for path in PACKAGE.rglob("*.py"):
        rel = str(path.relative_to(PACKAGE))
        if rel.startswith("cli/") or rel == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert not (node.func.attr == "exit" and getattr(node.func.value, "id", "") == "sys"), rel


def test_public_api_of_check_helpers():
    import grader.authoring

    assert sorted(grader.authoring.__all__) == [
        "CheckFailed", "Mistake", "OpaqueValue", "StudentRaised", "check", "describe_non_tensor",
        "differs_by", "expect_each", "expect_int", "expect_shape_tuple", "expect_tensor", "factor", "mistakes_in",
    ]


def test_a_json_report_reads_back_into_the_model():
    from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport

    report = SubmissionReport(
        grader_version="x",
        submission="s",
        exercises=[ExerciseResult(id="e", title="t", checks=[
            CheckResult(id="c", title="c", status=CheckStatus.PASSED, points_earned=2, points_possible=2)
        ])],
    )
    back = SubmissionReport.model_validate_json(report.model_dump_json())
    assert back == report and back.percent == 100.0
    import json

    forged = json.loads(report.model_dump_json())
    forged["exercises"][0]["checks"][0]["points_earned"] = 0
    forged["points_earned"] = 99  # a stored total is never trusted: it is recomputed
    assert SubmissionReport.model_validate(forged).points_earned == 0
