"""The roster CSV: who is in the class, their names and emails.

A header row is required; the id column may be called id, student_id, login or
username (case-insensitive); name, email and lang (the language of the student's
feedback, e.g. zh; overrides `grader grade --lang`) are optional columns. Students on the
roster with no submission get a row with zero points and status "missing".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from grader.errors import RosterError
from grader.i18n import tr

_ID_COLUMNS = ("id", "student_id", "login", "username")


@dataclass(frozen=True)
class RosterEntry:
    student_id: str
    name: str = ""
    email: str = ""
    language: str = ""  # the feedback's language; "" = the command's


def load_roster(path: Path) -> dict[str, RosterEntry]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: spreadsheets often write a BOM
    except OSError as exc:
        raise RosterError(tr("cannot read the roster {path}: {reason}", path=path, reason=exc.strerror or exc)) from exc
    except UnicodeDecodeError as exc:
        raise RosterError(tr("{path}: not UTF-8 text", path=path), hint=tr("save the roster as CSV (UTF-8)")) from exc
    reader = csv.DictReader(text.splitlines())
    columns = {name.strip().lower(): name for name in reader.fieldnames or []}
    id_column = next((columns[c] for c in _ID_COLUMNS if c in columns), None)
    if id_column is None:
        raise RosterError(
            tr("{path}: no id column (found: {columns})", path=path,
               columns=", ".join(reader.fieldnames or []) or tr("nothing")),
            hint=tr("the first row must name the columns, one of them {names}", names=" / ".join(_ID_COLUMNS)),
        )
    roster: dict[str, RosterEntry] = {}
    for row in reader:
        student_id = (row.get(id_column) or "").strip()
        if not student_id:
            continue
        if student_id in roster:
            raise RosterError(tr("{path}, line {line}: {student} is listed twice", path=path, line=reader.line_num,
                                 student=repr(student_id)))
        roster[student_id] = RosterEntry(
            student_id,
            name=(row.get(columns.get("name", ""), "") or "").strip(),
            email=(row.get(columns.get("email", ""), "") or "").strip(),
            language=(row.get(columns.get("lang", columns.get("language", "")), "") or "").strip(),
        )
    return roster
