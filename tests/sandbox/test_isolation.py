"""Threats whose proof needs more than a score: the machine, the network, secrets, files."""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.sandbox.cell import _EXTRA_PROCESSES
from grader.engine.options import GradingOptions, LimitOverrides
from grader.engine.run import grade_submission
from grader.models.results import CheckStatus
from grader.sandbox.client import Sandbox
from tests.conftest import FIXTURES, REPO_ROOT, by_id

HOSTILE = FIXTURES / "hostile"


@pytest.fixture
def protections(grade, sandbox):
    grade("exercise_02", REPO_ROOT / "solutions")
    return sandbox.protections or set()


def test_fork_bomb_is_contained(grade, protections):
    """The bomb's own first process says how many children it got before a fork was refused:
    fewer than the cap. Without the cap it would stop at its safety limit and return."""
    if "process-count" not in protections:
        pytest.skip("no pids cgroup here: a fork bomb would only be stopped by the timeout")
    cap = 16 + (os.cpu_count() or 1)  # torch's threads (one per core) count against the cap too
    result = grade("exercise_01", HOSTILE / "fork_bomb", processes=cap)
    checks = by_id(result)
    for name in ("corr2d_lecture_example", "corr2d_random"):
        message = checks[name].message
        assert checks[name].status is CheckStatus.ERROR, message
        assert f"(the process limit is processes={cap})" in message
        made = re.search(r"fork refused after (\d+) children", message)
        assert made is not None, message
        # The cap is the check's; the student's sandbox holds a few processes of its own
        # beyond it (grader.sandbox.cell._EXTRA_PROCESSES). Without a cap the bomb would go on
        # to its safety limit.
        assert int(made.group(1)) < cap + _EXTRA_PROCESSES
    assert result.points_earned == 16


def _processes_with(text: str, in_environment: bool = False) -> list[int]:
    """Processes whose command line (and, if asked, environment) contains `text`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        for part in ("cmdline", "environ") if in_environment else ("cmdline",):
            try:
                if text.encode() in Path(f"/proc/{entry}/{part}").read_bytes().replace(b"\0", b" "):
                    found.append(int(entry))
                    break
            except OSError:
                pass
    return found


def _gone_soon(text: str, in_environment: bool = False) -> list[int]:
    """The processes still matching after up to 5 s: a SIGKILLed process takes a moment to end."""
    deadline = time.monotonic() + 5
    while (alive := _processes_with(text, in_environment)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _outliving_submission(tmp_path: Path) -> tuple[Path, str]:
    """The process_outlives_check fixture with a sleep only this test run starts."""
    folder = tmp_path / "outlives"
    shutil.copytree(HOSTILE / "process_outlives_check", folder)
    seconds = f"4242.{os.getpid()}{time.monotonic_ns() % 10**6}"
    (folder / "seconds.txt").write_text(seconds)
    return folder, f"sleep {seconds}"


def test_a_process_started_by_a_check_does_not_outlive_it(grade, protections, tmp_path):
    folder, command = _outliving_submission(tmp_path)
    result = grade("exercise_01", folder)
    assert result.points_earned == 20
    assert _gone_soon(command) == []


def test_the_next_check_never_meets_a_process_of_the_previous_one(grade, protections):
    """Each check's worker leaves a detached process; the checks after it look for one
    that could still run and answer wrongly if they find it. The cell SIGKILLs what a
    check left before the next check starts (its exit may finish while that one runs)."""
    if "processes" not in protections:
        pytest.skip("no PID namespace here: a detached process is out of the cell's reach")
    result = grade("exercise_01", HOSTILE / "meets_the_previous_check")
    assert result.points_earned == 20, [c.message for c in result.checks if c.status is not CheckStatus.PASSED]


def test_no_network_from_student_code(grade, protections, tmp_path):
    if "network" not in protections:
        pytest.skip("no network namespace on this machine")
    server = socket.create_server(("127.0.0.1", 0))
    folder = tmp_path / "net"
    shutil.copytree(HOSTILE / "network_connection", folder)
    (folder / "port.txt").write_text(str(server.getsockname()[1]))
    try:
        result = grade("exercise_01", folder)
        # A connection that got through would be waiting in the listen backlog (the kernel
        # completes it without accept()): look without waiting.
        server.setblocking(False)
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()
    checks = by_id(result)
    assert checks["corr2d_lecture_example"].status is CheckStatus.ERROR
    assert "Network is unreachable" in checks["corr2d_lecture_example"].message
    assert result.points_earned == 16


def _shows_soon(path: Path, text: bytes) -> bool:
    """Whether `path` shows `text` within 5 s: a process's environ is its own once it has exec'd."""
    deadline = time.monotonic() + 5
    while text not in path.read_bytes():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_secrets_in_the_graders_environment_never_reach_student_code(course, monkeypatch):
    """A secret lives in two places a student could look: the grader's own environment
    (which a child would inherit) and other processes' /proc/<pid>/environ (a CI runner's,
    the grader's own as it was started). monkeypatch.setenv reaches only the first: it never
    shows in /proc. A bystander process started with the second secret is where a /proc
    sweep would find it."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_supersecret_12345")
    bystander = subprocess.Popen(
        ["sleep", "120"], env={"PATH": os.environ["PATH"], "AWS_SECRET_ACCESS_KEY": "aws_supersecret_67890"}
    )
    try:
        assert _shows_soon(Path(f"/proc/{bystander.pid}/environ"), b"aws_supersecret")  # plainly there to find
        (exercise,) = course.select(["exercise_01"])
        with Sandbox() as box:  # started after the secrets are set, as a CI run would be
            report = grade_submission(course, [exercise], HOSTILE / "reads_secrets", box)
            protections = box.protections or set()
    finally:
        bystander.kill()
        bystander.wait()
    text = report.model_dump_json()
    checks = by_id(report.exercises[0])
    assert checks["corr2d_lecture_example"].status is CheckStatus.ERROR
    assert "PATH=" in checks["corr2d_lecture_example"].message  # it did read its own environment
    assert "ghp_supersecret" not in text
    if "processes" not in protections:
        pytest.skip("no PID namespace here: other processes' environments are readable (see docs/security.md)")
    assert "aws_supersecret" not in text


def _digest(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


# The files tests/fixtures/hostile/tampers_with_grader tries to append to, and the one it tries to create.
TAMPERED = ("solutions/exercise_01.py", "checks/exercise_01/checks.py", "grader/__init__.py")
CREATED = "grader/tampered.py"


def test_student_code_cannot_change_the_grader_the_checks_or_the_solutions(grade, protections):
    if "filesystem" not in protections:
        pytest.skip("no mount namespace on this machine")
    targets = [REPO_ROOT / path for path in TAMPERED]
    before = _digest(targets)
    result = grade("exercise_01", HOSTILE / "tampers_with_grader")
    assert _digest(targets) == before
    assert not (REPO_ROOT / CREATED).exists()
    # The attempts really ran, and each was refused (not skipped by an import error).
    message = by_id(result)["corr2d_lecture_example"].message
    for path in (*TAMPERED, CREATED):
        assert f"{path}: refused (" in message, message
    assert ": written" not in message
    assert result.points_earned == 0


def test_student_code_cannot_read_the_reference_solution(grade, protections):
    if "filesystem" not in protections:
        pytest.skip("no mount namespace on this machine")
    result = grade("exercise_01", HOSTILE / "reads_solutions")
    assert result.points_earned == 0


@pytest.mark.parametrize("name", ["with space", "ünïcødé ñ", "$(touch pwned); `id` 'q' \"d\" & | > <"])
def test_odd_folder_names(grade, tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(REPO_ROOT / "solutions" / "exercise_01.py", folder / "exercise_01.py")
    result = grade("exercise_01", folder)
    assert result.points_earned == 20
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_twenty_submissions_in_a_row_half_of_them_hostile(grade):
    hostile = ["os_exit_at_import", "sleep_past_timeout", "kills_other_processes", "monkeypatch_torch_and_pytest",
               "segfault_mid_check", "stdout_flood", "memory_bomb_torch", "tampers_with_grader",
               "process_outlives_check", "recursion_error"]
    honest_alone = grade("exercise_01", REPO_ROOT / "solutions").points_earned
    for bad in hostile:
        grade("exercise_01", HOSTILE / bad, timeout_s=1.5)  # honest calls take milliseconds
        assert grade("exercise_01", REPO_ROOT / "solutions").points_earned == honest_alone == 20


def _cgroups_named(prefix: str) -> list[str]:
    """pids cgroups a sandbox made for its workers (named after its private folder)."""
    return [p for root in ("/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup")
            for p in glob.glob(f"{root}/{prefix}*")]


@dataclass(frozen=True)
class AfterHostileRun:
    """What is left on the machine once a sandbox that ran hostile code is closed."""

    processes: list[int]  # processes of the sandbox (zygote, workers, by their environment)
    outliving: list[int]  # the process a check started to outlive it
    files: list[Path]  # under the folder the sandbox was given for its private folders
    cgroups: list[str]  # pids cgroups made for its workers


@pytest.fixture(scope="module")
def after_a_hostile_run(course, tmp_path_factory) -> AfterHostileRun:
    tmp_path = tmp_path_factory.mktemp("hostile_run")
    private = tmp_path / "private"
    private.mkdir()
    outliving, command = _outliving_submission(tmp_path)
    exercise = course.select(["exercise_01"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(private))  # the sandbox's folders go where we can look
        with Sandbox() as box:
            for folder in (outliving, HOSTILE / "disk_fill", HOSTILE / "kills_other_processes"):
                grade_submission(course, exercise, folder, box, GradingOptions(LimitOverrides(timeout_s=2)))
            # The search below finds the sandbox's processes by its private folder, which is
            # in their environment: make sure it does find them while they run.
            assert _processes_with(str(private), in_environment=True)
            made = [entry.name for entry in private.iterdir()]
            assert made
    return AfterHostileRun(
        processes=_gone_soon(str(private), in_environment=True),
        outliving=_gone_soon(command),
        files=list(private.rglob("*")),
        cgroups=[p for name in made for p in _cgroups_named(f"{name}-")],
    )


def test_the_machine_is_healthy_after_a_hostile_run(after_a_hostile_run):
    """No process (zygote, workers, what they started) and no file (a disk fill's included)."""
    assert after_a_hostile_run.processes == []
    assert after_a_hostile_run.outliving == []
    assert after_a_hostile_run.files == []


def test_no_cgroup_is_left_behind(after_a_hostile_run):
    """The zygote removes an ended cell's cgroup once its processes have left it (tried
    again until they have), and on its way out those of the cells still open."""
    assert after_a_hostile_run.cgroups == []
