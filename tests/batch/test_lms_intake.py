"""An LMS's download read as the platform lays it out: who is who, late, resubmitted, zipped, unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.lms.download import Platform
from grader.batch.lms.gradescope import read_submitters
from grader.batch.lms.intake import detect, open_download, take_in
from grader.batch.roster import load_roster
from grader.errors import LmsDownloadError
from tests.batch.lms_downloads import (GRADESCOPE_METADATA, as_folder, as_zip, canvas_files, gradescope_files,
                                       moodle_files, write_roster)


@pytest.fixture
def roster(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_roster(write_roster(tmp_path))


def test_each_layout_is_detected(tmp_path: Path) -> None:
    assert detect(as_folder(tmp_path / "c", canvas_files())) is Platform.CANVAS
    assert detect(as_folder(tmp_path / "m", moodle_files())) is Platform.MOODLE
    assert detect(as_folder(tmp_path / "g", gradescope_files())) is Platform.GRADESCOPE  # inside its wrapper
    ours = tmp_path / "ours"
    (ours / "alice").mkdir(parents=True)
    (ours / "bob.zip").write_bytes(b"")
    assert detect(ours) is None
    lone = tmp_path / "lone" / "alice"  # a class of one: its folder looks a little like Canvas's names
    lone.mkdir(parents=True)
    (lone / "exercise_01.py").write_text("")
    (lone / "exercise_01_2_notes.txt").write_text("")
    assert detect(tmp_path / "lone") is None


def test_canvas(tmp_path: Path, roster) -> None:  # type: ignore[no-untyped-def]
    intake = take_in(as_folder(tmp_path / "dl", canvas_files()), Platform.CANVAS, roster, tmp_path / "staged")
    staged = sorted(p.name for p in (tmp_path / "staged").iterdir())
    assert staged == ["canvas-9999", "s01", "s02", "s03", "s04.zip", "s05"]
    assert (tmp_path / "staged" / "s03" / "exercise_01.py").read_text() == "111"  # -2 beat -1, renamed back
    assert {s: o.late for s, o in intake.origins.items()} == {
        "s01": False, "s02": True, "s03": False, "s04": False, "s05": False, "canvas-9999": False}
    assert intake.origins["canvas-9999"].matched is False and intake.origins["s05"].matched
    assert intake.unmatched == ["canvas-9999 (unknownmallory)"]
    assert intake.by_name == ["canvas-1005 (liskovbarbara) -> s05"]
    notes = "\n".join(intake.notes)
    assert "hoppergrace_1003_7003_exercise_01-1.py: an earlier upload" in notes
    assert "turingalan_late_1002_text.html: not a file upload" in notes
    # Nothing lost: every name in the download is a student's or in the notes.
    graded = {name for o in intake.origins.values() for name in o.files}
    assert set(canvas_files()) <= graded | {n.split(":")[0] for n in intake.notes}


def test_moodle_zip_download(tmp_path: Path, roster) -> None:  # type: ignore[no-untyped-def]
    download = as_zip(tmp_path / "moodle.zip", moodle_files())
    folder = open_download(download, tmp_path / "unpacked")
    assert detect(folder) is Platform.MOODLE
    intake = take_in(folder, Platform.MOODLE, roster, tmp_path / "staged")
    assert sorted(p.name for p in (tmp_path / "staged").iterdir()) == [
        "moodle-999", "s01", "s02", "s03", "s04.zip", "s05"]
    assert (tmp_path / "staged" / "s03" / "lab" / "exercise_01.py").is_file()
    assert intake.unmatched == ["moodle-999 (Mallory Unknown)"]
    assert intake.by_name == ["moodle-505 (Barbara Liskov) -> s05"]
    assert any("onlinetext" in note for note in intake.notes)


def test_gradescope_groups_and_strangers(tmp_path: Path, roster) -> None:  # type: ignore[no-untyped-def]
    intake = take_in(as_folder(tmp_path / "dl", gradescope_files()), Platform.GRADESCOPE, roster,
                     tmp_path / "staged")
    staged = sorted(p.name for p in (tmp_path / "staged").iterdir())
    # Alan by email (no sid), Grace and Edsger each get their group's files, Mallory's zip stays a zip.
    assert staged == ["gradescope-999.zip", "gradescope-submission_1006", "s01", "s02", "s03", "s04"]
    assert (tmp_path / "staged" / "s04" / "exercise_01.py").read_text() == "101"
    assert any("submission_1006: not in submission_metadata.yml" in n for n in intake.notes)
    assert sorted(intake.unmatched) == ["gradescope-999 (Mallory Unknown)",
                                        "gradescope-submission_1006 (submission_1006)"]


def test_the_metadata_reader_keeps_to_submitters() -> None:
    found = read_submitters(GRADESCOPE_METADATA)
    assert found["submission_1003"] == [{"name": "Grace Hopper", "sid": "s03", "email": "grace@uni.edu"},
                                        {"name": "Edsger Dijkstra", "sid": "s04", "email": "edsger@uni.edu"}]
    assert found["submission_1002"] == [{"name": "Alan Turing", "sid": "", "email": "ALAN@uni.edu"}]


def test_a_download_of_another_platform_is_refused(tmp_path: Path, roster) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LmsDownloadError, match="not laid out as Moodle"):
        take_in(as_folder(tmp_path / "dl", canvas_files()), Platform.MOODLE, roster, tmp_path / "staged")
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 no")
    with pytest.raises(LmsDownloadError, match="cannot unpack"):
        open_download(tmp_path / "bad.zip", tmp_path / "unpacked")


def test_canvas_gradebook_export_reads_as_a_roster(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('Student,ID,SIS User ID,SIS Login ID,Section,Lab 1 (77)\n'
                    '    Points Possible,,,,,20\n'
                    '"Lovelace, Ada",1001,s01,ada,Lab A,\n')
    roster = load_roster(path)
    assert list(roster) == ["1001"]
    ada = roster["1001"]
    assert (ada.name, ada.canvas_id, ada.sis_user_id, ada.sis_login_id, ada.section) == (
        "Lovelace, Ada", "1001", "s01", "ada", "Lab A")
