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
