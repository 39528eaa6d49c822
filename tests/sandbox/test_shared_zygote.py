"""One zygote for several sandboxes (a batch's pool workers): each client gets its own
cells and grades as with a zygote of its own, a client that leaves takes only its cells,
no cell holds a socket of the zygote's, and a client whose shared zygote died goes on
with one of its own."""

from __future__ import annotations

import os
import time
from pathlib import Path

from grader.engine.run import grade_submission
from grader.engine.student import StudentCode
from grader.models.manifest import CheckLimits
from grader.sandbox.client import Sandbox, SharedZygote
from tests.conftest import FIXTURES, REPO_ROOT, by_id

RESTART_NOTE = "the sandbox was restarted 1 time(s) after student code killed it"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass
    return found


def _sockets(pid: int) -> set[str]:
    """The socket inodes a process holds open, read from the host's /proc."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


def test_two_sandboxes_grade_on_one_shared_zygote(course):
    exercise = course.select(["exercise_01"])
    with SharedZygote(threads=1) as shared:
        first = Sandbox(many_cells=True, shared=shared.attach)
        second = Sandbox(many_cells=True, shared=shared.attach)
        try:
            right = grade_submission(course, exercise, REPO_ROOT / "solutions", first)
            wrong = grade_submission(course, exercise, REPO_ROOT / "exercises", second)
            assert (right.points_earned, wrong.points_earned) == (20, 0)
            first.close()  # one client leaves; the other grades on
            again = grade_submission(course, exercise, REPO_ROOT / "solutions", second)
            assert again.points_earned == 20
        finally:
            first.close()
            second.close()
    assert shared.process.returncode == 0  # it ended once the attach socket and its clients had


def test_a_cell_holds_no_socket_of_its_shared_zygote(tmp_path):
    """Each client's cell is forked by the shared zygote, and holds none of the sockets
    the zygote holds: its clients' control sockets, its attach socket."""
    (tmp_path / "exercise_01.py").write_text("def answer():\n    return 42\n")
    with SharedZygote(threads=1) as shared:
        boxes = [Sandbox(many_cells=True, shared=shared.attach) for _ in range(2)]
        codes = [StudentCode(box, tmp_path / "exercise_01.py", "exercise_01", CheckLimits(timeout_s=30))
                 for box in boxes]
        try:
            assert [code.call("answer") for code in codes] == [42, 42]
            cells = _children(shared.process.pid)
            assert len(cells) == 2
            zygote_sockets = _sockets(shared.process.pid)
            assert len(zygote_sockets) >= 3  # the attach socket and two clients'
            for cell in cells:
                assert _sockets(cell) & zygote_sockets == set()
            # A client that leaves takes its cell with it, and only its own: the other's
            # worker, alive in its cell, still answers.
            codes[0].close()
            boxes[0].close()
            assert len(_gone_soon(cells, shared.process.pid)) == 1
            assert codes[1].call("answer") == 42
        finally:
            for code in codes:
                code.close()
            for box in boxes:
                box.close()


def _gone_soon(cells: list[int], zygote: int) -> list[int]:
    """The zygote's children among `cells` once those being killed have been reaped."""
    deadline = time.monotonic() + 5
    while len(alive := [c for c in _children(zygote) if c in cells]) > 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    return alive


def test_a_sandbox_whose_shared_zygote_was_killed_goes_on_with_its_own(course):
    """As for a zygote of its own (test_client.py): without isolation a worker kills its
    parent; here the check that did it fails, the rest run on a new zygote of the
    sandbox's own, and the report says so once."""
    exercise = course.select(["exercise_01"])
    with SharedZygote(threads=1) as shared:
        box = Sandbox(isolate=False, shared=shared.attach)
        try:
            report = grade_submission(course, exercise, FIXTURES / "hostile" / "kills_the_sandbox", box)
            honest = grade_submission(course, exercise, REPO_ROOT / "solutions", box)
        finally:
            box.close()
    checks = by_id(report.exercises[0])
    assert checks["conv1x1"].status.value == "passed"
    assert report.points_earned == 18
    assert RESTART_NOTE in report.notes
    assert honest.points_earned == 20
