"""What the machine says about its cores: the one place that reads them.

Everything the thread policy (policy.py) decides from is read here, from files under
`root` (the real `/` in use; a folder of fake /proc and cgroup files in tests):

    affinity    os.sched_getaffinity: the CPUs this process may run on (passed in)
    quota       cgroup v2 `cpu.max`, or v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`, of this
                process's cgroup and every cgroup above it: the tightest, in cores
    running     /proc/loadavg's fourth field (tasks runnable now), sampled a few times: how
                many other tasks want a core at this moment
    pressure    /proc/pressure/cpu `some avg10`: the share of the last ten seconds in which
                a runnable task waited for a core

The load averages themselves are not used: they trail by a minute, so a machine goes on
looking busy for a minute after a quiet `grader check` ends (its own training was the
load), and looks quiet for a minute after someone else's job starts.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CpuSituation:
    """The cores as this process finds them. `others_running`: tasks runnable beside the
    reader, averaged over the samples (0.0 on a quiet machine; 2.0 with two busy loops);
    None where /proc/loadavg cannot be read."""

    cpus: int
    quota_cores: float | None = None
    others_running: float | None = None
    pressure_pct: float | None = None


def read_situation(root: Path = Path("/"), affinity: int | None = None, samples: int = 3,
                   interval_s: float = 0.002) -> CpuSituation:
    """The situation now. `affinity`: the count of CPUs this process may run on (default:
    os.sched_getaffinity's). A few samples of the running count, `interval_s` apart, so
    that one daemon waking up does not count as a busy core."""
    if affinity is None:
        affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return CpuSituation(
        cpus=max(1, affinity),
        quota_cores=cgroup_quota_cores(root),
        others_running=_others_running(root, samples, interval_s),
        pressure_pct=cpu_pressure_pct(root),
    )


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return None


def _others_running(root: Path, samples: int, interval_s: float) -> float | None:
    counts = []
    for index in range(max(1, samples)):
        if index:
            time.sleep(interval_s)
        text = _read(root / "proc" / "loadavg")
        try:
            running = int(text.split()[3].split("/")[0]) if text else None
        except (IndexError, ValueError):
            running = None
        if running is None:
            return None
        counts.append(max(0, running - 1))  # the reader is running as it reads
    return sum(counts) / len(counts)


def cpu_pressure_pct(root: Path) -> float | None:
    text = _read(root / "proc" / "pressure" / "cpu")
    for line in (text or "").splitlines():
        if line.startswith("some "):
            for field in line.split()[1:]:
                name, _, value = field.partition("=")
                if name == "avg10":
                    try:
                        return float(value)
                    except ValueError:
                        return None
    return None


def _cgroup_paths(root: Path) -> tuple[str | None, str | None]:
    """This process's cgroup v2 path and its v1 `cpu` controller's path, from /proc/self/cgroup."""
    unified = v1_cpu = None
    for line in (_read(root / "proc" / "self" / "cgroup") or "").splitlines():
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if controllers == "" and line.startswith("0::"):
            unified = path
        elif "cpu" in controllers.split(","):
            v1_cpu = path
    return unified, v1_cpu


def _ancestors(mount: Path, path: str) -> list[Path]:
    """The cgroup folder of `path` under `mount` and each folder above it up to the mount.
    Inside a container the path may name a folder the mount does not show (the container's
    own cgroup is the mount's root): the folders that exist are what count."""
    parts = [part for part in path.strip("/").split("/") if part]
    return [mount.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]


def _v2_quota(folder: Path) -> float | None:
    text = _read(folder / "cpu.max")
    if not text:
        return None
    fields = text.split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    try:
        quota, period = int(fields[0]), int(fields[1])
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def _v1_quota(folder: Path) -> float | None:
    quota_text, period_text = _read(folder / "cpu.cfs_quota_us"), _read(folder / "cpu.cfs_period_us")
    try:
        quota, period = int((quota_text or "").strip()), int((period_text or "").strip())
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def cgroup_quota_cores(root: Path) -> float | None:
    """The tightest CPU quota over this process's cgroup and those above it, in cores
    (1.5: one and a half cores' time per period); None when there is none."""
    unified, v1_cpu = _cgroup_paths(root)
    quotas: list[float] = []
    cgroup = root / "sys" / "fs" / "cgroup"
    if unified is not None:  # /sys/fs/cgroup itself, or its `unified` folder on a hybrid machine
        for mount in (cgroup, cgroup / "unified"):
            quotas += [q for folder in _ancestors(mount, unified) if (q := _v2_quota(folder)) is not None]
    if v1_cpu is not None:
        for mount in (cgroup / "cpu", cgroup / "cpu,cpuacct", cgroup / "cpuacct,cpu"):
            quotas += [q for folder in _ancestors(mount, v1_cpu) if (q := _v1_quota(folder)) is not None]
    return min(quotas) if quotas else None
