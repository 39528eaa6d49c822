"""A zip's recorded times survive extraction: "the one saved last" needs them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from grader.batch.archive import extract_zip


def test_files_keep_the_times_recorded_in_the_zip(tmp_path: Path) -> None:
    archive = tmp_path / "alice.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo("exercise_01.ipynb", date_time=(2026, 1, 2, 10, 0, 0)), "{}")
        zf.writestr(zipfile.ZipInfo("exercise_01.py", date_time=(2026, 1, 1, 10, 0, 0)), "x = 1\n")
    extract_zip(archive, tmp_path / "out")
    notebook, py = (tmp_path / "out" / "exercise_01.ipynb").stat(), (tmp_path / "out" / "exercise_01.py").stat()
    assert notebook.st_mtime - py.st_mtime == 24 * 3600
