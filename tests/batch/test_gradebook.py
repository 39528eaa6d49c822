"""The gradebook stores records as they come and knows what is current."""

from __future__ import annotations

from pathlib import Path

from grader.batch.gradebook import Gradebook
from grader.batch.records import StudentRecord, StudentStatus
from tests.report.sample import sample_report


def test_records_round_trip_with_their_report(tmp_path: Path) -> None:
    report = sample_report()
    record = StudentRecord.from_report(report, student_id="alice", content_hash="c1", config_hash="k1")
    with Gradebook.in_folder(tmp_path) as book:
        book.put(record)
    with Gradebook.in_folder(tmp_path) as book:  # a new process would see the same
        stored = book.get("alice")
    assert stored == record
    assert stored.report == report and stored.report.points_earned == 3.5
    assert stored.exercise_points == {"exercise_01": 3.5, "exercise_02": 0.0}


def test_current_only_for_the_same_content_and_config_and_not_grader_errors(tmp_path: Path) -> None:
    with Gradebook.in_folder(tmp_path) as book:
        book.put(StudentRecord(student_id="alice", status=StudentStatus.GRADED, content_hash="c1", config_hash="k1"))
        book.put(StudentRecord(student_id="bob", status=StudentStatus.GRADER_ERROR, content_hash="c2", config_hash="k1"))
        assert book.is_current("alice", "c1", "k1")
        assert not book.is_current("alice", "c1", "k2")
        assert not book.is_current("alice", "c9", "k1")
        assert not book.is_current("bob", "c2", "k1")  # retried on the next run
        book.put(StudentRecord(student_id="alice", status=StudentStatus.GRADED, content_hash="c3", config_hash="k1"))
        assert [r.content_hash for r in book.all()] == ["c3", "c2"]
