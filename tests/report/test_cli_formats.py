"""`grader check --format ...` end to end: the file written, and the step summary appended."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader.cli import main
from tests.conftest import REPO_ROOT


def test_check_writes_junit_and_appends_the_step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         cli_sandbox) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step's summary\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(REPO_ROOT)  # a relative --submission, as a student would type it
    out = tmp_path / "junit.xml"
    code = main(["--no-color", "check", "exercise_01", "--submission", "solutions",
                 "--format", "junit", "--output", str(out)])
    assert code == 0
    root = ET.parse(out).getroot()
    assert int(root.get("tests")) > 0 and root.get("failures") == "0" and root.get("errors") == "0"
    text = summary.read_text()
    assert text.startswith("earlier step's summary\n## Grader report: 20/20 points (100%)")
    assert "| PASS |" in text and "| FAIL |" not in text
