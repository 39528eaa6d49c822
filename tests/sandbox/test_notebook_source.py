"""How notebook cells become Python (child side, no sandbox needed)."""

from __future__ import annotations

import inspect
from pathlib import Path

import nbformat
import pytest

from grader.sandbox.notebook import cell_label, python_source, read_cells, run_cells


@pytest.mark.parametrize(
    ("cell", "python"),
    [
        ("%matplotlib inline\nx = 1", "pass\nx = 1\n"),
        ("  !pip install torch", "  pass\n"),
        ("if True:\n    %time y = 2\n", "if True:\n    pass\n"),
        # Not magics: a `%` continuing an expression, a `!` inside a string.
        ("r = (7\n     % 4)", "r = (7\n     % 4)\n"),
        ('s = """\n!not a shell line\n"""', 's = """\n!not a shell line\n"""\n'),
        ("%%time\nz = 3", "\nz = 3\n"),
    ],
)
def test_magics_become_pass_and_lines_keep_their_numbers(cell, python):
    assert python_source(cell) == python


def test_cell_magics_other_than_python_ones_drop_the_cell():
    assert python_source("\n%%bash\necho hi") is None
    assert python_source("%%writefile helper.py\nx = 1") is None


def test_cells_are_counted_over_all_cells_with_in_labels(tmp_path: Path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("a = 1", execution_count=4),
        nbformat.v4.new_raw_cell("raw"),
        nbformat.v4.new_code_cell("def f():\n    return a"),
    ]
    nbformat.write(notebook, tmp_path / "ex.ipynb")
    cells = read_cells(tmp_path / "ex.ipynb")
    assert [c.label for c in cells] == ["cell 2 (In [4])", "cell 4"]
    assert cell_label(cells[0].filename("ex.ipynb"), "ex.ipynb") == "cell 2 (In [4])"
    assert cell_label(cells[0].filename("ex.ipynb"), "other.ipynb") is None
    namespace: dict[str, object] = {}
    run_cells(cells, "ex.ipynb", namespace)
    # Registered with linecache: tools that read a function's source (torch.compile) work.
    assert inspect.getsource(namespace["f"]) == "def f():\n    return a\n"


def test_a_future_import_must_open_its_cell_as_in_jupyter(tmp_path: Path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1\nfrom __future__ import annotations")]
    nbformat.write(notebook, tmp_path / "ex.ipynb")
    with pytest.raises(SyntaxError) as raised:
        run_cells(read_cells(tmp_path / "ex.ipynb"), "ex.ipynb", {})
    assert (raised.value.filename, raised.value.lineno) == ("<ex.ipynb, cell 1>", 2)
