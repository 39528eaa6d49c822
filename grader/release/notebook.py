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
and nbformat writes sorted keys. The metadata records the digests that tell a
student's notebook from an untouched one (grader/catalog/notebook_code.py).
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from grader.catalog.notebook_code import METADATA_KEY, check_cell_source, code_digest, split_stub, stub_digest

if TYPE_CHECKING:
    from nbformat import NotebookNode

NBFORMAT_MINOR = 5  # the first minor version with cell ids

_HOW_TO = (
    "Run the first code cell, then fill in each stub below and run its cell. "
    "When you are done, **save the notebook** (Ctrl+S, or Cmd+S on a Mac) and run the "
    "last cell: the grader checks the notebook file as it is saved on disk."
)


def build_notebook(stub_source: str, exercise_id: str, title: str, description: str = "") -> NotebookNode:
    """The exercise's notebook, generated from its stub file's source."""
    import nbformat  # here, not at the top: `grader check` of a .py file never needs it (~70 ms)

    module_doc, chunks = split_stub(stub_source)
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
