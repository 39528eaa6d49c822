"""`grader.check("exercise_03")`: the in-notebook counterpart of `grader check`.

It grades the notebook *file on disk* (so save first), shows the report's table in
the output cell (rich renders in Jupyter and VS Code) and returns the report. Like
the CLI it is an edge: errors become a message and a hint, never a traceback. It speaks
the language the CLI would (`lang`, else $GRADER_LANG, the locale, the course's default).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.errors import GraderError
from grader.i18n import tr, use_language
from grader.sandbox.notebook import GRADING_ENV

if TYPE_CHECKING:
    from rich.console import Console

    from grader.catalog.course import Exercise
    from grader.models.results import SubmissionReport


def _kernel() -> Any:
    """IPython's running shell, or None outside IPython (a plain script)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _staged(notebook: Path, exercise: "Exercise", into: Path) -> Path:
    """A folder holding the notebook under the exercise's name, and the .py files
    beside it (helpers it may import) except the exercise's own .py: the notebook is
    what was asked for, whatever the .py beside it holds."""
    for sibling in notebook.parent.glob("*.py"):
        if sibling.name != exercise.manifest.student_file and sibling.is_file():
            shutil.copyfile(sibling, into / sibling.name)
    shutil.copyfile(notebook, into / Path(exercise.manifest.student_file).with_suffix(".ipynb").name)
    return into


def check(
    exercise: str,
    notebook: str | os.PathLike[str] | None = None,
    *,
    course: str | os.PathLike[str] | None = None,
    console: "Console | None" = None,
    lang: str | None = None,
) -> "SubmissionReport | None":
    """Grade the saved notebook for `exercise` and show the report; returns the report
    (None when grading could not start: the reason is shown instead).

    The notebook is `notebook` when given; else the notebook this kernel runs, when
    VS Code (`__vsc_ipynb_file__`) or Jupyter (`JPY_SESSION_NAME`) says which; else
    `exercises/<exercise>.ipynb` or `<exercise>.ipynb` in the working folder. The
    course is `course`, else $GRADER_COURSE, else the nearest folder with a
    course.toml at or above the working folder. Hidden checks' feedback is withheld
    from the table and from the returned report. The language is `lang` (e.g. "zh"),
    else $GRADER_LANG, else the locale, else the course's default, as for `grader check`.

    Unsaved changes: the file on disk is what is graded. When the last cell run in
    this kernel is not in the saved file (by its `In [n]` label and code), a warning
    says so above the table. Edits typed into cells that were never run cannot be
    seen from the kernel, nor can changes saved by another program; see
    grader.catalog.notebook_file.
    """
    if os.environ.get(GRADING_ENV):
        return None  # student code being graded (the notebook's own check cell): not again
    from rich.console import Console
    from rich.text import Text

    from grader.catalog.course_root import language_for

    console = console or Console(highlight=False)
    choice, course_catalog = language_for(lang, Path(course) if course is not None else None, os.environ, Path.cwd())
    if choice.notice:
        console.print(Text(f"note: {choice.notice}"))
    with use_language(choice.language, course_catalog):
        try:
            return _check(exercise, notebook, course, console)
        except GraderError as error:
            console.print(Text.assemble((tr("error: "), "bold red"), error.message))
            if error.hint:
                console.print(Text(tr("hint: {hint}", hint=error.hint)))
            return None


def _check(
    exercise_name: str,
    notebook: str | os.PathLike[str] | None,
    course_dir: str | os.PathLike[str] | None,
    console: "Console",
) -> "SubmissionReport":
    import nbformat
    from rich.text import Text

    from grader.catalog.course import Course
    from grader.catalog.notebook_file import find_notebook, unsaved_run
    from grader.engine.session import GradingSession, data_sets_found
    from grader.report.common import withhold_hidden
    from grader.report.terminal import render_terminal

    cwd = Path.cwd()
    course = Course.find(Path(course_dir) if course_dir is not None else None, os.environ, cwd)
    (exercise,) = course.select([exercise_name])
    kernel = _kernel()
    found = find_notebook(
        exercise.manifest.student_file,
        Path(notebook) if notebook is not None else None,
        user_ns=kernel.user_ns if kernel is not None else {},
        environ=os.environ,
        cwd=cwd,
    )
    if kernel is not None:
        try:
            saved = nbformat.read(str(found.path), as_version=4)
            warning = unsaved_run(saved, kernel.user_ns.get("In", []), kernel.execution_count)
        except Exception:  # noqa: BLE001 - an unreadable notebook is graded (and reported) as it is
            warning = None
        if warning:
            console.print(Text(tr("warning: {warning}", warning=warning), style="bold yellow"))
    # Where `grader check` looks, with no download from inside a notebook: a check that
    # needs data it cannot find says how to get it.
    data = data_sets_found([exercise], cwd, os.environ, Path.home()) if exercise.needs_data else None
    with tempfile.TemporaryDirectory(prefix="grader-notebook-") as staging, \
            GradingSession(course, [exercise], data=data) as session:
        report = session.grade(_staged(found.path, exercise, Path(staging)))
    # The report speaks of the student's file, not of our staging copy.
    (result,) = report.exercises
    result = result.model_copy(update={"student_file": str(found.path), "file_choice": found.why})
    report = report.model_copy(update={"exercises": [result], "submission": str(found.path.parent)})
    render_terminal(report, console)
    # What the notebook holds afterwards is as student-facing as the table.
    return withhold_hidden(report)
