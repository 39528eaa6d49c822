"""Import rules that keep the layers honest (an AST walk over grader/).

The packages form an ordered stack: a module may import its own package and the
layers below it, never a layer above it or a peer on its own level; and no two modules
import each other, directly or round a loop. Every import counts: at the top, inside a
function, or under TYPE_CHECKING (a type-only import upward is still a dependency a
reader must follow).
"""

from __future__ import annotations

import ast
from pathlib import Path

import grader

PACKAGE = Path(grader.__file__).resolve().parent

# Bottom first. Names are grader's top-level packages and modules; a tuple is one level
# of peers that may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("version", "errors", "cores"),  # cores: the thread policy, read from the machine itself
    ("models",),
    ("i18n",),
    ("sandbox",),  # the worker side: stdlib, torch, the wire format
    ("probes",),  # helpers course probe files run inside a worker
    ("data",),  # data-set providers
    ("authoring",),  # what check files import
    ("catalog",),  # courses, exercises, declarations, submissions: read, never run
    ("engine",),  # grading one submission
    ("report",),  # rendering results
    ("ci",),  # the CI workflow students get
    ("similarity",),  # who copied from whom: the class's files read and compared, never run
    ("release", "batch"),  # a student kit; a class
    ("notebook",),  # grader.check() inside Jupyter
    ("cli",),
    ("__init__", "__main__"),  # the facade: `import grader`, `python -m grader`
]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join([root.name, *parts])


def imported_modules(path: Path, root: Path) -> set[str]:
    """The package's own modules `path` imports, anywhere in it, absolute or relative."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = module_name(path, root).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            # `from pkg import module` imports the module; `from module import name`, the module.
            names.update(f"{base}.{alias.name}" if (root.parent / base.replace(".", "/") / alias.name).with_suffix(".py")
                         .exists() or (root.parent / base.replace(".", "/") / alias.name / "__init__.py").exists()
                         else base for alias in node.names)
    return {name for name in names if name == root.name or name.startswith(root.name + ".")}


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (only those that exist)."""
    paths = {module_name(p, root): p for p in root.rglob("*.py")}
    return {name: {i for i in imported_modules(path, root) if i in paths and i != name} for name, path in paths.items()}


def _layer_of(module: str, root: Path) -> tuple[int, str]:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for level, names in enumerate(LAYERS):
        if top in names:
            return level, top
    raise AssertionError(f"{module}: the package {top!r} is in no layer of tests/test_layers.py's LAYERS")


def upward_imports(graph: dict[str, set[str]], root: Path) -> list[str]:
    """Each import of a higher layer or of a peer on the same level, as 'a -> b'."""
    found = []
    for module, imports in sorted(graph.items()):
        level, top = _layer_of(module, root)
        for target in sorted(imports):
            target_level, target_top = _layer_of(target, root)
            if target_level > level or (target_level == level and target_top != top):
                found.append(f"{module} -> {target}")
    return found


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_every_import_runs_down_the_layers():
    assert upward_imports(import_graph(PACKAGE), PACKAGE) == []


def test_no_import_cycles():
    assert import_cycles(import_graph(PACKAGE)) == []


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


def test_only_the_front_ends_and_terminal_renderer_import_rich():
    allowed = {"report/terminal.py", "notebook.py"}  # the two front ends besides the CLI
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
    child_side = ["sandbox/worker.py", "sandbox/zygote.py", "sandbox/cell.py", "sandbox/cell_state.py", "sandbox/rootfs.py",
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
        "Arguments", "CheckFailed", "Mistake", "OpaqueValue", "StudentRaised", "check", "describe_non_tensor",
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
