"""Write the GitHub Actions workflow that grades a student repository on every push.

The template (grader.yml beside this module) is filled by plain replacement of
@@NAME@@ markers: GitHub's own `${{ ... }}` and the shell's `$VAR` stay untouched.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

from grader.version import __version__
from grader.errors import ReportWriteError, WorkflowExists
from grader.i18n import tr

TEMPLATE = Path(__file__).with_name("grader.yml")
DEFAULT_PATH = Path(".github") / "workflows" / "grader.yml"


def installed_torch_version(fallback: str = "2.13.0") -> str:
    """The torch beside this grader, without its local label (`2.13.0+cpu` -> `2.13.0`).

    Read from the package metadata: importing torch would cost seconds.
    """
    try:
        return importlib.metadata.version("torch").split("+", 1)[0]
    except importlib.metadata.PackageNotFoundError:
        return fallback


@dataclass(frozen=True)
class WorkflowOptions:
    grader_source: str  # a pip requirement: the course's grader (PyPI's "grader" is another project)
    python: str = "3.11"
    torch: str = "2.13.0"
    fail_under: float | None = None


def render_workflow(options: WorkflowOptions) -> str:
    fail_under = f" --fail-under {options.fail_under:g}" if options.fail_under is not None else ""
    replacements = {
        "@@PYTHON@@": options.python,
        "@@TORCH@@": options.torch,
        "@@GRADER_SOURCE@@": options.grader_source,
        "@@GRADER_VERSION@@": __version__,
        "@@FAIL_UNDER@@": fail_under,
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for marker, value in replacements.items():
        text = text.replace(marker, value)
    return text


def write_workflow(path: Path, options: WorkflowOptions, force: bool = False) -> Path:
    """Write the workflow to `path`; an existing file is replaced only with `force`."""
    if path.exists() and not force:
        raise WorkflowExists(
            tr("{path} already exists; not overwriting it", path=path),
            hint=tr("pass --force to replace it, or --path to write somewhere else"),
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_workflow(options), encoding="utf-8")
    except OSError as exc:
        raise ReportWriteError(tr("cannot write the workflow to {path}: {reason}", path=path, reason=exc.strerror)) from exc
    return path
