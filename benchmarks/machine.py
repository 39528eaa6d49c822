"""What the benchmarks read about the machine itself."""

from __future__ import annotations

import os
import time
from pathlib import Path


def machine_cpu_s() -> float:
    """Seconds all cores spent busy since boot (neither idle nor waiting for I/O): the
    difference over a run is the CPU the whole machine spent on it, children included
    (run nothing else meanwhile)."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class CpuAccount:
    """The CPU time of one command and of every process it starts, whatever else the
    machine runs: a cpuacct cgroup of its own (cgroup v1) that the command joins before
    it starts. getrusage of the children cannot do it: the sandbox's check workers are
    reaped outside the command's tree, and their CPU (student code's) was not counted.
    The sandbox moves its cells into pids cgroups only, another hierarchy under v1, so
    they stay counted here. Where no cpuacct hierarchy is writable (cgroup v2 only, no
    root), `seconds` is None and only the whole machine's figure is left.

        with CpuAccount() as account:
            subprocess.run(command, preexec_fn=account.join)
        account.seconds
    """

    ROOT = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self) -> None:
        self.group: Path | None = None
        self.seconds: float | None = None

    def __enter__(self) -> "CpuAccount":
        group = self.ROOT / f"grader-bench-{os.getpid()}-{id(self)}"
        try:
            group.mkdir()
            self.group = group
        except OSError:
            self.group = None
        return self

    def join(self) -> None:
        """In the child, before it runs the command (subprocess's preexec_fn)."""
        if self.group is not None:
            (self.group / "cgroup.procs").write_text(str(os.getpid()))

    def leave(self) -> None:
        """This process back where it was (it joined its own account)."""
        if self.group is not None:
            (self.ROOT / "cgroup.procs").write_text(str(os.getpid()))

    def __exit__(self, *exc: object) -> None:
        if self.group is None:
            return
        self.seconds = int((self.group / "cpuacct.usage").read_text()) / 1e9
        for _ in range(50):  # the last sandbox processes may take a moment to go
            try:
                self.group.rmdir()
                return
            except OSError:
                time.sleep(0.1)


def load_average() -> str:
    """/proc/loadavg's first three figures: how busy the machine was (other users)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
