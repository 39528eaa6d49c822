"""Read the checks of an exercise (names, titles, points) without running them.

`grader list` must be instant, so check files are parsed, not imported: every
`check_*` function decorated with `@check(points=..., title=...)` literals.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from grader.catalog.course import Exercise


@dataclass(frozen=True)
class CheckSummary:
    name: str
    title: str
    points: float
    hidden: bool = False


def _check_decorator(node: ast.FunctionDef) -> ast.Call | None:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call):
            func = decorator.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "check":
                return decorator
    return None


def checks_of(exercise: Exercise) -> list[CheckSummary]:
    found: list[CheckSummary] = []
    for path in exercise.check_files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("check_"):
                continue
            decorator = _check_decorator(node)
            values: dict[str, object] = {}
            for keyword in decorator.keywords if decorator else []:
                try:
                    values[str(keyword.arg)] = ast.literal_eval(keyword.value)
                except ValueError:
                    pass
            found.append(
                CheckSummary(
                    name=node.name,
                    title=str(values.get("title") or node.name.removeprefix("check_").replace("_", " ")),
                    points=float(values.get("points", 1.0)),  # type: ignore[arg-type]
                    hidden=values.get("hidden") is True,
                )
            )
    return found
