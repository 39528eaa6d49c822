"""A notebook is graded the way Jupyter runs it: cell by cell, in one namespace.

Errors name the cell (counted over all cells, markdown included, as Jupyter and
VS Code count them; with `In [n]` when the saved notebook has it) and the line
within the cell, never a line of the notebook's JSON.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from grader.models.results import CheckStatus
from tests.conftest import REPO_ROOT

SOLUTION = (REPO_ROOT / "solutions" / "exercise_01.py").read_text()
# The solution without its docstring and __future__ import, to place those in cells of our choosing.
BODY = SOLUTION.split("import torch\n", 1)[1]


def _write(folder: Path, *cells: str, counts: dict[int, int] | None = None) -> Path:
    """A notebook whose cell 1 is markdown and whose cells 2, 3, ... are `cells`."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Exercise 01")]
    for number, source in enumerate(cells, start=2):
        cell = nbformat.v4.new_code_cell(source)
        cell.execution_count = (counts or {}).get(number)
        notebook.cells.append(cell)
    nbformat.write(notebook, folder / "exercise_01.ipynb")
    return folder


def test_future_import_in_cell_3_grades_fine_and_holds_for_later_cells(grade, tmp_path):
    _write(
        tmp_path,
        "import torch",
        "from __future__ import annotations\n" + BODY,
        # Without the __future__ import still in force, this annotation would raise NameError.
        "def helper(x: NotDefinedAnywhere) -> None:\n    pass",
    )
    result = grade("exercise_01", tmp_path)
    assert result.points_earned == result.points_possible == 20
    assert all(c.status is CheckStatus.PASSED for c in result.checks)


def test_syntax_error_in_cell_2_names_the_cell_and_its_line(grade, tmp_path):
    _write(tmp_path, "import torch\n\ndef corr2d(x, k:\n    return x", BODY)
    result = grade("exercise_01", tmp_path)
    check = result.checks[0]
    assert check.status is CheckStatus.ERROR
    # Said once: the cell and the line within it, the parser's message, then the line itself.
    assert check.message == "exercise_01.ipynb has a syntax error in cell 2, line 3: '(' was never closed\n" \
                            "    def corr2d(x, k:"
    assert '"source"' not in check.message and "\\n" not in check.message


def test_exception_in_a_called_function_names_the_cell_and_line(grade, tmp_path):
    _write(
        tmp_path,
        "import torch",
        BODY + "\n\ndef corr2d(x, k):\n    h = x.shape[0]\n    raise ValueError('boom')",
        counts={3: 7},
    )
    check = next(c for c in grade("exercise_01", tmp_path).checks if c.id == "corr2d_lecture_example")
    assert check.status is CheckStatus.ERROR
    line = len((BODY + "\n\ndef corr2d(x, k):\n    h = x.shape[0]\n").splitlines()) + 1
    assert check.message == (
        "corr2d() raised ValueError: boom\n"
        f"  exercise_01.ipynb, cell 3 (In [7]), line {line}, in corr2d: raise ValueError('boom')"
    )


def test_exception_while_running_the_cells_names_the_cell(grade, tmp_path):
    _write(tmp_path, "import torch", BODY, "x = 1\nnumbers = [1, 2]\nnumbers[5]")
    check = grade("exercise_01", tmp_path).checks[0]
    assert check.status is CheckStatus.ERROR
    assert check.message == (
        "importing exercise_01.ipynb raised IndexError: list index out of range\n"
        "  exercise_01.ipynb, cell 4, line 3, in <module>: numbers[5]"
    )


def test_magics_and_shell_lines_are_skipped(grade, tmp_path):
    _write(
        tmp_path,
        "%matplotlib inline\n!pip install nothing\nimport torch",
        "%%bash\necho this is not Python (\n",
        "%%time\n" + BODY,
        # A shell line as a block's only statement; a `%` continuing an expression is Python.
        "for _ in range(1):\n    !echo hi\nratio = (7\n         % 4)\nassert ratio == 3",
    )
    result = grade("exercise_01", tmp_path)
    assert result.points_earned == 20, [c.message for c in result.checks if c.status is not CheckStatus.PASSED]


def test_a_grader_check_call_in_graded_code_does_nothing(grade, variant):
    # The generated notebook's last cell is such a call; a .py may hold one too.
    folder = variant("exercise_01", "import grader\n\nassert grader.check('exercise_01') is None\n")
    assert grade("exercise_01", folder).points_earned == 20
