"""When two exercise files are the same file: one content key, after normalising what editors change.

Two students' files are identical when their keys are equal. A key is the sha256 of
the file's content with line endings made LF (CRLF and a lone CR, as Windows and old
Mac editors save) and trailing newlines made one: Python reads all three line endings
alike and a file's last newlines run nothing, so two files with the same key import
and run the same. A notebook's key is that of its code cells as the sandbox runs them
(grader.sandbox.notebook.read_cells: cell numbers and `In [n]` labels included, since
messages quote them); outputs, metadata and markdown do not count. A notebook that
cannot be read is keyed on its bytes, like a .py file.

Used by `grader grade` to grade each distinct file of a class once, and wherever files
are compared for exact copies. Reads files; never runs them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

_NOTEBOOK = ".ipynb"


def normalise_text(content: bytes) -> bytes:
    """`content` with CRLF and CR line endings as LF, and its trailing newlines as one
    (none for an empty file)."""
    text = content.replace(b"\r\n", b"\n").replace(b"\r", b"\n").rstrip(b"\n")
    return text + b"\n" if text else b""


def _notebook_code(path: Path) -> bytes | None:
    """The notebook's code cells as they will run, as bytes to hash; None when unreadable."""
    from grader.sandbox.notebook import read_cells

    try:
        cells = read_cells(path)
    except Exception:  # noqa: BLE001 - nbformat raises many kinds for a broken file; it is then keyed on its bytes
        return None
    return json.dumps([[c.number, c.execution_count, normalise_text(c.source.encode("utf-8")).decode("utf-8")]
                       for c in cells], ensure_ascii=False).encode("utf-8")


def content_key(path: Path) -> str:
    """The file's key: equal keys, identical files (see the module's docstring). The
    kind of file is part of it: a .py file and a notebook are never identical."""
    code = _notebook_code(path) if path.suffix == _NOTEBOOK else None
    kind, content = ("notebook-code", code) if code is not None else ("text", normalise_text(path.read_bytes()))
    digest = hashlib.sha256(f"{kind}\0{path.suffix}\0".encode())
    digest.update(content)
    return digest.hexdigest()


def identical(first: Path, second: Path) -> bool:
    """Whether the two files are the same exercise file (equal content keys)."""
    return content_key(first) == content_key(second)
