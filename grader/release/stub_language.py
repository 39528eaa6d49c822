"""A stub in the kit's language: its docstrings (the exercise's instructions) replaced by
their translations from the course's catalog, its code untouched.

The messages are the docstrings as `inspect.cleandoc` gives them (what `grader messages`
extracts from exercises/); a docstring without a translation stays as it is.
"""

from __future__ import annotations

import ast

from grader.i18n import tr
from grader.i18n.extract import docstrings


def _literal(text: str, indent: str, multiline: bool) -> str:
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = body.split("\n")
    if not multiline and len(lines) == 1:
        return f'"""{body}"""'
    rest = "".join("\n" + (indent + line if line else "") for line in lines[1:])
    return f'"""{lines[0]}{rest}\n{indent}"""'


def translate_docstrings(source: str) -> str:
    """`source` with every translated docstring in the active language."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    for literal, text in docstrings(tree):
        translated = tr(text) if text else text
        if translated == text:
            continue
        start_line = lines[literal.lineno - 1].encode("utf-8")
        indent = start_line[: literal.col_offset].decode("utf-8")
        indent = indent if not indent.strip() else " " * len(indent)
        edits.append((literal, _literal(translated, indent, literal.end_lineno != literal.lineno)))
    # From the end backwards, so that earlier positions stay valid.
    for literal, replacement in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
        first = lines[literal.lineno - 1].encode("utf-8")
        last = lines[literal.end_lineno - 1].encode("utf-8")
        joined = first[: literal.col_offset].decode("utf-8") + replacement + last[literal.end_col_offset:].decode("utf-8")
        lines[literal.lineno - 1 : literal.end_lineno] = [joined]
    return "".join(lines)
