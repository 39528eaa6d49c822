"""What the benchmarks read about the machine itself."""

from __future__ import annotations

import os
from pathlib import Path


def machine_cpu_s() -> float:
    """Seconds all cores spent busy since boot (neither idle nor waiting for I/O): the
    difference over a run is the CPU the whole machine spent on it, children included
    (run nothing else meanwhile)."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_s() -> float:
    """CPU seconds of this process's children and their descendants, once they have all
    been waited for (user + system): a run's own CPU, whatever else the machine does."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    """/proc/loadavg's first three figures: how busy the machine was (other users)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
