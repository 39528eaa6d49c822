"""Source-level steps of a release: public check files, and proof that no solution leaks.

A check file keeps its imports, helpers and public checks; each check declared hidden
(`@check(..., hidden=True)`, or any value the declaration reader evaluates to True) is
cut out, decorators and all, so a student kit never carries an instructor-only check's code.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

from grader.catalog.declarations import declarations_in


def hidden_check_names(source: str, path: Path | str = "<check file>") -> list[str]:
    return [d.declaration.name for d in declarations_in(source, path) if d.declaration.hidden]


def strip_hidden_checks(source: str, path: Path | str = "<check file>") -> str:
    """The check file without its hidden checks (line ranges cut, the rest untouched).
    Which checks are hidden is read as grading reads it (catalog/declarations.py); a
    declaration it cannot evaluate refuses the release (UnreadableDeclaration)."""
    lines = source.splitlines(keepends=True)
    cut: set[int] = set()
    for declared in declarations_in(source, path):
        if declared.declaration.hidden:
            cut.update(range(declared.first_line - 1, declared.last_line))
            # The blank lines after it go too, so no gap of four lines is left behind.
            following = declared.last_line
            while following < len(lines) and not lines[following].strip():
                cut.add(following)
                following += 1
    return "".join(line for index, line in enumerate(lines) if index not in cut)


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def solution_bodies(solution: Path, minimum_chars: int = 40) -> dict[str, str]:
    """Each function's body in a solution file (normalised whitespace), keyed by its
    qualified name; bodies shorter than `minimum_chars` (a bare `return x`) say too
    little to count as a leak and are left out."""
    source = solution.read_text(encoding="utf-8")
    tree = ast.parse(source)
    bodies: dict[str, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                statements = [s for s in child.body if not (isinstance(s, ast.Expr) and isinstance(getattr(s, "value", None), ast.Constant))]
                if statements:
                    segment = "\n".join(ast.get_source_segment(source, s) or "" for s in statements)
                    text = _normalised(segment)
                    if len(text) >= minimum_chars:
                        bodies[f"{prefix}{child.name}"] = text
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, f"{solution.stem}:")
    return bodies


def leaked_solutions(kit: Path, solutions: list[Path]) -> list[str]:
    """'file: function' for every solution function body found in a kit file."""
    bodies = {name: body for path in solutions for name, body in solution_bodies(path).items()}
    found: list[str] = []
    for path in sorted(p for p in kit.rglob("*") if p.is_file()):
        try:
            text = _normalised(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            text = ""
        # Notebooks store code as JSON strings: compare their decoded text too.
        if path.suffix == ".ipynb":
            text += " " + _normalised(path.read_text(encoding="utf-8").encode().decode("unicode_escape", "ignore"))
        for name, body in bodies.items():
            if body in text:
                found.append(f"{path.relative_to(kit)}: {name}")
    return found


def folder_size(folder: Path) -> tuple[int, int]:
    """How many files a built folder holds, and their bytes (what a build's summary reports)."""
    sizes = [path.stat().st_size for path in folder.rglob("*") if path.is_file()]
    return len(sizes), sum(sizes)


def content_hash(kit: Path, skip: tuple[str, ...] = ("course.toml",)) -> str:
    """sha256 over every file's relative path and bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in kit.rglob("*") if p.is_file()):
        relative = path.relative_to(kit).as_posix()
        if relative in skip:
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()
