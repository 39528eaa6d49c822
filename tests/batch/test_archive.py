"""Zip extraction refuses whatever could escape the folder or exhaust the disk."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from grader.batch.archive import ArchiveLimits, UnsafeArchive, extract_zip


def _zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def test_extracts_nested_files_and_skips_macos_metadata(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", [("work/exercise_01.py", b"x = 1\n"), ("__MACOSX/work/._exercise_01.py", b"junk")])
    extract_zip(archive, tmp_path / "out")
    assert (tmp_path / "out" / "work" / "exercise_01.py").read_text() == "x = 1\n"
    assert not (tmp_path / "out" / "__MACOSX").exists()


@pytest.mark.parametrize("name", ["../evil.py", "a/../../evil.py", "/etc/evil.py", "..\\evil.py", "C:/evil.py"])
def test_refuses_members_outside_the_folder(tmp_path: Path, name: str) -> None:
    archive = _zip(tmp_path / "a.zip", [(name, b"print('owned')")])
    with pytest.raises(UnsafeArchive, match="outside the folder"):
        extract_zip(archive, tmp_path / "out" / "inner")
    assert not (tmp_path / "evil.py").exists() and not (tmp_path / "out" / "evil.py").exists()


def test_refuses_links(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("exercise_01.py")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _zip(tmp_path / "a.zip", [(link, b"/etc/passwd")])
    with pytest.raises(UnsafeArchive, match="links"):
        extract_zip(archive, tmp_path / "out")


def test_caps_bytes_while_inflating_a_bomb(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bomb.zip", [("zeros.bin", b"\0" * 3_000_000)])
    assert archive.stat().st_size < 50_000  # it compresses very well: a bomb in small
    with pytest.raises(UnsafeArchive, match="larger than"):
        extract_zip(archive, tmp_path / "out", ArchiveLimits(max_file_bytes=2**20))
    with pytest.raises(UnsafeArchive, match="more than"):
        extract_zip(archive, tmp_path / "out", ArchiveLimits(max_total_bytes=2**20))


def test_caps_the_number_of_members(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "many.zip", [(f"f{i}.py", b"") for i in range(20)])
    with pytest.raises(UnsafeArchive, match="20 files"):
        extract_zip(archive, tmp_path / "out", ArchiveLimits(max_members=10))


def test_corrupt_and_truncated_zips_are_unsafe_not_crashes(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"this is not a zip")
    with pytest.raises(UnsafeArchive, match="not a readable zip"):
        extract_zip(garbage, tmp_path / "out")
    good = _zip(tmp_path / "good.zip", [("exercise_01.py", os.urandom(5000))])
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(UnsafeArchive):
        extract_zip(truncated, tmp_path / "out")
