"""A student's code for an exercise, read from a folder or a .zip without running it or
trusting the zip, notebooks by their code cells."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from grader.catalog.course import Course, Exercise
from grader.similarity.sources import MAX_FILE_BYTES, CodeFile, NotCompared, StubCode, notebook_text, read_submission
from tests.conftest import REPO_ROOT
from tests.similarity.authors import ALICE_01
from tests.similarity.planted import STUB_01, notebook_of


@pytest.fixture(scope="module")
def exercises() -> list[tuple[Exercise, StubCode]]:
    chosen = Course.at(REPO_ROOT).select(["exercise_01", "exercise_02"])
    return [(e, StubCode.of(e)) for e in chosen]


def zipped(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_folder_and_a_zip_wrapping_a_folder_give_the_same_code(tmp_path: Path, exercises: list) -> None:
    (tmp_path / "alice" / "exercises").mkdir(parents=True)
    (tmp_path / "alice" / "exercises" / "exercise_01.py").write_text(ALICE_01)
    bob = zipped(tmp_path / "bob.zip", {"bob-lab1/exercise_01.py": ALICE_01, "__MACOSX/bob-lab1/._exercise_01.py": "x"})
    expected = {"exercise_01": CodeFile("exercise_01.py", ALICE_01), "exercise_02": NotCompared.MISSING}
    assert read_submission(tmp_path / "alice", exercises) == expected
    assert read_submission(bob, exercises) == expected


def test_a_notebook_counts_by_its_code_cells_and_beats_the_untouched_py(tmp_path: Path, exercises: list) -> None:
    notebook = notebook_of(ALICE_01, "exercise_01")
    code = read_submission(zipped(tmp_path / "carol.zip", {"exercise_01.py": STUB_01, "exercise_01.ipynb": notebook}),
                           exercises)["exercise_01"]
    assert isinstance(code, CodeFile) and code.name == "exercise_01.ipynb"
    assert code.text == notebook_text(notebook)
    assert code.text.startswith("# In[1]:\ndef corr2d") and "My work" not in code.text  # markdown is not code
    assert 'report = grader.check("exercise_01")' in code.text


def test_what_a_zip_must_not_do_is_not_read(tmp_path: Path, exercises: list) -> None:
    escaping = zipped(tmp_path / "eve.zip", {"../exercise_01.py": ALICE_01, "ok/exercise_02.py": "x = 1\n"})
    assert read_submission(escaping, exercises)["exercise_01"] is NotCompared.MISSING
    huge = zipped(tmp_path / "huge.zip", {"exercise_01.py": b"#" * (MAX_FILE_BYTES + 1)})
    assert read_submission(huge, exercises)["exercise_01"] is NotCompared.UNREADABLE
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not a zip")
    assert set(read_submission(tmp_path / "broken.zip", exercises).values()) == {NotCompared.UNREADABLE}


def test_unreadable_files_and_links_are_left_out(tmp_path: Path, exercises: list) -> None:
    (tmp_path / "dan").mkdir()
    (tmp_path / "dan" / "exercise_01.py").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "dan" / "exercise_02.ipynb").write_text("{ not a notebook")
    found = read_submission(tmp_path / "dan", exercises)
    assert found == {"exercise_01": NotCompared.UNREADABLE, "exercise_02": NotCompared.UNREADABLE}
    (tmp_path / "eve").mkdir()
    os.symlink(REPO_ROOT / "solutions" / "exercise_01.py", tmp_path / "eve" / "exercise_01.py")
    assert read_submission(tmp_path / "eve", exercises)["exercise_01"] is NotCompared.UNREADABLE


def test_the_stub_and_its_notebook_are_the_boilerplate(exercises: list) -> None:
    exercise, stub = exercises[0]
    texts = stub.boilerplate_texts()
    assert texts[0] == STUB_01
    # The cells a generated notebook holds: the imports, the five functions, the check cell.
    assert texts[1].count("# In[") == 7 and texts[1].rstrip().endswith('report = grader.check("exercise_01")')
