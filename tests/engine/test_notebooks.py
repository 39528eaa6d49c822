"""A notebook of the same name is graded like the .py file."""

from __future__ import annotations

import nbformat

from grader.models.results import CheckStatus
from tests.conftest import REPO_ROOT


def _notebook(cells: list[str]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Exercise 01")] + [nbformat.v4.new_code_cell(c) for c in cells]
    return notebook


def test_notebook_submission_is_graded(grade, tmp_path):
    source = (REPO_ROOT / "solutions" / "exercise_01.py").read_text()
    split = source.index("def conv2d")
    notebook = _notebook(["%matplotlib inline\n!pip install nothing", source[:split], source[split:]])
    nbformat.write(notebook, tmp_path / "exercise_01.ipynb")
    result = grade("exercise_01", tmp_path)
    assert result.student_file.endswith("exercise_01.ipynb")
    assert result.points_earned == 20


def test_py_file_wins_over_notebook_and_says_so(grade, tmp_path):
    nbformat.write(_notebook(["raise RuntimeError('not me')"]), tmp_path / "exercise_01.ipynb")
    (tmp_path / "exercise_01.py").write_text((REPO_ROOT / "solutions" / "exercise_01.py").read_text())
    result = grade("exercise_01", tmp_path)
    assert result.points_earned == 20
    # Both differ from the stub: the .py, written last, is graded; the header says why.
    assert result.student_file.endswith("exercise_01.py") and result.file_choice


def test_notebook_error_names_the_cell_line(grade, tmp_path):
    nbformat.write(_notebook(["import torch\n\ndef corr2d(x, k):\n    raise ValueError('boom')"]), tmp_path / "exercise_01.ipynb")
    result = grade("exercise_01", tmp_path)
    check = result.checks[0]
    assert check.status is CheckStatus.ERROR
    assert "corr2d() raised ValueError: boom" in check.message
    assert "exercise_01.ipynb, cell 2, line 4, in corr2d: raise ValueError('boom')" in check.message


def test_missing_file_gives_zero_and_says_where_it_looked(grade, tmp_path):
    result = grade("exercise_01", tmp_path)
    assert result.points_earned == 0
    assert all(c.status is CheckStatus.FAILED for c in result.checks)
    assert "exercise_01.py (or exercise_01.ipynb) not found in" in result.checks[0].message
