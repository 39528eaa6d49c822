"""`grader grade` on a real little class: every kind of bad submission gets its own row,
and none of them touches another student's result."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from grader.cli import main
from tests.batch.classroom import HOSTILE, PARTLY_WRONG, REFERENCE, SYNTAX_ERROR, folder, zipped


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("class")
    subs = root / "subs"
    subs.mkdir()
    folder(subs, "alice", REFERENCE)
    zipped(subs, "bob", {"bob-lab1/exercise_01.py": PARTLY_WRONG})
    folder(subs, "carol", HOSTILE)
    (subs / "dave.zip").write_bytes(b"PK\x03\x04 corrupt")
    zipped(subs, "eve", {"../../escaped.py": REFERENCE})
    folder(subs, "frank", SYNTAX_ERROR)
    (root / "roster.csv").write_text("id,name,email\nalice,Alice,a@x.org\ngina,Gina,g@x.org\n")
    code = main(["--no-color", "grade", str(subs), "--jobs", "2", "--out", str(root / "out"),
                 "--roster", str(root / "roster.csv"), "--timeout", "5", "--exercises", "exercise_01"])
    assert code == 0
    return root / "out"


def _rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "grades.csv").open() as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_every_student_gets_a_row_with_a_status(graded_class: Path) -> None:
    rows = _rows(graded_class)
    assert {k: (r["status"], r["total"]) for k, r in rows.items()} == {
        "alice": ("graded", "20"),
        "bob": ("graded", "18"),  # conv1x1 (2 points) is wrong
        "carol": ("graded", "0"),
        "dave": ("invalid", "0"),
        "eve": ("invalid", "0"),
        "frank": ("graded", "0"),
        "gina": ("missing", "0"),
    }
    assert "outside the folder" in rows["eve"]["message"]
    assert "not a readable zip" in rows["dave"]["message"]
    assert rows["gina"]["max_total"] == "20" and rows["alice"]["name"] == "Alice"
    assert not (graded_class.parent.parent / "escaped.py").exists()


def test_hostile_code_costs_only_its_author(graded_class: Path) -> None:
    carol = json.loads((graded_class / "reports" / "carol.json").read_text())
    statuses = {c["status"] for e in carol["report"]["exercises"] for c in e["checks"]}
    # How the kill plays out depends on the sandbox (in a PID namespace the worker may be
    # its init and survive); either way carol earns nothing and the batch goes on.
    assert statuses <= {"error", "failed"} and carol["points_earned"] == 0
    alice = json.loads((graded_class / "reports" / "alice.json").read_text())
    assert {c["status"] for e in alice["report"]["exercises"] for c in e["checks"]} == {"passed"}


def test_feedback_and_summary_files(graded_class: Path) -> None:
    bob = (graded_class / "feedback" / "bob.md").read_text()
    assert bob.startswith("## Grader report for bob: 18/20 points (90%)")
    assert "| FAIL |" in bob and "conv1x1" in bob
    summary = json.loads((graded_class / "summary.json").read_text())
    assert summary["status_counts"] == {"graded": 4, "missing": 1, "invalid": 2, "grader_error": 0}
    hardest = summary["checks"][0]
    assert hardest["check_id"] == "conv1x1" and (hardest["passed"], hardest["graded"]) == (1, 4)
    assert (graded_class / "summary.svg").read_text().startswith("<svg")


def test_an_empty_folder_is_invalid_not_a_score_of_zero(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    (subs / "hana").mkdir(parents=True)
    (subs / "ivan").mkdir()
    (subs / "ivan" / "notes.txt").write_text("I will hand it in tomorrow")
    folder(subs, "jo", REFERENCE)
    code = main(["--no-color", "grade", str(subs), "--jobs", "1", "--out", str(tmp_path / "out"),
                 "--timeout", "5", "--exercises", "exercise_01"])
    assert code == 0
    rows = _rows(tmp_path / "out")
    assert {k: (r["status"], r["total"]) for k, r in rows.items()} == {
        "hana": ("invalid", "0"), "ivan": ("invalid", "0"), "jo": ("graded", "20")}
    assert "holds none of the files asked for (exercise_01.py)" in rows["hana"]["message"]
