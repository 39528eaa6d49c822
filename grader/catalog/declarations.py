"""Read what each check of an exercise declares, from the check files' text.

One reader for everyone: grading (the plugin), `grader list` and the points table, and
the release (which leaves hidden checks out of a student kit). The file is parsed, not
imported: `grader list` stays instant, and a release decides what students may read
without running the course's code. The `@check(...)` arguments are evaluated, not
pattern-matched: literals, module-level constants (`HIDE = True` ... `hidden=HIDE`),
arithmetic, f-strings and `N_("...")`. What cannot be evaluated that way (a call, an
imported name, a name assigned twice) is refused with the check named: the engine
never guesses whether a check is hidden or what it is worth.
"""

from __future__ import annotations

import ast
import functools
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from grader.authoring.declaration import PARAMETERS, CheckDeclaration, InvalidDeclaration
from grader.errors import ManifestError
from grader.i18n import tr

if TYPE_CHECKING:
    from grader.catalog.course import Exercise

__all__ = ["DeclaredCheck", "UnreadableDeclaration", "declarations_in", "declarations_of"]

CHECK_PREFIX = "check_"  # pytest.ini's python_functions: what pytest collects as a check
_DECORATOR = "check"
_MODULES = {"grader.authoring", "grader.authoring.marker"}  # where the decorator may be imported from
_MAX_EXPONENT = 64  # `2 ** 10 ** 10` would hang the reader


class UnreadableDeclaration(ManifestError):
    """A check whose `@check(...)` the engine cannot read without running the file."""


@dataclass(frozen=True)
class DeclaredCheck:
    """A check's declaration and the lines it spans in its file (decorators included)."""

    declaration: CheckDeclaration
    first_line: int
    last_line: int


class _NotConstant(Exception):
    """An expression the reader cannot evaluate without running the file."""


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}


class _Constants:
    """A module's names bound once, at its top level, to an expression the reader can
    evaluate; every other name is unknown (imported, computed, rebound)."""

    def __init__(self, tree: ast.Module) -> None:
        bound: dict[str, int] = {}
        self._expressions: dict[str, ast.expr] = {}
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name):
                self._expressions[statement.targets[0].id] = statement.value
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                    and statement.value is not None:
                self._expressions[statement.target.id] = statement.value
        for node in ast.walk(tree):  # any other binding of the name, anywhere, makes it unknown
            for name in _bound_names(node):
                bound[name] = bound.get(name, 0) + 1
        self._expressions = {name: value for name, value in self._expressions.items() if bound.get(name) == 1}

    def value(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in self._expressions or node.id in seen:
                raise _NotConstant
            return self.value(self._expressions[node.id], seen | {node.id})
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](self.value(node.operand, seen))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.value(node.left, seen), self.value(node.right, seen)
            if isinstance(node.op, ast.Pow) and (not isinstance(right, (int, float)) or abs(right) > _MAX_EXPONENT):
                raise _NotConstant
            try:
                return _BINARY[type(node.op)](left, right)
            except (TypeError, ArithmeticError, ValueError):
                raise _NotConstant from None
        if isinstance(node, ast.BoolOp):
            values = [self.value(v, seen) for v in node.values]
            result = values[0]
            for value in values[1:]:
                result = (result and value) if isinstance(node.op, ast.And) else (result or value)
            return result
        if isinstance(node, ast.JoinedStr):
            return "".join(self._formatted(part, seen) for part in node.values)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_" \
                and len(node.args) == 1 and not node.keywords:
            return self.value(node.args[0], seen)  # N_ only marks a string for translation
        raise _NotConstant

    def _formatted(self, part: ast.expr, seen: frozenset[str]) -> str:
        if isinstance(part, ast.Constant):
            return str(part.value)
        if isinstance(part, ast.FormattedValue) and part.conversion == -1:
            spec = "" if part.format_spec is None else self.value(part.format_spec, seen)
            try:
                return format(self.value(part.value, seen), spec)
            except (TypeError, ValueError):
                raise _NotConstant from None
        raise _NotConstant


def _bound_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        return [node.id]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names) * 2  # rebound from inside a function: never a constant
    return []


def _decorator_names(tree: ast.Module) -> set[str]:
    """The names `@check` goes by in this file (`from grader.authoring import check as graded`)."""
    names = {_DECORATOR}
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module in _MODULES:
            names.update(alias.asname or alias.name for alias in statement.names if alias.name == _DECORATOR)
    return names


def _check_call(function: ast.FunctionDef | ast.AsyncFunctionDef, names: set[str]) -> ast.Call | ast.expr | None:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
        if name in names:
            return decorator
    return None


def _arguments(call: ast.Call | ast.expr, constants: _Constants) -> dict[str, Any]:
    """The decorator's arguments by name, evaluated; raises _NotConstant (naming the
    argument in its args) for one the reader cannot evaluate."""
    if not isinstance(call, ast.Call):  # a bare `@check`: not the decorator's use
        raise _NotConstant("@check")
    given: list[tuple[str, ast.expr]] = []
    for index, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred) or index >= len(PARAMETERS):
            raise _NotConstant("*args")
        given.append((PARAMETERS[index], argument))
    for keyword in call.keywords:
        if keyword.arg is None:
            raise _NotConstant("**kwargs")
        given.append((keyword.arg, keyword.value))
    values: dict[str, Any] = {}
    for name, expression in given:
        if name not in PARAMETERS:
            raise _NotConstant(f"{name}=")
        try:
            values[name] = constants.value(expression)
        except _NotConstant:
            raise _NotConstant(f"{name}={ast.unparse(expression)}") from None
    return values


def declarations_in(source: str, path: Path | str) -> list[DeclaredCheck]:
    """Every check of one check file (its top-level `check_*` functions), in order."""
    return list(_declarations_in(source, str(path)))


# The engine reads each exercise's declarations several times per submission (the plan,
# every check's own, the points at stake): a batch of 300 parsed the same files 1,200 times
# (a tenth of a submission's grading CPU). Parsed once per file text: declarations are
# frozen data, a failure is not remembered.
@functools.lru_cache(maxsize=64)
def _declarations_in(source: str, path: str) -> tuple[DeclaredCheck, ...]:
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise UnreadableDeclaration(tr("{path}: line {line}: {reason}", path=path, line=exc.lineno, reason=exc.msg)) from exc
    constants = _Constants(tree)
    names = _decorator_names(tree)
    found: list[DeclaredCheck] = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.name.startswith(CHECK_PREFIX):
            continue
        call = _check_call(node, names)
        try:
            values = {} if call is None else _arguments(call, constants)
            declaration = CheckDeclaration.declare(node.name, **values)
        except _NotConstant as exc:
            raise UnreadableDeclaration(tr(
                "{path}: check {check}: {argument} cannot be read without running the file; give it "
                "as a literal or a constant assigned once at the file's top level",
                path=path, check=node.name, argument=exc.args[0] if exc.args else "@check",
            )) from None
        except InvalidDeclaration as exc:
            raise UnreadableDeclaration(tr("{path}: check {check}: {problem}", path=path, check=node.name,
                                           problem=exc)) from None
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        found.append(DeclaredCheck(declaration, first, node.end_lineno or node.lineno))
    return tuple(found)


def declarations_of(exercise: Exercise) -> list[CheckDeclaration]:
    """Every check of an exercise, in file and then line order."""
    return [
        declared.declaration
        for path in exercise.check_files
        for declared in declarations_in(path.read_text(encoding="utf-8"), path)
    ]
