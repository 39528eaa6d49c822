"""Every renderer against a golden file: a fixed report in, exactly this text out.

Regenerate after an intended change with GRADER_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from grader.report import RENDERERS
from grader.report.terminal import render_terminal
from tests.report.sample import sample_report

GOLDEN = Path(__file__).parent / "golden"


def _compare(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("GRADER_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; run with GRADER_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


# What the classroom50 format reads of a Classroom 50 runner's environment: a golden
# run must not see a CI machine's own values.
RUNNER_VARIABLES = ("CLASSROOM", "ASSIGNMENT", "SUBMISSION_TAG", "COMMIT_URL", "RELEASE_URL", "REVIEW_URL",
                    "GRADER_SUBMITTED_AT")


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
def test_renderer_matches_golden(format_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in RUNNER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    _compare(format_name, RENDERERS[format_name](sample_report()))


def test_terminal_matches_golden() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, no_color=True, color_system=None, highlight=False)
    render_terminal(sample_report(), console)
    _compare("terminal", buffer.getvalue())
