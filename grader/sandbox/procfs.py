"""Reading /proc about the sandbox's processes: stdlib only, used on both sides.

The cell reads its own PID namespace (sessions, whether a killed worker has stopped
running); the grading process reads the host's view of a worker it holds a pidfd
for (whether something signalled it while it waited to serve a check).
"""

from __future__ import annotations

import os
from pathlib import Path

_PF_EXITING = 0x4  # stat's flags: the task is in the kernel's exit path
_GONE_STATES = "ZXx"


def stat_fields(path: str) -> list[str] | None:
    """The fields of a /proc .../stat file after the command name: state, ppid, pgrp,
    session, ..., flags at index 6. None if the process is gone."""
    try:
        return Path(path).read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def session_of(pid: int) -> int | None:
    fields = stat_fields(f"/proc/{pid}/stat")
    try:
        return int(fields[3]) if fields else None
    except ValueError:
        return None


def has_stopped_running(pid: int) -> bool:
    """Every thread of `pid` is exiting or gone: none of them can make another system
    call (such as a kill of another process)."""
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return True
    for thread in threads:
        fields = stat_fields(f"/proc/{pid}/task/{thread}/stat")
        if fields is not None and fields[0] not in _GONE_STATES and not int(fields[6]) & _PF_EXITING:
            return False
    return True


def was_interfered_with(pid: int) -> bool:
    """An idle process (one waiting for its first request) that is stopped, traced,
    exiting or gone, or has a signal pending: something signalled it."""
    fields = stat_fields(f"/proc/{pid}/stat")
    if fields is None or fields[0] in "Tt" + _GONE_STATES or int(fields[6]) & _PF_EXITING:
        return True
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    pending = (line.split()[1] for line in status.splitlines() if line.startswith(("SigPnd:", "ShdPnd:")))
    return any(mask.strip("0") for mask in pending)


def pid_of_pidfd(pidfd: int) -> int | None:
    """The pid, as this process's PID namespace numbers it, of the process `pidfd`
    refers to (-1 in fdinfo once it has been reaped)."""
    try:
        for line in Path(f"/proc/self/fdinfo/{pidfd}").read_text().splitlines():
            if line.startswith("Pid:"):
                pid = int(line.split()[1])
                return pid if pid > 0 else None
    except (OSError, ValueError, IndexError):
        return None
    return None
