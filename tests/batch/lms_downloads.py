"""A class of six as each LMS hands it over, built from the platforms' documented layouts.

The class: Ada, Alan (late), Grace (uploaded again: Canvas renamed her file), Edsger (a
.zip), Barbara (the roster has no platform id for her: matched by name) and Donald
(submitted nothing); and Mallory, whom the roster does not know. With the fake engine,
a file's digits are its checks: "111" passes three.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

ROSTER = """id,name,email,canvas_id,moodle_id
s01,Ada Lovelace,ada@uni.edu,1001,501
s02,Alan Turing,alan@uni.edu,1002,502
s03,Grace Hopper,grace@uni.edu,1003,503
s04,Edsger Dijkstra,edsger@uni.edu,1004,504
s05,Barbara Liskov,barbara@uni.edu,,
s06,Donald Knuth,donald@uni.edu,1006,506
"""


def write_roster(folder: Path) -> Path:
    path = folder / "roster.csv"
    path.write_text(ROSTER)
    return path


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def canvas_files() -> dict[str, bytes]:
    """Canvas's flat download: <name>_[late_]<user id>_<attachment id>_<file>."""
    return {
        "lovelaceada_1001_7001_exercise_01.py": b"111",
        "turingalan_late_1002_7002_exercise_01.py": b"110",
        "hoppergrace_1003_7003_exercise_01-1.py": b"100",  # her first upload ...
        "hoppergrace_1003_7004_exercise_01-2.py": b"111",  # ... and the one Canvas keeps
        "dijkstraedsger_1004_7005_lab1.zip": zip_bytes({"lab1/exercise_01.py": "101"}),
        "liskovbarbara_1005_7006_exercise_01.py": b"011",
        "unknownmallory_9999_7007_exercise_01.py": b"1",
        "turingalan_late_1002_text.html": b"<p>see my file</p>",
    }


def moodle_files() -> dict[str, bytes]:
    """Moodle's download in folders: <Full Name>_<participant id>_assignsubmission_<plugin>_/."""
    return {
        "Ada Lovelace_501_assignsubmission_file_/exercise_01.py": b"111",
        "Alan Turing_502_assignsubmission_file_/exercise_01.py": b"110",
        "Grace Hopper_503_assignsubmission_file_/lab/exercise_01.py": b"111",
        "Edsger Dijkstra_504_assignsubmission_file_/lab1.zip": zip_bytes({"exercise_01.py": "101"}),
        "Barbara Liskov_505_assignsubmission_file_/exercise_01.py": b"011",
        "Barbara Liskov_505_assignsubmission_onlinetext_/onlinetext.html": b"<p>hi</p>",
        "Mallory Unknown_999_assignsubmission_file_/exercise_01.py": b"1",
    }


GRADESCOPE_METADATA = """submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: s01
    :email: ada@uni.edu
  :created_at: 2026-12-01 10:00:00.000000000 -08:00
  :score: 0.0
submission_1002:
  :submitters:
  - :name: Alan Turing
    :sid: ''
    :email: ALAN@uni.edu
  :created_at: 2026-12-02 10:00:00.000000000 -08:00
submission_1003:
  :submitters:
  - :name: Grace Hopper
    :sid: 's03'
    :email: grace@uni.edu
  - :name: Edsger Dijkstra
    :sid: s04
    :email: edsger@uni.edu
  :history:
  - :id: 999
    :score: 1.0
submission_1005:
  :submitters:
  - :name: "Mallory Unknown"
    :sid: '999'
    :email: mallory@elsewhere.org
"""


def gradescope_files() -> dict[str, bytes]:
    return {
        "assignment_42_export/submission_metadata.yml": GRADESCOPE_METADATA.encode(),
        "assignment_42_export/submission_1001/exercise_01.py": b"111",
        "assignment_42_export/submission_1002/exercise_01.py": b"110",
        "assignment_42_export/submission_1003/exercise_01.py": b"101",
        "assignment_42_export/submission_1005/lab.zip": zip_bytes({"exercise_01.py": "1"}),
        "assignment_42_export/submission_1006/exercise_01.py": b"011",  # not in the metadata
    }


def as_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def as_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path
