"""grader.check() in a notebook: which file it grades, and what it says of unsaved runs."""

from __future__ import annotations

import nbformat
import pytest

from grader.catalog.notebook_file import find_notebook, unsaved_run
from grader.errors import SubmissionNotFound


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    return path


def test_the_notebook_vscode_names_comes_first(tmp_path):
    mine = _touch(tmp_path / "elsewhere" / "my copy.ipynb")
    _touch(tmp_path / "exercises" / "exercise_03.ipynb")
    found = find_notebook("exercise_03.py", user_ns={"__vsc_ipynb_file__": str(mine)}, environ={}, cwd=tmp_path)
    assert (found.path, found.why) == (mine, "the notebook grader.check() ran in")


def test_jupyter_session_name_relative_to_the_server_root(tmp_path):
    # The server root is unknown; the kernel runs in the notebook's folder.
    mine = _touch(tmp_path / "exercise_03.ipynb")
    environ = {"JPY_SESSION_NAME": "course/exercises/exercise_03.ipynb"}
    assert find_notebook("exercise_03.py", user_ns={}, environ=environ, cwd=tmp_path).path == mine


def test_without_a_kernel_hint_the_exercises_folder_then_the_working_folder(tmp_path):
    here = _touch(tmp_path / "exercise_03.ipynb")
    assert find_notebook("exercise_03.py", user_ns={}, environ={}, cwd=tmp_path).path == here
    nested = _touch(tmp_path / "exercises" / "exercise_03.ipynb")
    found = find_notebook("exercise_03.py", user_ns={}, environ={}, cwd=tmp_path)
    assert (found.path, found.why) == (nested, f"found in {tmp_path / 'exercises'}")


def test_an_explicit_path_wins_and_must_exist(tmp_path):
    mine = _touch(tmp_path / "x.ipynb")
    assert find_notebook("exercise_03.py", mine.relative_to(tmp_path), user_ns={}, environ={}, cwd=tmp_path).path == mine
    with pytest.raises(SubmissionNotFound, match="does not exist"):
        find_notebook("exercise_03.py", tmp_path / "missing.ipynb", user_ns={}, environ={}, cwd=tmp_path)


def test_nothing_found_says_where_it_looked_and_what_to_pass(tmp_path):
    with pytest.raises(SubmissionNotFound) as raised:
        find_notebook("exercise_03.py", user_ns={}, environ={}, cwd=tmp_path)
    assert str(tmp_path / "exercises" / "exercise_03.ipynb") in raised.value.message
    assert 'grader.check("exercise_03", notebook=' in raised.value.hint


def _saved(*cells: tuple[str, int | None]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    for source, count in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.execution_count = count
        notebook.cells.append(cell)
    return notebook


HISTORY = ["", "import torch", "def f():\n    return 1", 'grader.check("exercise_03")']


def test_saved_after_the_last_run_is_quiet():
    notebook = _saved(("import torch", 1), ("def f():\n    return 1\n", 2), ('grader.check("exercise_03")', None))
    assert unsaved_run(notebook, HISTORY, current=3) is None
    # Checking again (In [4]) looks past earlier check calls.
    assert unsaved_run(notebook, [*HISTORY, 'grader.check("exercise_03")'], current=4) is None


def test_a_cell_run_but_not_saved_is_reported():
    stale = _saved(("import torch", 1), ("def f():\n    raise NotImplementedError", None))
    warning = unsaved_run(stale, HISTORY, current=3)
    assert warning is not None and "In [2]" in warning and "save the notebook" in warning


def test_same_label_other_code_is_reported():
    # Saved by an earlier kernel session whose In [2] was different code.
    other = _saved(("import torch", 1), ("def f():\n    return 0", 2))
    assert unsaved_run(other, HISTORY, current=3) is not None


def test_magics_are_matched_by_label():
    history = ["", "get_ipython().run_line_magic('matplotlib', 'inline')"]
    assert unsaved_run(_saved(("%matplotlib inline", 1)), history, current=2) is None


def test_a_fresh_kernel_with_nothing_run_is_quiet():
    assert unsaved_run(_saved(("import torch", None)), ["", 'grader.check("exercise_03")'], current=1) is None
