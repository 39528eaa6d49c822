"""Which exercise files of a submission may share a result, and under which key."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from grader.batch.entries import Entry
from grader.batch.shared_files import submission_files
from grader.catalog.course import Course
from tests.conftest import REPO_ROOT

COURSE = Course.at(REPO_ROOT)
EXERCISES = COURSE.select(["exercise_01", "exercise_02"])
USES_HELPER = "from helpers import corr2d\n"


def _folder(root: Path, name: str, files: dict[str, str | bytes]) -> Entry:
    path = root / name
    path.mkdir(parents=True)
    for relative, content in files.items():
        (path / relative).parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        (path / relative).write_bytes(data)
    return Entry(name, path)


def _keys(entry: Entry, scratch: Path) -> dict[str, str]:
    return {e: f.key for e, f in submission_files(entry, EXERCISES, scratch).files.items()}


def test_the_same_file_has_the_same_key_whatever_else_the_folder_holds(tmp_path: Path) -> None:
    plain = _keys(_folder(tmp_path, "a", {"exercise_01.py": "x = 1\n"}), tmp_path / "scratch")
    windows = _keys(_folder(tmp_path, "b", {"exercise_01.py": b"x = 1\r\n\r\n", "notes.md": "my notes",
                                            "exercise_02.py": "y = 2\n"}), tmp_path / "scratch")
    assert plain["exercise_01"] == windows["exercise_01"]
    assert "exercise_02" not in plain and "exercise_02" in windows


def test_a_folder_entry_the_file_names_is_part_of_its_key(tmp_path: Path) -> None:
    one = _keys(_folder(tmp_path, "a", {"exercise_01.py": USES_HELPER, "helpers.py": "def corr2d(): pass\n"}),
                tmp_path / "scratch")
    other = _keys(_folder(tmp_path, "b", {"exercise_01.py": USES_HELPER, "helpers.py": "def corr2d(): 1\n"}),
                  tmp_path / "scratch")
    same = _keys(_folder(tmp_path, "c", {"exercise_01.py": USES_HELPER, "helpers.py": "def corr2d(): pass\n",
                                         "unrelated.txt": "x"}), tmp_path / "scratch")
    assert one["exercise_01"] != other["exercise_01"]
    assert one["exercise_01"] == same["exercise_01"]
    # Another exercise's file counts only when named (exercise_06 importing exercise_05's Net).
    names_02 = _keys(_folder(tmp_path, "d", {"exercise_01.py": "import exercise_02\n", "exercise_02.py": "a\n"}),
                     tmp_path / "scratch")
    names_02_other = _keys(_folder(tmp_path, "e", {"exercise_01.py": "import exercise_02\n", "exercise_02.py": "b\n"}),
                           tmp_path / "scratch")
    assert names_02["exercise_01"] != names_02_other["exercise_01"]
    assert names_02["exercise_02"] != names_02_other["exercise_02"]


def test_a_py_file_and_a_notebook_for_one_exercise_are_graded_on_their_own(tmp_path: Path) -> None:
    files = submission_files(_folder(tmp_path, "a", {"exercise_01.py": "x\n", "exercise_01.ipynb": "{}",
                                                     "exercise_02.py": "y\n"}), EXERCISES, tmp_path / "scratch")
    assert set(files.files) == {"exercise_02"}


def test_a_link_out_of_the_folder_is_not_shared(tmp_path: Path) -> None:
    outside = tmp_path / "solutions.py"
    outside.write_text("x = 1\n")
    entry = _folder(tmp_path, "a", {})
    (entry.path / "exercise_01.py").symlink_to(outside)
    assert submission_files(entry, EXERCISES, tmp_path / "scratch").files == {}


def test_a_zip_is_keyed_like_the_folder_it_holds_and_unpacked_only_meanwhile(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "a", {"exercise_01.py": "x = 1\n"})
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("lab/exercise_01.py", "x = 1\r\n")
    scratch = tmp_path / "scratch"
    files = submission_files(Entry("b", archive), EXERCISES, scratch)
    assert str(files.folder) == "lab"
    assert files.files["exercise_01"].key == _keys(folder, scratch)["exercise_01"]
    assert not scratch.exists()


@pytest.mark.parametrize("content", [b"PK\x03\x04 not a zip"])
def test_an_unreadable_zip_shares_nothing(tmp_path: Path, content: bytes) -> None:
    archive = tmp_path / "b.zip"
    archive.write_bytes(content)
    assert submission_files(Entry("b", archive), EXERCISES, tmp_path / "scratch").files == {}
