"""What a cell's workers inherit from it, and how a cell's processes end with their parent.

Its own module so that the cell (which forks workers) and the worker (which reads the
state) both import it, and not each other.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from grader.sandbox.isolation import Protection
from grader.sandbox.protocol import CellSpec

_PR_SET_PDEATHSIG = 1


@dataclass
class CellState:
    """What every worker of a cell inherits."""

    spec: CellSpec
    files: list[tuple[Path, bytes]]
    mode: Literal["root", "host", "none"]  # allow-listed root | own mounts on the host's tree | no mount namespace
    user_processes: int  # the user's processes on the host when the cell was made (RLIMIT_NPROC's base)
    protections: set[Protection] = field(default_factory=set)
    in_pid_namespace: bool = False
    worker_user: bool = False  # workers become privileges.WORKER_UID (a grader run as root)
    own_user_namespace: bool = False  # workers can enter one of their own (privileges.enter_own_namespaces)


def die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # not Linux: the zygote kills its cells on exit instead
        pass
