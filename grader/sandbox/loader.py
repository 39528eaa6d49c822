"""Load a student's exercise as a module, from a .py file or a notebook. Child side only."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path


def _notebook_source(path: Path) -> str:
    """The code cells of a notebook as one script; IPython magics and shell lines dropped."""
    import nbformat  # imported lazily: only notebooks need it

    notebook = nbformat.read(str(path), as_version=4)
    parts: list[str] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        lines = [
            line
            for line in cell.source.splitlines()
            if not line.lstrip().startswith(("%", "!"))
        ]
        parts.append(f"# cell {index}\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def load_student_module(path: Path, module_name: str) -> types.ModuleType:
    """Execute the student's file as a fresh module named `module_name`."""
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    sys.modules[module_name] = module
    if path.suffix == ".ipynb":
        source = _notebook_source(path)
    else:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        return module
    code = compile(source, str(path), "exec")
    exec(code, module.__dict__)
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
