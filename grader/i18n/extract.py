"""Finding the messages to translate, as Babel extraction methods.

Babel's own Python extractor reads `tr(...)`-style calls by position only. Ours also
reads what a course declares as data: a check's `title=`, a `Mistake`'s title and its
`says`, an exercise.toml's title and description, and the course.toml's title. Each yields Babel's
(lineno, funcname, message(s), comments) tuples.
"""

from __future__ import annotations

import ast
import inspect
import tomllib
from typing import IO, Any, Iterator

# name -> the positional arguments (0-based) that are messages; kwargs by name.
_POSITIONAL = {"tr": (0,), "N_": (0,), "trn": (0, 1), "Mistake": (1, 2)}
_KEYWORDS = {"tr": (), "N_": (), "trn": (), "Mistake": ("title", "says"), "check": ("title",)}

Extracted = tuple[int, str, "str | tuple[str, ...]", list[str]]


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    # Implicitly concatenated literals parse as one Constant; "a" + "b" does not: join it.
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def extract_python(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name not in _KEYWORDS:
            continue
        if name == "trn":
            texts = [_text(a) for a in node.args[:2]]
            if len(texts) == 2 and None not in texts:
                yield node.lineno, "ngettext", (texts[0], texts[1]), []
            continue
        for index in _POSITIONAL.get(name, ()):
            if index < len(node.args) and (text := _text(node.args[index])):
                yield node.lineno, "gettext", text, []
        for keyword in node.keywords:
            if keyword.arg in _KEYWORDS[name] and (text := _text(keyword.value)):
                yield node.lineno, "gettext", text, []


def docstrings(tree: ast.Module) -> Iterator[tuple[ast.Constant, str]]:
    """The module's, its classes' and its functions' docstrings: (the literal, its text
    as `inspect.cleandoc` gives it, which is the message)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                yield first.value, inspect.cleandoc(first.value.value)


def extract_docstrings(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    """A stub's instructions: its docstrings (they are the exercise's text)."""
    for literal, text in docstrings(ast.parse(fileobj.read())):
        if text:
            yield literal.lineno, "gettext", text, ["a stub's docstring"]


def extract_exercise_toml(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    manifest = tomllib.loads(fileobj.read().decode("utf-8"))
    for field in ("title", "description"):
        if isinstance(manifest.get(field), str) and manifest[field]:
            yield 1, "gettext", manifest[field], [f"exercise.toml: {field}"]


def extract_course_toml(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[Extracted]:
    """The course's title (its students' README and the release say it)."""
    text = fileobj.read().decode("utf-8")
    course = tomllib.loads(text).get("course")
    title = course.get("title") if isinstance(course, dict) else None
    if isinstance(title, str) and title:
        lines = text.splitlines()
        start = next((i for i, line in enumerate(lines) if line.strip() == "[course]"), 0)
        lineno = next((i + 1 for i in range(start, len(lines)) if lines[i].split("=", 1)[0].strip() == "title"), 1)
        yield lineno, "gettext", title, ["course.toml: title"]
