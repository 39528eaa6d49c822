"""Load a student's exercise as a module, from a .py file or a notebook. Child side only."""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path

from grader.sandbox.notebook import GRADING_ENV, read_cells, run_cells


def load_student_module(path: Path, module_name: str) -> types.ModuleType:
    """Execute the student's file as a fresh module named `module_name`."""
    # A grader.check() call in the student's code (a generated notebook's last cell)
    # must not start grading again from inside the grading.
    os.environ[GRADING_ENV] = "1"
    if path.suffix == ".ipynb":
        # Cell by cell in one namespace, as Jupyter runs it (see grader.sandbox.notebook).
        module = types.ModuleType(module_name)
        module.__file__ = str(path)
        sys.modules[module_name] = module
        run_cells(read_cells(path), path.name, module.__dict__)
        return module
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def load_trusted_module(path: Path, module_name: str, source: str | None = None) -> types.ModuleType:
    """Import one of the course's own helper files (probes).

    The grading process sends the source along, because the child cannot read the
    course's checks folder (it is hidden from student code).
    """
    if source is None:
        source = path.read_text(encoding="utf-8")
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    sys.modules[module_name] = module
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module
