"""SIGKILL `grader grade` mid-run, run it again: the same gradebook as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.batch.classroom import PARTLY_WRONG, REFERENCE, STUB, SYNTAX_ERROR, folder, zipped
from tests.conftest import REPO_ROOT

_VOLATILE = {"graded_at", "duration_s", "started_at"}


def _command(subs: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "grader", "--no-color", "grade", str(subs), "--jobs", "2", "--out", str(out),
            "--exercises", "exercise_01"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def _rows(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / 'gradebook.sqlite'}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM records").fetchone()[0]
    except sqlite3.Error:
        return 0


def _gradebook(out: Path) -> dict[str, Any]:
    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in _VOLATILE}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value.replace(str(out), "<OUT>") if isinstance(value, str) else value

    with sqlite3.connect(out / "gradebook.sqlite") as db:
        rows = db.execute("SELECT student_id, record FROM records ORDER BY student_id").fetchall()
    return {student_id: clean(json.loads(record)) for student_id, record in rows}


def _describe(pid: int) -> str:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return f"{pid} (gone)"
    return f"{pid} [{state}] {command[:120]}"


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def test_killed_run_resumes_to_the_same_gradebook(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    sources = [REFERENCE, PARTLY_WRONG, STUB, SYNTAX_ERROR]
    for index in range(5):
        folder(subs, f"s{index}", sources[index % len(sources)])
    zipped(subs, "z0", {"lab/exercise_01.py": PARTLY_WRONG})
    (subs / "z1.zip").write_bytes(b"corrupt")

    whole = tmp_path / "whole"
    subprocess.run(_command(subs, whole), env=_env(), check=True, capture_output=True, timeout=300)

    resumed = tmp_path / "resumed"
    process = subprocess.Popen(_command(subs, resumed), env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while _rows(resumed) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    helpers = _descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored_at_kill = _rows(resumed)
    assert 2 <= stored_at_kill < 7, "the run was not interrupted mid-way"

    # The worker processes (and their sandboxes) do not outlive the run they served. A
    # sandbox notices its grader is gone between two steps, so allow it to finish one
    # check's time limit (exercise 01's is 10 s) on a busy machine, not forever.
    deadline = time.monotonic() + 60
    while any(Path(f"/proc/{p}").exists() for p in helpers):
        assert time.monotonic() < deadline, "worker processes outlived the killed run: " + "; ".join(
            _describe(p) for p in helpers if Path(f"/proc/{p}").exists())
        time.sleep(0.2)

    again = subprocess.run(_command(subs, resumed), env=_env(), check=True, capture_output=True,
                           text=True, timeout=300)
    assert f"{stored_at_kill} unchanged (skipped)" in again.stdout
    assert _gradebook(resumed) == _gradebook(whole)
    assert len(_gradebook(whole)) == 7
