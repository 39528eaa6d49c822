"""For `grader.check()` inside a notebook: which file on disk to grade, and whether the
kernel has run code that file does not hold yet.

Both are pure functions of what the caller passes in (the kernel's namespace, the
environment, the working folder, the kernel's input history), so they are tested
without Jupyter.

What can be told about unsaved changes, and what cannot:

* Detectable: the last cell run in this kernel (other than a `grader.check` call) is
  not in the saved file with its `In [n]` label, and, unless IPython rewrote it
  (magics), with the same code. That is: you ran a cell, then did not save.
* Not detectable: edits typed into a cell that was never run (the kernel never saw
  them); changes saved by another program; a notebook saved by an earlier kernel
  session whose `In [n]` labels happen to match. Jupyter autosaves every two
  minutes or so, so a warning may also clear itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from grader.errors import SubmissionNotFound
from grader.i18n import tr

# Set by Jupyter servers (2.x) in a kernel's environment: the notebook's path,
# relative to the server's root folder or absolute.
JUPYTER_SESSION_ENV = "JPY_SESSION_NAME"
# Set by VS Code's Jupyter extension in the kernel's namespace: the notebook's absolute path.
VSCODE_NOTEBOOK_GLOBAL = "__vsc_ipynb_file__"


@dataclass(frozen=True)
class NotebookFile:
    path: Path
    why: str  # for the report's header: how this file was chosen


def _current_notebook(user_ns: Mapping[str, Any], environ: Mapping[str, str], cwd: Path) -> Path | None:
    """The notebook this kernel runs, when Jupyter or VS Code says which."""
    named = user_ns.get(VSCODE_NOTEBOOK_GLOBAL)
    if isinstance(named, str) and Path(named).is_file():
        return Path(named)
    session = environ.get(JUPYTER_SESSION_ENV, "")
    if session.endswith(".ipynb"):
        # Relative to the server's root, which we do not know; the kernel runs in the
        # notebook's own folder, so its name there is the next best guess.
        for candidate in (Path(session), cwd / session, cwd / Path(session).name):
            if candidate.is_file():
                return candidate
    return None


def find_notebook(
    student_file: str,
    explicit: Path | None = None,
    *,
    user_ns: Mapping[str, Any],
    environ: Mapping[str, str],
    cwd: Path,
) -> NotebookFile:
    """The notebook to grade: the one named, else the one this kernel runs, else
    `exercises/exercise_NN.ipynb` or `exercise_NN.ipynb` in the working folder."""
    if explicit is not None:
        path = explicit if explicit.is_absolute() else cwd / explicit
        if not path.is_file():
            raise SubmissionNotFound(tr("notebook {path} does not exist", path=path))
        return NotebookFile(path, tr("named in grader.check()"))
    current = _current_notebook(user_ns, environ, cwd)
    if current is not None:
        return NotebookFile(current.absolute(), tr("the notebook grader.check() ran in"))
    name = Path(student_file).with_suffix(".ipynb").name
    tried = [cwd / "exercises" / name, cwd / name]
    for path in tried:
        if path.is_file():
            return NotebookFile(path, tr("found in {folder}", folder=path.parent))
    raise SubmissionNotFound(
        tr("cannot tell which notebook to grade: this kernel does not say, and {first} and {second} do not exist",
           first=tried[0], second=tried[1]),
        hint=tr('pass the notebook\'s path: grader.check("{exercise}", notebook="path/to/{name}")',
                exercise=Path(student_file).stem, name=name),
    )


def _normalised(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def unsaved_run(notebook: Any, history: Sequence[str], current: int) -> str | None:
    """A warning when the kernel ran code the saved `notebook` does not hold; else None.

    `history` is IPython's `In` list (In[n] is the code of execution n) and `current`
    the number of the execution now running (the grader.check call itself).
    """
    last = next(
        (n for n in range(min(current, len(history)) - 1, 0, -1) if "grader.check(" not in history[n]),
        None,
    )
    if last is None:
        return None
    ran = history[last]
    for cell in notebook.cells:
        if cell.cell_type != "code" or cell.get("execution_count") != last:
            continue
        # IPython stores magics rewritten as get_ipython() calls: the label must do.
        if "get_ipython()" in ran or _normalised(cell.source) == _normalised(ran):
            return None
    return tr(
        "the notebook on disk does not hold In [{last}], the last cell you ran: it has "
        "changes that are not saved. This report grades the saved file; save the notebook "
        "(Ctrl+S) and run this cell again",
        last=last,
    )
