"""grades.csv, per-student files, the class summary and its chart."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from grader.batch.chart import render_svg
from grader.batch.outputs import grades_csv, safe_file_name, write_outputs
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.roster import RosterEntry
from grader.batch.summary import summarize
from tests.batch.fakes import report_for

SVG = "{http://www.w3.org/2000/svg}"


def _records() -> list[StudentRecord]:
    graded = [
        StudentRecord.from_report(report_for(sid, passed), student_id=sid)
        for sid, passed in (("alice", [True, True]), ("bob", [True, False]), ("carol", [False, False]))
    ]
    return graded + [
        StudentRecord(student_id="dave", status=StudentStatus.INVALID, message="dave.zip is not a readable zip\nfile",
                      points_possible=2),
        StudentRecord(student_id="../eve", status=StudentStatus.MISSING, points_possible=2),
    ]


def test_grades_csv_has_one_row_per_student_for_lms_import() -> None:
    roster = {"alice": RosterEntry("alice", "Alice A", "a@x.org")}
    rows = list(csv.DictReader(io.StringIO(grades_csv(_records(), roster, ["exercise_01"]))))
    assert [r["student_id"] for r in rows] == ["alice", "bob", "carol", "dave", "../eve"]
    assert rows[0] == {"student_id": "alice", "name": "Alice A", "email": "a@x.org", "exercise_01": "2",
                       "total": "2", "max_total": "2", "percent": "100", "status": "graded", "message": ""}
    assert (rows[3]["status"], rows[3]["total"], rows[3]["message"]) == ("invalid", "0", "dave.zip is not a readable zip file")
    assert rows[4]["status"] == "missing"


def test_per_student_files_use_safe_names(tmp_path: Path) -> None:
    write_outputs(tmp_path, _records(), {}, ["exercise_01"])
    eve = safe_file_name("../eve")
    assert "/" not in eve and not eve.startswith(".")
    assert json.loads((tmp_path / "reports" / f"{eve}.json").read_text())["status"] == "missing"
    assert (tmp_path / "feedback" / "bob.md").read_text().startswith("## Grader report for bob: 1/2 points (50%)")
    assert "could not be graded" in (tmp_path / "feedback" / "dave.md").read_text()
    assert sorted(p.name for p in tmp_path.glob("*/*")) == sorted(
        [f"{n}.{ext}" for n in ("alice", "bob", "carol", "dave", eve) for ext in ("json", "md", "html")])
    assert not list(tmp_path.parent.glob("eve*"))


def test_summary_pass_rates_and_distribution() -> None:
    summary = summarize(_records())
    assert summary.students == 5
    assert summary.status_counts == {"graded": 3, "missing": 1, "invalid": 1, "grader_error": 0}
    assert summary.histogram == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]
    assert [(c.check_id, c.passed, c.graded) for c in summary.checks] == [("check_1", 1, 3), ("check_0", 2, 3)]
    assert summary.mean_percent == 50 and summary.median_percent == 50


def test_chart_is_svg_with_one_bar_per_bin_and_check() -> None:
    summary = summarize(_records())
    root = ET.fromstring(render_svg(summary))
    assert root.tag == f"{SVG}svg"
    bins = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bin"]
    rates = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "rate"]
    assert len(bins) == 10 and len(rates) == 2
    heights = [float(r.get("height")) for r in bins]
    assert heights[0] == heights[5] == heights[9] > 0 and heights[1] == 0
    assert abs(float(rates[0].get("width")) * 2 - float(rates[1].get("width"))) < 0.2  # 1/3 vs 2/3


def test_chart_labels_tell_checks_with_a_long_common_prefix_apart() -> None:
    prefix = "conv2d: the lecture's example with padding=1 and a long shared title, "
    records = [StudentRecord.from_report(report_for("alice", [True, False]), student_id="alice")]
    report = records[0].report
    assert report is not None
    report.exercises[0].checks[0].title = prefix + "stride 1"
    report.exercises[0].checks[1].title = prefix + "stride 2"
    root = ET.fromstring(render_svg(summarize(records)))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("exercise_01: ")]
    assert labels == [f"exercise_01: {prefix}stride 2", f"exercise_01: {prefix}stride 1"]
    assert float(root.get("width")) > 960  # widened for the labels, not cut


def test_chart_is_an_image_with_a_title_and_a_description_a_screen_reader_reads() -> None:
    summary = summarize(_records())
    root = ET.fromstring(render_svg(summary))
    assert root.get("role") == "img"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"  # what a reader reads it in
    labelled_by = root.get("aria-labelledby").split()
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert [by_id[i].tag for i in labelled_by] == [f"{SVG}title", f"{SVG}desc"]
    description = by_id["chart-desc"].text
    assert "3 of 5 submissions graded: mean 50%, median 50%." in description
    assert description.endswith("hardest first: exercise_01: check 1 33%; exercise_01: check 0 67%.")


def test_a_check_title_with_control_characters_leaves_the_chart_readable() -> None:
    records = [StudentRecord.from_report(report_for("alice", [True, False]), student_id="alice")]
    report = records[0].report
    assert report is not None
    report.exercises[0].checks[0].title = "ctl\x01\x0bchar <b>&\ud800"
    root = ET.fromstring(render_svg(summarize(records)))  # parses: nothing XML forbids is left
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("exercise_01: ctl")]
    assert labels == ["exercise_01: ctlchar <b>&"]
