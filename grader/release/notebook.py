"""Generate an exercise's notebook from its stub file: one source of truth for both.

The notebook is never edited by hand. From `exercises/exercise_NN.py` it gets:

* a title cell (the exercise's id, title and description, then the module's
  docstring) and a short "how to work" cell, as markdown;
* a first code cell with everything before the first function or class (imports,
  constants);
* for each top-level function or class: its docstring as a markdown cell, then its
  code (verbatim, docstring included) as one code cell;
* a last code cell that runs the checks on the saved notebook (`grader.check`).

The output is byte-identical for the same input: cell ids are numbered, not random,
and nbformat writes sorted keys. `is_untouched_notebook` tells whether a student's
notebook still holds exactly the code generated from the stub (outputs, execution
counts, markdown and docstrings do not count as work: a kit in another language
translates the docstrings). The notebook's metadata records
digests of its stub and of its own code (`generated_from`), so the same can be told
where no separate stub exists: in a kit, the student's .py *is* the course's stub.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
from dataclasses import dataclass

from typing import TYPE_CHECKING

from grader.i18n.extract import docstrings

if TYPE_CHECKING:
    from nbformat import NotebookNode

NBFORMAT_MINOR = 5  # the first minor version with cell ids
METADATA_KEY = "grader"

_HOW_TO = (
    "Run the first code cell, then fill in each stub below and run its cell. "
    "When you are done, **save the notebook** (Ctrl+S, or Cmd+S on a Mac) and run the "
    "last cell: the grader checks the notebook file as it is saved on disk."
)


@dataclass(frozen=True)
class _Chunk:
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


def _split_stub(stub_source: str) -> tuple[str | None, list[_Chunk]]:
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
    chunks: list[_Chunk] = []
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        before = _strip_blank_lines(lines[start : first - 1])
        if not chunks and before:
            # What comes before the first definition (imports, constants) runs first.
            chunks.append(_Chunk(before))
            before = ""
        own = _strip_blank_lines(lines[first - 1 : node.end_lineno])
        code = f"{before}\n\n{own}" if before else own
        chunks.append(_Chunk(code, node.name, ast.get_docstring(node)))
        start = node.end_lineno or start
    rest = _strip_blank_lines(lines[start:])
    if rest:
        chunks.append(_Chunk(rest))
    return module_doc, chunks


def build_notebook(stub_source: str, exercise_id: str, title: str, description: str = "") -> NotebookNode:
    """The exercise's notebook, generated from its stub file's source."""
    import nbformat  # here, not at the top: `grader check` of a .py file never needs it (~70 ms)

    module_doc, chunks = _split_stub(stub_source)
    heading = [f"# {exercise_id}: {title}"]
    if description:
        heading.append(description)
    if module_doc:
        heading.append(inspect.cleandoc(module_doc))
    cells = [nbformat.v4.new_markdown_cell("\n\n".join(heading)), nbformat.v4.new_markdown_cell(_HOW_TO)]
    for chunk in chunks:
        if chunk.name is not None:
            about = f"### `{chunk.name}`"
            if chunk.docstring:
                about += "\n\n" + inspect.cleandoc(chunk.docstring)
            cells.append(nbformat.v4.new_markdown_cell(about))
        cells.append(nbformat.v4.new_code_cell(chunk.code))
    cells.append(nbformat.v4.new_markdown_cell("## Check your work"))
    cells.append(nbformat.v4.new_code_cell(check_cell_source(exercise_id)))
    # nbformat draws cell ids at random; numbered ones make the output reproducible.
    for number, cell in enumerate(cells, start=1):
        cell.id = f"{exercise_id}-{number:02d}".replace("_", "-")
    notebook = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    notebook.nbformat_minor = NBFORMAT_MINOR
    notebook.metadata[METADATA_KEY] = {
        "exercise": exercise_id,
        "stub_sha256": stub_digest(stub_source),
        "code_sha256": code_digest(notebook),
    }
    nbformat.validate(notebook)
    return notebook


def render_notebook(stub_source: str, exercise_id: str, title: str, description: str = "") -> str:
    """The notebook's file content (.ipynb JSON, ending with a newline); write it with
    `newline="\\n"` (or as UTF-8 bytes) so that every platform gets the same bytes."""
    import nbformat

    text = nbformat.writes(build_notebook(stub_source, exercise_id, title, description))
    return text if text.endswith("\n") else text + "\n"


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
    code = _normalised if docstrings else _without_docstrings
    cells = [code(cell.source) for cell in notebook.cells if cell.cell_type == "code"]
    return _sha256(json.dumps(cells))


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


def is_untouched_notebook(notebook: NotebookNode, stub_source: str, exercise_id: str) -> bool:
    """Whether `notebook` holds exactly the code generated from the stub: running its
    cells or editing its markdown is not work; changing, adding or removing code is."""
    return code_digest(notebook) == code_digest(build_notebook(stub_source, exercise_id, title=""))
