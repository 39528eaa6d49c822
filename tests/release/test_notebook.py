"""The notebook generated from a stub: valid, reproducible, the stub's code cell by
cell, and a last cell that grades the saved notebook."""

from __future__ import annotations

import ast

import nbformat
import pytest

import grader
from grader.catalog.notebook_code import check_cell_source, code_digest, generated_from, is_untouched_notebook, stub_digest
from grader.release.notebook import build_notebook, render_notebook
from tests.conftest import REPO_ROOT

STUBS = sorted((REPO_ROOT / "exercises").glob("exercise_*.py"))


def _code(notebook: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in notebook.cells if c.cell_type == "code"]


@pytest.mark.parametrize("stub", STUBS, ids=lambda p: p.stem)
def test_every_stub_gives_a_valid_reproducible_notebook(stub):
    source = stub.read_text()
    text = render_notebook(source, stub.stem, "A title", "A description")
    assert text == render_notebook(source, stub.stem, "A title", "A description")  # byte-identical
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    assert len({c.id for c in notebook.cells}) == len(notebook.cells)
    # One code cell per top-level function or class, after the imports, before the check.
    tree = ast.parse(source)
    defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    code = _code(notebook)
    assert code[0].startswith("from __future__ import annotations")
    assert [ast.parse(c).body[-1].name for c in code[1:-1]] == defined
    assert code[-1] == check_cell_source(stub.stem)
    # Together the code cells are the stub, less its module docstring.
    assert ast.dump(ast.parse("\n\n".join(code[:-1]))) == ast.dump(ast.Module(tree.body[1:], []))


def test_instructions_become_markdown():
    source = (REPO_ROOT / "exercises" / "exercise_01.py").read_text()
    notebook = build_notebook(source, "exercise_01", "Convolution and pooling by hand", "by hand")
    markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    assert markdown[0].startswith("# exercise_01: Convolution and pooling by hand\n\nby hand\n\nExercise 01:")
    assert any(m.startswith("### `corr2d`\n\n2D cross-correlation (PyTorch's convention") for m in markdown)
    assert any(m.startswith("### `conv2d`\n\nThe same result as torch.nn.functional.conv2d.") for m in markdown)


def test_untouched_means_the_same_code():
    source = (REPO_ROOT / "exercises" / "exercise_02.py").read_text()
    notebook = build_notebook(source, "exercise_02", "t")
    assert is_untouched_notebook(notebook, source, "exercise_02")
    notebook.cells[1].source = "I wrote notes here"  # markdown: not work
    assert is_untouched_notebook(notebook, source, "exercise_02")
    code_cell = next(c for c in notebook.cells if c.cell_type == "code" and "def " in c.source)
    code_cell.source = code_cell.source.replace("raise NotImplementedError", "return 0", 1)
    assert not is_untouched_notebook(notebook, source, "exercise_02")


def test_the_notebook_records_what_it_was_generated_from():
    """So that a kit, where the student's .py is the only stub, can still tell work."""
    source = (REPO_ROOT / "exercises" / "exercise_02.py").read_text()
    notebook = build_notebook(source, "exercise_02", "t")
    record = generated_from(notebook)
    assert record is not None and record.exercise_id == "exercise_02"
    assert record.stub_sha256 == stub_digest(source.replace("\n", "\r\n") + "  \n")
    assert record.code_sha256 == code_digest(notebook)
    notebook.cells[-1].outputs = [nbformat.v4.new_output("stream", text="20/20")]
    assert code_digest(notebook) == record.code_sha256
    notebook.cells[-1].source += "\nprint(report)"
    assert code_digest(notebook) != record.code_sha256
    del notebook.metadata["grader"]
    assert generated_from(notebook) is None


def test_the_stub_notebook_grades_to_zero_without_running_its_check_cell(grade, tmp_path):
    source = (REPO_ROOT / "exercises" / "exercise_01.py").read_text()
    (tmp_path / "exercise_01.ipynb").write_text(render_notebook(source, "exercise_01", "t"))
    result = grade("exercise_01", tmp_path)
    assert result.points_earned == 0
    assert all(c.message.startswith("not implemented yet") for c in result.checks)


class _FakeKernel:
    """What grader.check reads of IPython's shell: the namespace and the execution count."""

    def __init__(self, user_ns: dict[str, object], execution_count: int) -> None:
        self.user_ns = user_ns
        self.execution_count = execution_count


def test_the_last_cell_grades_the_saved_notebook(tmp_path, monkeypatch, capsys):
    """The check cell, run as Jupyter would, on a notebook holding the reference solution."""
    solution = (REPO_ROOT / "solutions" / "exercise_01.py").read_text()
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "exercise_01.py").write_text((REPO_ROOT / "exercises" / "exercise_01.py").read_text())
    notebook = build_notebook(solution, "exercise_01", "Convolution and pooling by hand")
    path = tmp_path / "exercises" / "exercise_01.ipynb"
    nbformat.write(notebook, path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRADER_COURSE", str(REPO_ROOT))  # a student's folder outside the course
    monkeypatch.setenv("COLUMNS", "400")  # rich's width: the header on one line
    # The kernel ran `x = 1` as In [1] and the notebook was not saved since.
    kernel = _FakeKernel({"__vsc_ipynb_file__": str(path), "In": ["", "x = 1"]}, execution_count=2)
    monkeypatch.setattr("grader.notebook._kernel", lambda: kernel)
    namespace: dict[str, object] = {}
    exec(notebook.cells[-1].source, namespace)
    report = namespace["report"]
    assert isinstance(report, grader.models.results.SubmissionReport)
    assert report.points_earned == report.points_possible == 20
    (result,) = report.exercises
    assert result.student_file == str(path)
    shown = capsys.readouterr().out
    assert shown.startswith("warning: the notebook on disk does not hold In [1], the last cell you ran")
    assert "graded exercise_01.ipynb (the notebook grader.check() ran in)" in shown
    assert "Total: 20/20 points (100%)" in shown


def test_import_grader_stays_light():
    """`import grader` in a notebook's first cell costs nothing: no torch, no rich."""
    import subprocess
    import sys

    code = "import grader, sys; print(callable(grader.check), 'torch' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "False"]


def _in_chinese(source: str) -> str:
    """The stub as a zh kit ships it: its docstrings translated, its code the same."""
    from grader.i18n import use_language
    from grader.release.stub_language import translate_docstrings

    with use_language("zh", REPO_ROOT / "locale"):
        return translate_docstrings(source)


@pytest.mark.parametrize("stub", STUBS, ids=lambda p: p.stem)
def test_a_stub_with_translated_docstrings_is_the_same_untouched_stub(stub):
    """A zh kit's stub differs from the course's only in its docstrings: the course's
    grader (and `grader check` in the course on a kit student's folder) must still see
    the untouched stub, as a .py and as the notebook generated from it."""
    source = stub.read_text(encoding="utf-8")
    chinese = _in_chinese(source)
    assert chinese != source  # the course's catalog translates the instructions
    assert stub_digest(chinese) == stub_digest(source)
    assert stub_digest(chinese.replace("\n", "\r\n")) == stub_digest(source)
    notebook = build_notebook(chinese, stub.stem, "标题")
    assert is_untouched_notebook(notebook, source, stub.stem)
    assert generated_from(notebook).code_sha256 == code_digest(build_notebook(source, stub.stem, "t"))
    # Changing a function's body is work, in either language.
    worked = chinese.replace("raise NotImplementedError", "return None", 1)
    assert stub_digest(worked) != stub_digest(source)
    code_cell = next(c for c in notebook.cells if c.cell_type == "code" and "raise NotImplementedError" in c.source)
    code_cell.source = code_cell.source.replace("raise NotImplementedError", "return None", 1)
    assert not is_untouched_notebook(notebook, source, stub.stem)


def test_only_docstrings_are_left_out_of_the_digest():
    source = 'def f(x):\n    """Doc."""\n    # a comment\n    return x  # 注释\n'
    assert stub_digest(source) == stub_digest('def f(x):\n    """另一个说明，\n    两行。"""\n    # a comment\n    return x  # 注释\n')
    assert stub_digest(source) == stub_digest('def f(x):\n    # a comment\n    return x  # 注释\n')
    assert stub_digest(source) != stub_digest(source.replace("# a comment", "# my comment"))
    assert stub_digest(source) != stub_digest(source.replace('"""Doc."""', 'x = "Doc."'))
    # A docstring sharing its line with code, and one after non-ASCII text on its line.
    assert stub_digest('def f(): """Doc."""; return 1\n') == stub_digest('def f(): """说明。"""; return 1\n')
    assert stub_digest('class 类: """Doc."""\n') == stub_digest('class 类: """说明。"""\n')
    # Code that does not parse is compared as text, docstrings and all.
    assert stub_digest('def f(:\n    """Doc."""\n') != stub_digest('def f(:\n    """说明。"""\n')
    assert stub_digest('def f(:\n    """Doc."""\n') == stub_digest('def f(:\r\n    """Doc."""  \r\n')

