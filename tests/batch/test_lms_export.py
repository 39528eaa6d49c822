"""Grades out as Canvas and Moodle import them, read back with the csv module; and the
whole way from a download to those files through `grader grade` (with the fake engine)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Iterable, Iterator

import pytest

from grader.batch.canary import is_canary
from grader.batch.lms.download import Platform
from grader.batch.lms.export import ExportOptions, canvas_csv, moodle_csv
from grader.batch.records import LmsOrigin, StudentRecord, StudentStatus
from grader.batch.roster import RosterEntry
from grader.batch.task import GradeTask
from grader.cli import main
from tests.batch.fakes import FakeEngine, report_for
from tests.batch.lms_downloads import as_folder, as_zip, canvas_files, gradescope_files, moodle_files, write_roster

ROSTER = {
    "s01": RosterEntry("s01", name="Ada Lovelace", email="ada@uni.edu", canvas_id="1001", moodle_id="501",
                       sis_user_id="S-01", section="Lab A"),
    "s02": RosterEntry("s02", name="Alan Turing", email="alan@uni.edu"),
}


def _records() -> list[StudentRecord]:
    ada = StudentRecord.from_report(report_for("s01", [True, True, False, True]), student_id="s01")
    alan = StudentRecord(student_id="s02", status=StudentStatus.GRADER_ERROR, points_possible=4, message="boom")
    stranger = StudentRecord.from_report(report_for("canvas-9999", [True, False, False, False]),
                                         student_id="canvas-9999",
                                         lms=LmsOrigin(platform="canvas", user_id="9999", name="unknownmallory"))
    return [ada, alan, stranger]


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_canvas_gradebook_csv() -> None:
    text, left_out = canvas_csv(_records(), ROSTER, ExportOptions(Platform.CANVAS, "CNN lab", "4321", max_grade=10))
    rows = _read(text)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "CNN lab (4321)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "10"]
    assert rows[2:] == [["Ada Lovelace", "1001", "S-01", "", "Lab A", "7.5"],
                        ["unknownmallory", "9999", "", "", "", "2.5"]]
    assert left_out == ["s02: no Canvas id or SIS id (add canvas_id to the roster)"]


def test_moodle_worksheet() -> None:
    records = _records()
    records[1] = records[1].model_copy(update={"lms": LmsOrigin(platform="moodle", user_id="502")})
    text, left_out = moodle_csv(records, ROSTER, ExportOptions(Platform.MOODLE))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                             "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                             "Feedback comments"]
    ada, alan = rows
    assert (ada["Identifier"], ada["Full name"], ada["Email address"], ada["Grade"], ada["Maximum Grade"]) == (
        "Participant 501", "Ada Lovelace", "ada@uni.edu", "3.00", "4.00")
    assert alan["Identifier"] == "Participant 502" and alan["Grade"] == ""  # a grader error is no zero
    assert "boom" in alan["Feedback comments"]
    assert left_out == ["canvas-9999: no Moodle participant id (add moodle_id to the roster)"]


class CliEngine(FakeEngine):
    """The fake engine, also giving the reference solution (the canary) full marks."""

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
        for task in tasks:
            if task.student_id.startswith("(reference solution)"):
                yield StudentRecord.from_report(report_for(task.student_id, [True, True, True]),
                                                student_id=task.student_id, config_hash=task.config_hash)
            else:
                yield from super().run([task])


@pytest.fixture
def fake_grading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("grader.cli.grade.grading_engine", lambda args, jobs: CliEngine())
    monkeypatch.setattr("grader.cli.grade.refuse_an_unprotected_machine", lambda: None)


def _grade(download: Path, out: Path, roster: Path, *extra: str) -> int:
    return main(["--no-color", "--lang", "en", "grade", str(download), "--out", str(out), "--roster", str(roster),
                 "--exercises", "exercise_01", "--jobs", "1", *extra])


def test_canvas_download_in_gradebook_out(tmp_path: Path, fake_grading: None,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    download = as_zip(tmp_path / "submissions.zip", canvas_files())
    code = _grade(download, tmp_path / "out", write_roster(tmp_path), "--export", "canvas",
                  "--assignment-name", "CNN lab", "--assignment-id", "4321")
    assert code == 0
    printed = capsys.readouterr()
    assert "detected Canvas's download" in printed.err
    assert "not on the roster, graded under a fallback id (1): canvas-9999 (unknownmallory)" in printed.out
    assert "late (1): s02" in printed.out
    with (tmp_path / "out" / "grades-canvas.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == "CNN lab (4321)" and rows[1][0].strip() == "Points Possible"
    by_id = {row[1]: row for row in rows[2:]}
    assert {k: v[-1] for k, v in by_id.items()} == {
        "1001": "3", "1002": "2", "1003": "3", "1004": "2", "1005": "2", "1006": "0", "9999": "1"}
    assert by_id["1006"][0] == "Donald Knuth"  # nothing submitted: a zero, on the roster
    report = json.loads((tmp_path / "out" / "reports" / "s02.json").read_text())
    assert report["lms"]["late"] is True and report["lms"]["user_id"] == "1002"
    assert (tmp_path / "out" / "canvas-feedback" / "adalovelace_1001_feedback.html").is_file()
    intake = json.loads((tmp_path / "out" / "lms-intake.json").read_text())
    assert intake["unmatched"] == ["canvas-9999 (unknownmallory)"]


def test_moodle_download_in_worksheet_and_feedback_zip_out(tmp_path: Path, fake_grading: None,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    download = as_zip(tmp_path / "moodle.zip", moodle_files())
    assert _grade(download, tmp_path / "out", write_roster(tmp_path), "--from", "moodle", "--export", "moodle",
                  "--max-grade", "100") == 0
    with (tmp_path / "out" / "grades-moodle.csv").open(newline="") as handle:
        rows = {row["Identifier"]: row for row in csv.DictReader(handle)}
    assert {k: v["Grade"] for k, v in rows.items()} == {
        "Participant 501": "100.00", "Participant 502": "66.67", "Participant 503": "100.00",
        "Participant 504": "66.67", "Participant 505": "66.67", "Participant 506": "0.00",
        "Participant 999": "100.00"}  # the fake grades Mallory's "1" out of one check
    assert rows["Participant 506"]["Status"] == "No submission"
    # Barbara has no Moodle id on the roster; matched by her name, she is known by the download's.
    printed = capsys.readouterr().out
    assert "matched by name only, worth a look: moodle-505 (Barbara Liskov) -> s05" in printed
    assert "s05: no Moodle participant id" not in printed
    with zipfile.ZipFile(tmp_path / "out" / "moodle-feedback.zip") as archive:
        names = set(archive.namelist())
    assert "Ada Lovelace_501_assignsubmission_file_/feedback.html" in names
    assert "Mallory Unknown_999_assignsubmission_file_/feedback.html" in names


def test_gradescope_export_then_grader_export(tmp_path: Path, fake_grading: None,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    download = as_folder(tmp_path / "export", gradescope_files())
    assert _grade(download, tmp_path / "out", write_roster(tmp_path)) == 0
    assert "detected Gradescope's download" in capsys.readouterr().err
    assert main(["--no-color", "--lang", "en", "export", str(tmp_path / "out"), "--to", "canvas",
                 "--roster", str(write_roster(tmp_path)), "--assignment-name", "Lab"]) == 0
    with (tmp_path / "out" / "grades-canvas.csv").open(newline="") as handle:
        rows = {row["ID"]: row["Lab"] for row in csv.DictReader(handle) if row["ID"]}
    assert rows == {"1001": "3", "1002": "2", "1003": "2", "1004": "2", "1006": "0"}
    printed = capsys.readouterr().out
    assert "not in the export: gradescope-999: no Canvas id or SIS id" in printed


def test_bad_input_is_an_error_not_a_traceback(tmp_path: Path, fake_grading: None,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    download = as_folder(tmp_path / "dl", canvas_files())
    assert _grade(download, tmp_path / "out", write_roster(tmp_path), "--from", "gradescope") == 2
    assert "not laid out as Gradescope lays out a download" in capsys.readouterr().err
    assert main(["--no-color", "--lang", "en", "export", str(tmp_path / "nothing"), "--to", "moodle"]) == 2
    assert "no gradebook in" in capsys.readouterr().err
