"""Threats whose proof needs more than a score: the machine, the network, secrets, files."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

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
    if "process-count" not in protections:
        pytest.skip("no pids cgroup here: a fork bomb would only be stopped by the timeout")
    result = grade("exercise_01", HOSTILE / "fork_bomb", timeout_s=3)
    checks = by_id(result)
    for name in ("corr2d_lecture_example", "corr2d_random"):
        assert checks[name].status is CheckStatus.TIMEOUT
    assert result.points_earned == 16


def _processes_named(word: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                found.append(Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                pass
    return [cmd for cmd in found if word in cmd]


def test_a_process_started_by_a_check_does_not_outlive_it(grade, protections):
    result = grade("exercise_01", HOSTILE / "process_outlives_check")
    assert result.points_earned == 20
    assert _processes_named("sleep 4242") == []


def test_no_network_from_student_code(grade, protections, tmp_path):
    if "network" not in protections:
        pytest.skip("no network namespace on this machine")
    received: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)

    def accept() -> None:
        try:
            conn, _ = server.accept()
            received.append(conn.recv(100))
        except OSError:
            pass

    listener = threading.Thread(target=accept, daemon=True)
    listener.start()
    folder = tmp_path / "net"
    shutil.copytree(HOSTILE / "network_connection", folder)
    (folder / "port.txt").write_text(str(server.getsockname()[1]))
    result = grade("exercise_01", folder)
    server.close()
    listener.join(timeout=6)
    checks = by_id(result)
    assert checks["corr2d_lecture_example"].status is CheckStatus.ERROR
    assert "Network is unreachable" in checks["corr2d_lecture_example"].message
    assert received == []
    assert result.points_earned == 16


def test_secrets_in_the_graders_environment_never_reach_student_code(course, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_supersecret_12345")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws_supersecret_67890")
    (exercise,) = course.select(["exercise_01"])
    with Sandbox() as box:  # started after the secrets are set, as a CI run would be
        report = grade_submission(course, [exercise], HOSTILE / "reads_secrets", box)
    text = report.model_dump_json()
    checks = by_id(report.exercises[0])
    assert checks["corr2d_lecture_example"].status is CheckStatus.ERROR
    assert "PATH=" in checks["corr2d_lecture_example"].message  # it did read its own environment
    assert "supersecret" not in text


def _digest(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_student_code_cannot_change_the_grader_the_checks_or_the_solutions(grade):
    targets = [
        REPO_ROOT / "solutions" / "exercise_01.py",
        REPO_ROOT / "checks" / "exercise_01" / "checks.py",
        REPO_ROOT / "grader" / "checks" / "tensors.py",
    ]
    before = _digest(targets)
    result = grade("exercise_01", HOSTILE / "tampers_with_grader")
    assert _digest(targets) == before
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
        grade("exercise_01", HOSTILE / bad, timeout_s=2)
        assert grade("exercise_01", REPO_ROOT / "solutions").points_earned == honest_alone == 20


def test_the_machine_is_healthy_after_a_hostile_run():
    survivors = _processes_named("grader-work") + _processes_named("sleep 4242")
    assert survivors == []
    assert subprocess.run(["true"]).returncode == 0
