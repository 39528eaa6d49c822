"""Reading /proc about the sandbox's processes: what the cell and the grading process
decide from it (whether a killed worker can still act, whether a waiting one was touched)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from grader.sandbox import procfs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")

_WAIT = "import signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1}); print('ready', flush=True); sys.stdin.read()"


@pytest.fixture
def waiting():
    """A process waiting idle (SIGUSR1 blocked, so a sent one stays pending)."""
    child = subprocess.Popen([sys.executable, "-c", _WAIT], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline() == b"ready\n"
    yield child
    child.kill()
    child.wait()


def _until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    return condition()


def test_an_idle_process_was_not_interfered_with(waiting):
    assert not procfs.was_interfered_with(waiting.pid)
    assert procfs.session_of(waiting.pid) == os.getsid(waiting.pid)


def test_a_stopped_process_was_interfered_with(waiting):
    os.kill(waiting.pid, signal.SIGSTOP)
    assert _until(lambda: procfs.was_interfered_with(waiting.pid))


def test_a_pending_signal_counts_as_interference(waiting):
    os.kill(waiting.pid, signal.SIGUSR1)  # blocked: it stays pending
    assert procfs.was_interfered_with(waiting.pid)


def test_a_killed_process_stops_running_and_counts_as_interfered_with(waiting):
    assert not procfs.has_stopped_running(waiting.pid)
    os.kill(waiting.pid, signal.SIGKILL)
    assert _until(lambda: procfs.has_stopped_running(waiting.pid))
    assert procfs.was_interfered_with(waiting.pid)


def test_the_pid_behind_a_pidfd(waiting):
    pidfd = os.pidfd_open(waiting.pid)
    try:
        with open(f"/proc/self/fdinfo/{pidfd}") as fdinfo:
            if "Pid:" not in fdinfo.read():
                pytest.skip("this kernel's pidfd fdinfo does not name the pid")
        assert procfs.pid_of_pidfd(pidfd) == waiting.pid
    finally:
        os.close(pidfd)


def test_a_process_that_is_gone():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert procfs.has_stopped_running(child.pid)
    assert procfs.was_interfered_with(child.pid)
    assert procfs.session_of(child.pid) is None
