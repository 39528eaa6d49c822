"""The roster CSV: flexible headers, errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.roster import load_roster
from grader.errors import RosterError


def test_reads_ids_names_and_emails_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("\ufeffStudent_ID,Name,Email\nalice,Alice A,a@x.org\n\nbob,,\n", encoding="utf-8")
    roster = load_roster(path)
    assert list(roster) == ["alice", "bob"]
    assert (roster["alice"].name, roster["alice"].email) == ("Alice A", "a@x.org")


def test_needs_an_id_column(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("name,email\nAlice,a@x.org\n")
    with pytest.raises(RosterError, match="no id column"):
        load_roster(path)


def test_duplicate_ids_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("id\nalice\nbob\nalice\n")
    with pytest.raises(RosterError, match="line 4: 'alice' is listed twice"):
        load_roster(path)
