"""The roster CSV: who is in the class, their names and emails.

A header row is required; the id column may be called id, student_id, login or
username (case-insensitive); name, email and lang (the language of the student's
feedback, e.g. zh; overrides `grader grade --lang`) are optional columns. For an LMS's
download (`grader grade --from ...`) and its gradebook (`--export ...`), the optional
columns canvas_id (Canvas's numeric user id), moodle_id (Moodle's participant id),
sis_user_id, sis_login_id and section map the platform's people to the roster's.
Canvas's own gradebook export reads as a roster too: its ID column is then the id
(and the Canvas id), Student the name; its "Points Possible" row has no id and is skipped. Students on the
roster with no submission get a row with zero points and status "missing".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from grader.errors import RosterError
from grader.i18n import tr

_ID_COLUMNS = ("id", "student_id", "login", "username")
# Optional columns, each with the names it may go by (the first is ours; Canvas's export spells the others).
_OPTIONAL_COLUMNS = {
    "name": ("name", "full name", "student"),
    "email": ("email", "email address"),
    "language": ("lang", "language"),
    "canvas_id": ("canvas_id",),
    "moodle_id": ("moodle_id",),
    "sis_user_id": ("sis_user_id", "sis user id"),
    "sis_login_id": ("sis_login_id", "sis login id"),
    "section": ("section",),
}


@dataclass(frozen=True)
class RosterEntry:
    student_id: str
    name: str = ""
    email: str = ""
    language: str = ""  # the feedback's language; "" = the command's
    canvas_id: str = ""  # Canvas's numeric user id
    moodle_id: str = ""  # Moodle's participant id (the "Participant N" of its worksheet)
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""

    @property
    def platform_ids(self) -> dict[str, str]:
        """The ids this student is known by on each platform (only those the roster gives)."""
        ids = {"canvas": self.canvas_id, "moodle": self.moodle_id}
        return {platform: value for platform, value in ids.items() if value}


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
    canvas_export = {"student", "id", "sis user id"} <= set(columns)
    roster: dict[str, RosterEntry] = {}
    for row in reader:
        student_id = (row.get(id_column) or "").strip()
        if not student_id:
            continue
        if student_id in roster:
            raise RosterError(tr("{path}, line {line}: {student} is listed twice", path=path, line=reader.line_num,
                                 student=repr(student_id)))
        fields = {field: _cell(row, columns, names) for field, names in _OPTIONAL_COLUMNS.items()}
        if canvas_export and not fields["canvas_id"]:
            fields["canvas_id"] = student_id  # Canvas's gradebook: its ID is the Canvas user id
        roster[student_id] = RosterEntry(student_id, **fields)
    return roster


def _cell(row: dict[str, str], columns: dict[str, str], names: tuple[str, ...]) -> str:
    column = next((columns[n] for n in names if n in columns), None)
    return (row.get(column, "") or "").strip() if column is not None else ""
