"""grader: an auto-graded exercise checker for a PyTorch course on convolutional networks."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from grader.version import __version__

if TYPE_CHECKING:
    from grader.models.results import SubmissionReport

__all__ = ["__version__", "check"]


def check(
    exercise: str,
    notebook: str | os.PathLike[str] | None = None,
    *,
    course: str | os.PathLike[str] | None = None,
    console: Any = None,
    lang: str | None = None,
) -> "SubmissionReport | None":
    """Grade a saved notebook from inside it: `grader.check("exercise_03")`.

    Shows the report's table in the output cell and returns the report. See
    grader.notebook.check for which file is graded and what it can tell about
    unsaved changes; `console` is a rich Console to draw on (default: rich's own,
    which renders in Jupyter); `lang` the language ("zh", "en"; default: $GRADER_LANG,
    else the locale, else the course's own, as for `grader check`). Imported on call:
    `import grader` stays light (no torch, no rich).
    """
    from grader.notebook import check as check_notebook

    return check_notebook(exercise, notebook, course=course, console=console, lang=lang)
