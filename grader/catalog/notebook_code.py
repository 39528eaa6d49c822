"""What a notebook generated from a stub holds as code, and digests that tell whether
a student's notebook (or .py) is still untouched.

A generated notebook's code cells are the stub's chunks (split_stub) and a last cell
that runs the checks (check_cell_source). The notebook's metadata records digests of
its stub and of its own code (`generated_from`), so the same can be told where no
separate stub exists: in a kit, the student's .py *is* the course's stub. Outputs,
execution counts, markdown and docstrings do not count as work: a kit in another
language translates the docstrings. Building the notebook itself is the release's
(grader/release/notebook.py); telling work from a stub is the catalog's, which picks
the file to grade.
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grader.i18n.extract import docstrings

if TYPE_CHECKING:
    from nbformat import NotebookNode

METADATA_KEY = "grader"


@dataclass(frozen=True)
class StubChunk:
    """A run of the stub's lines that becomes one code cell."""

    code: str
    name: str | None = None  # the function or class it defines; None for the preamble
    docstring: str | None = None


def check_cell_source(exercise_id: str) -> str:
    """The code of the notebook's last cell."""
    return (
        "# Save the notebook first (Ctrl+S): the grader checks the file on disk.\n"
        "import grader\n"
        "\n"
        f'report = grader.check("{exercise_id}")'
    )


def _strip_blank_lines(lines: list[str]) -> str:
    text = "\n".join(lines).strip("\n")
    return "\n".join(line.rstrip() for line in text.splitlines())


def split_stub(stub_source: str) -> tuple[str | None, list[StubChunk]]:
    """The module docstring, and the code cells: the preamble, then one per top-level
    function or class, each with the comments and statements written just above it."""
    tree = ast.parse(stub_source)
    lines = stub_source.splitlines()
    module_doc = ast.get_docstring(tree)
    body = tree.body
    start = 0
    if module_doc is not None:
        start = body[0].end_lineno or 0
        body = body[1:]
    chunks: list[StubChunk] = []
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        before = _strip_blank_lines(lines[start : first - 1])
        if not chunks and before:
            # What comes before the first definition (imports, constants) runs first.
            chunks.append(StubChunk(before))
            before = ""
        own = _strip_blank_lines(lines[first - 1 : node.end_lineno])
        code = f"{before}\n\n{own}" if before else own
        chunks.append(StubChunk(code, node.name, ast.get_docstring(node)))
        start = node.end_lineno or start
    rest = _strip_blank_lines(lines[start:])
    if rest:
        chunks.append(StubChunk(rest))
    return module_doc, chunks


def _normalised(source: str) -> str:
    """Code without trailing whitespace or line-ending differences (a checkout on
    Windows turns \\n into \\r\\n without anyone touching the file)."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _without_docstrings(source: str) -> str:
    """The code of `source`: normalised, less its module's, classes' and functions'
    docstrings (a kit in another language translates them: the same code), or all of
    it normalised when it does not parse (a student's unfinished work).

    The docstrings are cut out of the text, not the code rebuilt from its syntax tree:
    `ast.dump` and `ast.unparse` differ between Python versions, and the digests are
    recorded by the instructor's Python and compared by the student's."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):  # ValueError: a null byte, before Python 3.12
        return _normalised(source)
    # A docstring statement is its string literal alone: the literal's span is the statement's.
    statements = [literal for literal, _ in docstrings(tree)]
    lines = text.split("\n")
    # From the end backwards, so that earlier positions stay valid; offsets count UTF-8 bytes.
    for node in sorted(statements, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        end_lineno = node.end_lineno or node.lineno
        head = lines[node.lineno - 1].encode("utf-8")[: node.col_offset].decode("utf-8")
        tail = lines[end_lineno - 1].encode("utf-8")[node.end_col_offset :].decode("utf-8")
        rest = head + tail
        lines[node.lineno - 1 : end_lineno] = [rest] if rest.strip() else []
    return _normalised("\n".join(lines))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stub_digest(source: str, *, docstrings: bool = False) -> str:
    """sha256 of a stub (or a student's .py) as code: equal digests, same code.
    Docstrings do not count (a kit's stub is the course's with its instructions
    translated); `docstrings=True` gives the digest notebooks recorded before that,
    still compared so that kits released then keep telling a stub from work."""
    return _sha256(_normalised(source) if docstrings else _without_docstrings(source))


def code_digest(notebook: NotebookNode, *, docstrings: bool = False) -> str:
    """sha256 of a notebook's code cells, in order: outputs, execution counts,
    markdown and docstrings do not change it (`docstrings=True`: the older digest
    that counted them, as `stub_digest`)."""
    return _cells_digest([cell.source for cell in notebook.cells if cell.cell_type == "code"], docstrings=docstrings)


def _cells_digest(sources: list[str], *, docstrings: bool = False) -> str:
    code = _normalised if docstrings else _without_docstrings
    return _sha256(json.dumps([code(source) for source in sources]))


@dataclass(frozen=True)
class GeneratedFrom:
    """What a generated notebook records of its making (in its metadata, kept by
    Jupyter and VS Code on save): enough to tell, with no stub at hand, whether the
    notebook and the .py beside it are still untouched."""

    exercise_id: str
    stub_sha256: str
    code_sha256: str


def generated_from(notebook: NotebookNode) -> GeneratedFrom | None:
    """The record a generated notebook carries; None when absent or malformed."""
    record = notebook.metadata.get(METADATA_KEY)
    try:
        return GeneratedFrom(str(record["exercise"]), str(record["stub_sha256"]), str(record["code_sha256"]))
    except (KeyError, TypeError):
        return None


def generated_code(stub_source: str, exercise_id: str) -> list[str]:
    """The code cells a notebook generated from `stub_source` holds, in order."""
    _, chunks = split_stub(stub_source)
    return [chunk.code for chunk in chunks] + [check_cell_source(exercise_id)]


def is_untouched_notebook(notebook: NotebookNode, stub_source: str, exercise_id: str) -> bool:
    """Whether `notebook` holds exactly the code generated from the stub: running its
    cells or editing its markdown is not work; changing, adding or removing code is."""
    return code_digest(notebook) == _cells_digest(generated_code(stub_source, exercise_id))
