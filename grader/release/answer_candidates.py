"""Which functions of a kit's check and probe files could stand in for a stub function.

A kit ships the course's public check files and the probe files they run. A function
there that does a stub function's job (a mistake simulator whose defaults are the right
loop, a reference copied in for convenience) hands the answer out. The release tries
each such function as the student's (grader/release/answer_guard.py grades it); this
module picks them and writes the submissions, from source alone.

A kit function is a candidate for a stub function of its exercise when it has the same
name, or the same positional parameters (the same names, or as many of them). A
function decorated with @check is the check itself, never a candidate. The submission
is the stub file with the candidate, and the module-level code it uses (imports,
constants, helpers: what a student would copy with it), appended and bound to the stub
function's name (through a function with the stub's parameters when its own are named
otherwise).
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from pathlib import Path

from grader.catalog.course import Exercise

CHECKS_FOLDER = "checks"


@dataclass(frozen=True)
class Signature:
    """A top-level function's name and positional parameters."""

    name: str
    parameters: tuple[str, ...]

    @classmethod
    def of(cls, node: ast.FunctionDef | ast.AsyncFunctionDef) -> "Signature":
        return cls(node.name, tuple(a.arg for a in (*node.args.posonlyargs, *node.args.args)))

    def could_stand_in_for(self, stub: "Signature") -> bool:
        if self.name == stub.name:
            return True
        ours, theirs = [p.lower() for p in self.parameters], [p.lower() for p in stub.parameters]
        return ours == theirs or len(ours) == len(theirs)


@dataclass(frozen=True)
class StubFunction:
    """A function of the stub file: its signature, and its header to wrap a stand-in in."""

    signature: Signature
    node: ast.FunctionDef | ast.AsyncFunctionDef

    @property
    def name(self) -> str:
        return self.signature.name

    def calling(self, function: str) -> str:
        """A function of the stub's name and parameters (defaults kept, annotations
        dropped) that passes its positional arguments on to `function`, in order: a
        stand-in whose parameters are named otherwise is tried as a student who copied
        it would use it, under the stub's names."""
        arguments = copy.deepcopy(self.node.args)
        for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            argument.annotation = None
        for variadic in (arguments.vararg, arguments.kwarg):
            if variadic is not None:
                variadic.annotation = None
        call = f"{function}({', '.join(self.signature.parameters)})"
        return f"def {self.name}({ast.unparse(arguments)}):\n    return {call}\n"


@dataclass(frozen=True)
class Candidate:
    """`function` of the kit file `file` (relative to the kit), tried as `exercise`'s `stub`."""

    exercise: Exercise
    file: str
    function: str
    stub: str
    submission: str  # the source of the student's file to grade

    @property
    def where(self) -> str:
        return f"{self.file}: {self.function}"


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _is_check(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "check":
            return True
    return False


def stub_functions(stub_source: str) -> list[StubFunction]:
    """The stub file's top-level functions: those the student fills in."""
    return [StubFunction(Signature.of(node), node) for node in _functions(ast.parse(stub_source))]


def _bound_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in statement.names}
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _segment(lines: list[str], statement: ast.stmt) -> str:
    decorators = getattr(statement, "decorator_list", [])
    first = min([statement.lineno, *(d.lineno for d in decorators)])
    return "".join(lines[first - 1:statement.end_lineno or statement.lineno])


def context_of(tree: ast.Module, source: str, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The function's source, after the module-level statements it needs (transitively),
    in the file's order. `from __future__` imports stay out: they may only open a file."""
    lines = source.splitlines(keepends=True)
    providers: dict[str, list[ast.stmt]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            continue
        if statement is function or (isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_check(statement)):
            continue
        for name in _bound_names(statement):
            providers.setdefault(name, []).append(statement)
    needed: list[ast.stmt] = []
    pending = list(_used_names(function))
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for statement in providers.get(name, []):
            if statement not in needed:
                needed.append(statement)
                pending.extend(_used_names(statement))
    ordered = [s for s in tree.body if s in needed] + [function]
    return "\n\n".join(_segment(lines, s).rstrip("\n") for s in ordered) + "\n"


def substituted(stub_source: str, context: str, function: str, stub: StubFunction) -> str:
    """The stub file with `function` (and its context) in place of the stub function `stub`."""
    wrapper = "" if function == stub.name else "\n\n" + stub.calling(function)
    return f"{stub_source.rstrip()}\n\n\n# --- from the kit: tried as {stub.name} ---\n{context}{wrapper}"


def _exercise_of(kit: Path, path: Path, exercises: list[Exercise]) -> list[Exercise]:
    """The exercise whose check folder holds `path`; every exercise for a file outside them."""
    relative = path.relative_to(kit).parts
    if len(relative) >= 3 and relative[0] == CHECKS_FOLDER:
        return [e for e in exercises if e.id == relative[1]]
    return exercises


def kit_python_files(kit: Path) -> list[Path]:
    """Every .py file the kit ships but the stubs (the students' own files)."""
    stubs = kit / "exercises"
    return sorted(p for p in kit.rglob("*.py") if p.is_file() and stubs not in p.parents)


def find_candidates(kit: Path, exercises: list[Exercise]) -> list[Candidate]:
    """Each (kit function, stub function) pair worth grading, in file order."""
    found: list[Candidate] = []
    stubs = {e.id: e.stub_path.read_text(encoding="utf-8") for e in exercises}
    for path in kit_python_files(kit):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for exercise in _exercise_of(kit, path, exercises):
            stub_source = stubs[exercise.id]
            for node in _functions(tree):
                if _is_check(node):
                    continue
                context: str | None = None
                for stub in stub_functions(stub_source):
                    if not Signature.of(node).could_stand_in_for(stub.signature):
                        continue
                    context = context if context is not None else context_of(tree, source, node)
                    found.append(Candidate(exercise, path.relative_to(kit).as_posix(), node.name, stub.name,
                                           substituted(stub_source, context, node.name, stub)))
    return found
