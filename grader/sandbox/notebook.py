"""Run a notebook the way Jupyter does: cell by cell, in one namespace. Child side only.

A notebook is not joined into one script. Each code cell is compiled on its own, so
a `from __future__ import annotations` in cell 3 is legal (it must open its cell, as
in IPython) and stays in force for the cells after it, as IPython's compiler does.
IPython magics (`%time`, a `%%bash` cell) and shell lines (`!pip install ...`) mean
nothing to plain Python: they are skipped, keeping every other line where it was.

Each cell is compiled under a name that says where it is, `<exercise_02.ipynb, cell 4
(In [7])>`, and registered with linecache: tracebacks, syntax errors and
`inspect.getsource` then speak of the student's cells and lines, never of the JSON.
Cells are numbered 1, 2, ... over all cells, markdown included, as Jupyter's and
VS Code's status bars count them; the `In [n]` label is added when the saved
notebook has one.
"""

from __future__ import annotations

import __future__
import functools
import io
import linecache
import operator
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Set in the sandbox before student code runs: a generated notebook's last cell calls
# grader.check(), which must then do nothing.
GRADING_ENV = "GRADER_GRADING"
# Cell magics whose body is Python that IPython runs in the user's namespace.
_PYTHON_CELL_MAGICS = frozenset({"time", "capture"})
_FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)
_CELL_NAME = re.compile(r"^<(?P<notebook>.+?), (?P<cell>cell (?P<number>\d+)(?: \(In \[(?P<execution>\d+)\]\))?)>$")


@dataclass(frozen=True)
class NotebookCell:
    """One code cell as it will run."""

    number: int  # 1-based, over all the notebook's cells
    execution_count: int | None
    source: str  # magics and shell lines replaced, line numbers kept

    @property
    def label(self) -> str:
        """What the student can find in their notebook: `cell 4`, or `cell 4 (In [7])`."""
        if self.execution_count is None:
            return f"cell {self.number}"
        return f"cell {self.number} (In [{self.execution_count}])"

    def filename(self, notebook_name: str) -> str:
        return f"<{notebook_name}, {self.label}>"


def cell_label(filename: str, notebook_name: str) -> str | None:
    """`cell 4 (In [7])` for a filename made by NotebookCell.filename for the notebook
    `notebook_name`; None for any other file."""
    match = _CELL_NAME.match(filename)
    if match is None or match["notebook"] != notebook_name:
        return None
    return match["cell"]


def cell_position(filename: str, notebook_name: str) -> tuple[int, int] | None:
    """(cell number, its `In [n]` or 0) for a filename made by NotebookCell.filename for
    the notebook `notebook_name`; None for any other file."""
    match = _CELL_NAME.match(filename)
    if match is None or match["notebook"] != notebook_name:
        return None
    return int(match["number"]), int(match["execution"] or 0)


def _starts_statement(code_before: str) -> bool:
    """Whether the line after `code_before` begins a new statement (not inside an open
    bracket, a string or a backslash continuation), as IPython decides for magics."""
    try:
        for _ in tokenize.generate_tokens(io.StringIO(code_before).readline):
            pass
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return False
    return True


def python_source(cell_source: str) -> str | None:
    """The cell as plain Python, or None when the whole cell is a non-Python cell magic.

    A magic or shell line becomes `pass` at its indentation (it may be a block's only
    statement), so every other line keeps its number.
    """
    lines = cell_source.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in _PYTHON_CELL_MAGICS:
            return None
        lines[first] = ""  # %%time, %%capture: the body is Python; the magic line is not
    kept: list[str] = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) and _starts_statement("\n".join(kept) + "\n"):
            kept.append(line[: len(line) - len(stripped)] + "pass")
        else:
            kept.append(line)
    return "\n".join(kept) + "\n"


def read_cells(path: Path) -> list[NotebookCell]:
    """The notebook's code cells, in order, as they will run."""
    import nbformat  # imported lazily: only notebooks need it

    notebook = nbformat.read(str(path), as_version=4)
    cells: list[NotebookCell] = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        source = python_source(cell.source)
        if source is not None:
            count = cell.get("execution_count")
            cells.append(NotebookCell(number, count if isinstance(count, int) else None, source))
    return cells


def run_cells(cells: list[NotebookCell], notebook_name: str, namespace: dict[str, Any]) -> None:
    """Execute the cells in order in `namespace`; the first error propagates, as
    "Run All" stops at it."""
    # A __future__ import stays in force for the cells after it, as in IPython (whose
    # codeop-based compiler does the same; codeop's own flags would turn an unclosed
    # bracket into a vague "incomplete input").
    future_flags = 0
    for cell in cells:
        filename = cell.filename(notebook_name)
        # mtime None: linecache.checkcache keeps the entry (there is no file to re-read).
        linecache.cache[filename] = (len(cell.source), None, cell.source.splitlines(True), filename)
        code = compile(cell.source, filename, "exec", flags=future_flags, dont_inherit=True)
        future_flags |= code.co_flags & _FUTURE_FLAGS
        exec(code, namespace)
