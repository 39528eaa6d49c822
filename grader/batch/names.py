"""File names for student ids: ids come from folder names and rosters, and are not trusted."""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def safe_file_name(student_id: str) -> str:
    """A file name for the id; ids that needed changing get a short hash to stay unique."""
    cleaned = _UNSAFE.sub("_", student_id).lstrip(".") or "_"
    if cleaned == student_id:
        return cleaned
    return f"{cleaned[:80]}-{hashlib.sha256(student_id.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
