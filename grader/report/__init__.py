"""Report renderers: one module per format, each turning a SubmissionReport into text.

Every renderer is a function `render(report, *, show_hidden=False) -> str` in a module
of its own (shared bits live in `common`), registered here by format name; each gives
the student's copy of the report (hidden checks' feedback withheld) unless
`show_hidden`, except Gradescope's, whose own visibility field does that. The terminal
renderer is separate because it draws on a rich Console instead.
"""

from __future__ import annotations

from typing import Protocol

from grader.models.results import SubmissionReport
from grader.report import classroom, classroom50, gradescope, html, json_report, junit, markdown


class Renderer(Protocol):
    def __call__(self, report: SubmissionReport, *, show_hidden: bool = False) -> str: ...


RENDERERS: dict[str, Renderer] = {
    "json": json_report.render,
    "junit": junit.render,
    "gradescope": gradescope.render,
    "classroom": classroom.render,
    "classroom50": classroom50.render,
    "markdown": markdown.render,
    "html": html.render,
}

__all__ = ["RENDERERS", "Renderer"]
