"""When two exercise files are the same file: line endings and trailing newlines do not count."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grader.catalog.identical import content_key, identical, normalise_text

SOURCE = "import torch\n\n\ndef corr2d(x, k):\n    return x\n"


def _write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("variant", [
    SOURCE.replace("\n", "\r\n"),  # Windows
    SOURCE.replace("\n", "\r"),  # old Mac
    SOURCE + "\n\n\n",
    SOURCE.rstrip("\n"),
    SOURCE.replace("\n", "\r\n") + "\r\n\r\n",
])
def test_line_endings_and_trailing_newlines_do_not_count(tmp_path: Path, variant: str) -> None:
    first = _write(tmp_path, "a.py", SOURCE.encode())
    second = _write(tmp_path, "b.py", variant.encode())
    assert identical(first, second)


@pytest.mark.parametrize("variant", [
    SOURCE.replace("return x", "return k"),
    SOURCE.replace("    return", "\treturn"),  # indentation is code
    SOURCE + "# a comment\n",
    "\n" + SOURCE,  # a leading newline moves every line: messages quote line numbers
    SOURCE.replace("\n\n\n", "\n\n"),
])
def test_any_other_change_makes_another_file(tmp_path: Path, variant: str) -> None:
    assert not identical(_write(tmp_path, "a.py", SOURCE.encode()), _write(tmp_path, "b.py", variant.encode()))


def test_normalised_text() -> None:
    assert normalise_text(b"a\r\nb\rc\n\n") == b"a\nb\nc\n"
    assert normalise_text(b"") == normalise_text(b"\n\n") == b""


def _notebook(folder: Path, name: str, cells: list[str], count: int | None = 1, output: str = "") -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Exercise 01")]
    for source in cells:
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        if output:
            cell.outputs = [nbformat.v4.new_output("stream", text=output)]
        notebook.cells.append(cell)
    notebook.metadata["kernelspec"] = {"name": output or "python3"}
    path = folder / name
    nbformat.write(notebook, str(path))
    return path


def test_a_notebook_is_keyed_on_its_code_as_it_runs(tmp_path: Path) -> None:
    plain = _notebook(tmp_path, "a.ipynb", ["x = 1", "def f():\n    return x"])
    # Outputs and metadata are not code; CRLF inside a cell is a line ending like any other.
    ran = _notebook(tmp_path, "b.ipynb", ["x = 1", "def f():\r\n    return x\r\n"], output="1\n")
    assert identical(plain, ran)
    # Messages quote `In [n]`: another execution count is another file.
    assert not identical(plain, _notebook(tmp_path, "c.ipynb", ["x = 1", "def f():\n    return x"], count=2))
    assert not identical(plain, _notebook(tmp_path, "d.ipynb", ["x = 2", "def f():\n    return x"]))


def test_a_notebook_and_a_py_file_are_never_identical(tmp_path: Path) -> None:
    notebook = _notebook(tmp_path, "a.ipynb", [SOURCE])
    assert content_key(notebook) != content_key(_write(tmp_path, "a.py", SOURCE.encode()))


def test_an_unreadable_notebook_is_keyed_on_its_bytes(tmp_path: Path) -> None:
    broken = _write(tmp_path, "a.ipynb", b"{not json\r\n")
    assert identical(broken, _write(tmp_path, "b.ipynb", b"{not json\n"))
    assert not identical(broken, _write(tmp_path, "c.ipynb", b"{not json either\n"))
