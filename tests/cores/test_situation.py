"""Reading the machine from fake /proc and cgroup files (a folder standing for /)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.cores.situation import CpuSituation, cgroup_quota_cores, cpu_pressure_pct, read_situation

PRESSURE = "some avg10={some} avg60=3.00 avg300=1.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"


def _machine(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_quiet_machine_without_a_quota(tmp_path):
    root = _machine(tmp_path, {
        "proc/loadavg": "1.90 1.20 0.80 1/230 4242\n",  # only the reader running; the averages trail
        "proc/pressure/cpu": PRESSURE.format(some="0.50"),
        "proc/self/cgroup": "0::/user.slice/session-1.scope\n",
        "sys/fs/cgroup/cpu.max": "max 100000\n",
    })
    assert read_situation(root, affinity=8, interval_s=0) == CpuSituation(
        cpus=8, quota_cores=None, others_running=0.0, pressure_pct=0.5)


def test_two_busy_loops_beside_the_reader(tmp_path):
    root = _machine(tmp_path, {"proc/loadavg": "0.10 0.05 0.01 3/230 4242\n"})
    situation = read_situation(root, affinity=2, interval_s=0)
    assert situation.others_running == 2.0
    assert situation.quota_cores is None and situation.pressure_pct is None  # files absent: unknown


def test_the_running_count_is_averaged_over_samples(tmp_path, monkeypatch):
    root = _machine(tmp_path, {"proc/loadavg": "0 0 0 1/10 1\n"})
    counts = iter(["0 0 0 1/10 1\n", "0 0 0 3/10 1\n", "0 0 0 2/10 1\n"])
    monkeypatch.setattr("grader.cores.situation.time.sleep", lambda _s: (root / "proc/loadavg").write_text(next(counts)))
    assert read_situation(root, affinity=2, samples=4).others_running == pytest.approx((0 + 0 + 2 + 1) / 4)


def test_an_unreadable_machine_is_unknown_not_busy(tmp_path):
    assert read_situation(tmp_path, affinity=4, interval_s=0) == CpuSituation(cpus=4)


def test_cgroup_v2_quota_is_the_tightest_on_the_way_up(tmp_path):
    root = _machine(tmp_path, {
        "proc/self/cgroup": "0::/ci/job-7\n",
        "sys/fs/cgroup/ci/job-7/cpu.max": "max 100000\n",
        "sys/fs/cgroup/ci/cpu.max": "150000 100000\n",  # the runner's 1.5 cores hold its jobs too
        "sys/fs/cgroup/cpu.max": "max 100000\n",
    })
    assert cgroup_quota_cores(root) == 1.5


def test_cgroup_v2_inside_a_container_whose_cgroup_is_the_mount(tmp_path):
    root = _machine(tmp_path, {"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "200000 100000\n"})
    assert cgroup_quota_cores(root) == 2.0


def test_cgroup_v2_on_a_hybrid_machine(tmp_path):
    root = _machine(tmp_path, {"proc/self/cgroup": "1:cpu:/\n0::/a\n", "sys/fs/cgroup/unified/a/cpu.max": "50000 100000\n"})
    assert cgroup_quota_cores(root) == 0.5


@pytest.mark.parametrize("quota, expected", [("-1", None), ("300000", 3.0), ("0", None), ("junk", None)])
def test_cgroup_v1_cfs_quota(tmp_path, quota, expected):
    root = _machine(tmp_path, {
        "proc/self/cgroup": "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n",
        "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": quota + "\n",
        "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
    })
    assert cgroup_quota_cores(root) == expected


@pytest.mark.parametrize("text, expected", [
    (PRESSURE.format(some="42.17"), 42.17),
    ("full avg10=9.00 avg60=0 avg300=0 total=0\n", None),  # no `some` line
    ("some avg10=x avg60=0\n", None),
])
def test_cpu_pressure(tmp_path, text, expected):
    assert cpu_pressure_pct(_machine(tmp_path, {"proc/pressure/cpu": text})) == expected


def test_the_real_machine_reads(tmp_path):
    """Whatever this machine is, it reads as some situation with at least one CPU."""
    situation = read_situation()
    assert situation.cpus >= 1
    assert situation.others_running is None or situation.others_running >= 0
