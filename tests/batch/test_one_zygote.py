"""`grader grade --jobs 2`: the two workers' sandboxes share one zygote (one torch import
for the students' code, not one per job), and the class grades as before."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.batch.classroom import PARTLY_WRONG, REFERENCE, STUB, folder
from tests.conftest import REPO_ROOT

ZYGOTE = b"from grader.sandbox.zygote import main"


def _zygotes_under(pid: int) -> set[int]:
    """Zygote processes among `pid`'s descendants (started, not forked from one)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    commands: dict[int, bytes] = {}
    for process in found | {pid}:
        try:
            commands[process] = Path(f"/proc/{process}/cmdline").read_bytes()
        except OSError:
            pass  # ended meanwhile
    # Its cells and their workers are forks of it, with its command line: not zygotes. A
    # fork whose parent ended meanwhile proves nothing either way.
    return {p for p, command in commands.items()
            if ZYGOTE in command and parents.get(p) in commands and ZYGOTE not in commands[parents[p]]}


def test_a_pool_of_two_workers_runs_one_zygote(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    for index, source in enumerate([REFERENCE, PARTLY_WRONG, STUB, REFERENCE, PARTLY_WRONG, REFERENCE]):
        folder(subs, f"s{index}", source)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "--no-color", "grade", str(subs), "--jobs", "2",
         "--out", str(tmp_path / "out"), "--exercises", "exercise_01"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: set[int] = set()
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        seen |= _zygotes_under(process.pid)
        time.sleep(0.05)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    assert len(seen) == 1, f"zygotes seen during the run: {sorted(seen)}"
    assert "6 submissions: 6 graded now" in output, output
