"""A tiny Canvas download through real grading: the sandbox, the canary, the export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from grader.batch.lms.download import Platform
from grader.batch.lms.intake import take_in
from grader.batch.roster import load_roster
from grader.batch.runner import BatchPlan, run_batch
from grader.catalog.course import Course
from grader.cli import main
from tests.batch.classroom import PARTLY_WRONG, REFERENCE
from tests.batch.fakes import FakeEngine
from tests.batch.lms_downloads import as_folder, as_zip, canvas_files, write_roster
from tests.conftest import REPO_ROOT


def test_a_canvas_download_graded_for_real(tmp_path: Path) -> None:
    download = as_zip(tmp_path / "submissions.zip", {
        "lovelaceada_1001_7001_exercise_01.py": REFERENCE.encode(),
        "turingalan_late_1002_7002_exercise_01-1.py": PARTLY_WRONG.encode(),
        "unknownmallory_9999_7003_exercise_01.py": REFERENCE.encode(),
    })
    out = tmp_path / "out"
    code = main(["--no-color", "--lang", "en", "grade", str(download), "--out", str(out), "--roster",
                 str(write_roster(tmp_path)), "--exercises", "exercise_01", "--jobs", "1", "--timeout", "5",
                 "--export", "canvas", "--assignment-name", "Lab 1", "--assignment-id", "77"])
    assert code == 0
    with (out / "grades-canvas.csv").open(newline="") as handle:
        rows = {row["ID"]: row["Lab 1 (77)"] for row in csv.DictReader(handle) if row["ID"]}
    assert rows == {"1001": "20", "1002": "18", "1003": "0", "1004": "0", "1006": "0", "9999": "20"}
    alan = json.loads((out / "reports" / "s02.json").read_text())
    assert alan["lms"]["late"] is True and alan["status"] == "graded"
    assert alan["lms"]["files"] == ["turingalan_late_1002_7002_exercise_01-1.py"]


class RecordingEngine(FakeEngine):
    def __init__(self) -> None:
        super().__init__()
        self.hidden: list[tuple[str, ...]] = []

    def run(self, tasks):  # type: ignore[no-untyped-def]
        for task in tasks:
            self.hidden.append(task.hidden_paths)
            yield from super().run([task])


def test_student_code_sees_neither_the_download_nor_the_staged_class(tmp_path: Path) -> None:
    download = as_folder(tmp_path / "download", canvas_files())
    intake = take_in(download, Platform.CANVAS, load_roster(write_roster(tmp_path)), tmp_path / "out" / ".lms" / "s")
    course = Course.at(REPO_ROOT)
    plan = BatchPlan(submissions=intake.staged, out=tmp_path / "out", course=course,
                     exercises=course.select(["exercise_01"]), canary=False, origins=intake.origins,
                     also_hidden=(download,))
    engine = RecordingEngine()
    outcome = run_batch(plan, engine)
    assert engine.hidden and all(str(download.resolve()) in hidden for hidden in engine.hidden)
    assert all(str(intake.staged.resolve()) in hidden for hidden in engine.hidden)
    assert {r.student_id: r.lms.late for r in outcome.records if r.lms} == {
        "s01": False, "s02": True, "s03": False, "s04": False, "s05": False, "canvas-9999": False}
