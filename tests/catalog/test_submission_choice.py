"""Both exercise_NN.py and exercise_NN.ipynb: the one the student worked on is graded."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from grader.catalog.submission import find_student_file, read_stub
from grader.i18n import use_language
from grader.catalog.notebook_code import code_digest, stub_digest
from grader.release.notebook import build_notebook, render_notebook
from grader.release.stub_language import translate_docstrings
from tests.conftest import REPO_ROOT

STUB = (REPO_ROOT / "exercises" / "exercise_01.py").read_text()
SOLUTION = (REPO_ROOT / "solutions" / "exercise_01.py").read_text()


def _folder(tmp_path: Path, py: str, notebook_from: str) -> Path:
    (tmp_path / "exercise_01.py").write_text(py)
    (tmp_path / "exercise_01.ipynb").write_text(render_notebook(notebook_from, "exercise_01", "t"))
    return tmp_path


def _saved_at(path: Path, when: int) -> None:
    os.utime(path, (when, when))


def test_stub_py_and_worked_notebook_grades_the_notebook(tmp_path):
    folder = _folder(tmp_path, STUB, SOLUTION)
    _saved_at(folder / "exercise_01.py", 2_000_000_000)  # the stub is newer: it still loses
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", STUB)
    assert chosen.path == folder / "exercise_01.ipynb"
    assert chosen.choice == "exercise_01.py is the untouched stub"
    assert chosen.note == ""


def test_worked_py_and_stub_notebook_grades_the_py(tmp_path):
    folder = _folder(tmp_path, SOLUTION, STUB)
    _saved_at(folder / "exercise_01.ipynb", 2_000_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", STUB)
    assert chosen.path == folder / "exercise_01.py"
    assert chosen.choice == "exercise_01.ipynb is the untouched stub"


def test_a_run_notebook_with_outputs_is_still_untouched(tmp_path):
    folder = _folder(tmp_path, SOLUTION, STUB)
    notebook = build_notebook(STUB, "exercise_01", "t")
    for count, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.outputs = [nbformat.v4.new_output("stream", text="ran\n")]
    notebook.cells[0].source += "\n\nMy notes."  # markdown is not code
    nbformat.write(notebook, folder / "exercise_01.ipynb")
    assert find_student_file(folder, "exercise_01.py", "exercise_01", STUB).path == folder / "exercise_01.py"


def test_line_endings_do_not_make_a_stub_look_worked(tmp_path):
    folder = _folder(tmp_path, STUB.replace("\n", "\r\n"), SOLUTION)
    assert find_student_file(folder, "exercise_01.py", "exercise_01", STUB).path == folder / "exercise_01.ipynb"


def test_both_worked_grades_the_newer(tmp_path):
    worked = SOLUTION + "\n# my own touch\n"
    folder = _folder(tmp_path, worked, SOLUTION)
    _saved_at(folder / "exercise_01.py", 1_700_000_000)
    _saved_at(folder / "exercise_01.ipynb", 1_800_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", STUB)
    assert chosen.path == folder / "exercise_01.ipynb"
    assert chosen.choice == "both differ from the stub; exercise_01.ipynb was saved last"
    _saved_at(folder / "exercise_01.py", 1_900_000_000)
    assert find_student_file(folder, "exercise_01.py", "exercise_01", STUB).path == folder / "exercise_01.py"


def test_an_unreadable_notebook_counts_as_work(tmp_path):
    folder = _folder(tmp_path, STUB, STUB)
    (folder / "exercise_01.ipynb").write_text("{ not json")
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", STUB)
    assert chosen.path == folder / "exercise_01.ipynb"  # graded, so the student sees why it fails


def _worked_notebook(folder: Path, edit: str) -> None:
    """The generated notebook with one code cell edited, saved as Jupyter saves it
    (metadata kept)."""
    notebook = build_notebook(STUB, "exercise_01", "t")
    cell = next(c for c in notebook.cells if c.cell_type == "code" and "def corr2d" in c.source)
    cell.source = cell.source.replace("raise NotImplementedError", edit)
    nbformat.write(notebook, folder / "exercise_01.ipynb")


def test_in_a_kit_the_notebook_record_tells_the_stub_from_work(tmp_path):
    """A kit's student works in the course folder itself: its stub *is* their .py, so
    there is no stub to compare with; the generated notebook's record stands in."""
    folder = _folder(tmp_path, STUB, STUB)
    assert read_stub(folder / "exercise_01.py", folder, "exercise_01.py") is None
    _worked_notebook(folder, "return x")
    # A fresh CI checkout gives both files the same time: the times cannot decide.
    _saved_at(folder / "exercise_01.py", 1_800_000_000)
    _saved_at(folder / "exercise_01.ipynb", 1_800_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", None)
    assert (chosen.path, chosen.choice) == (folder / "exercise_01.ipynb", "exercise_01.py is the untouched stub")


def test_in_a_kit_a_worked_py_beats_the_untouched_notebook(tmp_path):
    folder = _folder(tmp_path, SOLUTION.replace("\n", "\r\n"), STUB)
    _saved_at(folder / "exercise_01.ipynb", 1_900_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", None)
    assert (chosen.path, chosen.choice) == (folder / "exercise_01.py", "exercise_01.ipynb is the untouched stub")


def _without_record(folder: Path, source: str) -> None:
    notebook = build_notebook(source, "exercise_01", "t")
    del notebook.metadata["grader"]
    nbformat.write(notebook, folder / "exercise_01.ipynb")


def test_no_stub_and_no_record_the_one_saved_last(tmp_path):
    folder = _folder(tmp_path, SOLUTION, STUB)
    _without_record(folder, STUB)
    _saved_at(folder / "exercise_01.py", 1_700_000_000)
    _saved_at(folder / "exercise_01.ipynb", 1_800_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", None)
    assert (chosen.path, chosen.choice) == (folder / "exercise_01.ipynb", "exercise_01.ipynb was saved last")


def test_no_stub_and_no_record_but_the_same_code_grades_the_py(tmp_path):
    folder = _folder(tmp_path, SOLUTION, SOLUTION)
    _without_record(folder, SOLUTION)
    _saved_at(folder / "exercise_01.ipynb", 2_000_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", None)
    assert (chosen.path, chosen.choice) == (folder / "exercise_01.py", "exercise_01.ipynb holds the same code")


def test_graded_end_to_end_the_header_names_the_notebook(grade, tmp_path):
    folder = _folder(tmp_path, STUB, SOLUTION)
    _saved_at(folder / "exercise_01.py", 2_000_000_000)
    result = grade("exercise_01", folder)
    assert result.points_earned == 20
    assert Path(result.student_file).name == "exercise_01.ipynb"
    assert result.file_choice == "exercise_01.py is the untouched stub"
    assert result.message == ""  # said in the header, not in a note under the table


def _in_chinese(source: str) -> str:
    """The stub as a zh kit ships it: its docstrings translated, its code the same."""
    with use_language("zh", REPO_ROOT / "locale"):
        return translate_docstrings(source)


def test_a_zh_kit_folder_graded_against_the_course_stub(tmp_path):
    """`grader grade` on the course (or `grader check` in the course on a kit student's
    folder) compares with the English stub: the kit's untouched Chinese files still
    count as the stub."""
    chinese_stub = _in_chinese(STUB)
    folder = _folder(tmp_path, chinese_stub, SOLUTION)
    _saved_at(folder / "exercise_01.py", 2_000_000_000)  # the stub is newer: it still loses
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", STUB)
    assert (chosen.path, chosen.choice) == (folder / "exercise_01.ipynb", "exercise_01.py is the untouched stub")
    folder = _folder(tmp_path, SOLUTION, chinese_stub)
    _saved_at(folder / "exercise_01.ipynb", 2_000_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", STUB)
    assert (chosen.path, chosen.choice) == (folder / "exercise_01.py", "exercise_01.ipynb is the untouched stub")


def test_a_notebook_recorded_before_docstrings_stopped_counting_still_tells_the_stub(tmp_path):
    """Kits released earlier recorded digests of the code with its docstrings; their
    students' untouched files (docstrings as released) still match them."""
    stub = _in_chinese(STUB)
    assert stub_digest(stub, docstrings=True) != stub_digest(stub)
    folder = _folder(tmp_path, stub, stub)
    notebook = build_notebook(stub, "exercise_01", "t")
    notebook.metadata["grader"]["stub_sha256"] = stub_digest(stub, docstrings=True)
    notebook.metadata["grader"]["code_sha256"] = code_digest(notebook, docstrings=True)
    cell = next(c for c in notebook.cells if c.cell_type == "code" and "def corr2d" in c.source)
    cell.source = cell.source.replace("raise NotImplementedError", "return x")
    nbformat.write(notebook, folder / "exercise_01.ipynb")
    _saved_at(folder / "exercise_01.py", 1_800_000_000)
    _saved_at(folder / "exercise_01.ipynb", 1_800_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", None)
    assert (chosen.path, chosen.choice) == (folder / "exercise_01.ipynb", "exercise_01.py is the untouched stub")
    # And the untouched notebook matches its older code digest.
    folder = _folder(tmp_path, SOLUTION, stub)
    notebook = build_notebook(stub, "exercise_01", "t")
    notebook.metadata["grader"]["code_sha256"] = code_digest(notebook, docstrings=True)
    nbformat.write(notebook, folder / "exercise_01.ipynb")
    _saved_at(folder / "exercise_01.py", 1_800_000_000)
    _saved_at(folder / "exercise_01.ipynb", 1_800_000_000)
    chosen = find_student_file(folder, "exercise_01.py", "exercise_01", None)
    assert (chosen.path, chosen.choice) == (folder / "exercise_01.py", "exercise_01.ipynb is the untouched stub")
