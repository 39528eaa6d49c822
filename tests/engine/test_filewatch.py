"""A save is noticed once it has settled, once, and only when the content changed.

`poll(now)` takes the time as an argument, so these tests script the clock instead
of sleeping.
"""

from __future__ import annotations

from pathlib import Path

from grader.engine.filewatch import FileWatch


def watch_on(tmp_path: Path, text: str | None = "def f():\n    return 1\n") -> tuple[FileWatch, Path]:
    student = tmp_path / "exercise_01.py"
    if text is not None:
        student.write_text(text)
    return FileWatch([student, student.with_suffix(".ipynb")], settle_s=0.1, missing_grace_s=1.0), student


def test_nothing_changed_nothing_reported(tmp_path):
    watch, _ = watch_on(tmp_path)
    assert watch.poll(0.0) == [] and watch.poll(5.0) == []


def test_a_save_is_reported_once_after_it_settles(tmp_path):
    watch, student = watch_on(tmp_path)
    student.write_text("def f():\n    return 2\n")
    assert watch.poll(10.0) == []  # just written: the editor may not be done
    assert watch.poll(10.05) == []
    assert watch.poll(10.15) == [student]
    assert watch.poll(10.3) == []  # reported once


def test_several_writes_of_one_save_are_one_change(tmp_path):
    watch, student = watch_on(tmp_path)
    student.write_text("def f(")  # the editor truncates and writes in pieces
    assert watch.poll(10.0) == []
    student.write_text("def f():\n    return 22\n")
    assert watch.poll(10.08) == []  # changed again: the quiet period starts over
    assert watch.poll(10.15) == []
    assert watch.poll(10.2) == [student]
    assert watch.poll(11.0) == []


def test_a_touch_that_keeps_the_content_is_not_a_change(tmp_path):
    watch, student = watch_on(tmp_path)
    student.write_text(student.read_text())
    assert watch.poll(10.0) == [] and watch.poll(10.5) == []


def test_a_file_briefly_missing_during_an_atomic_save_is_waited_for(tmp_path):
    watch, student = watch_on(tmp_path)
    text = student.read_text()
    student.unlink()
    assert watch.poll(10.0) == []
    assert watch.poll(10.5) == []  # missing, but within the grace period
    student.write_text(text + "# saved\n")
    assert watch.poll(10.6) == []
    assert watch.poll(10.75) == [student]  # the new content, never the absence


def test_a_deleted_file_counts_once_the_grace_period_is_over(tmp_path):
    watch, student = watch_on(tmp_path)
    student.unlink()
    assert watch.poll(10.0) == [] and watch.poll(10.9) == []
    assert watch.poll(11.0) == [student]


def test_a_new_notebook_is_a_change(tmp_path):
    watch, student = watch_on(tmp_path, text=None)
    notebook = student.with_suffix(".ipynb")
    notebook.write_text("{}")
    assert watch.poll(10.0) == []
    assert watch.poll(10.15) == [notebook]
