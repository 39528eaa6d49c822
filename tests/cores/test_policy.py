"""The thread policy: fake situations in, threads and wait policy out (issue 24)."""

from __future__ import annotations

import pytest

from grader.cores.policy import (
    PRESSURE_BUSY_PCT, ThreadPolicy, WaitPolicy, choose, free_cores, training_threads, usable_cores,
)
from grader.cores.situation import CpuSituation

SPIN, PASSIVE = WaitPolicy.SPIN, WaitPolicy.PASSIVE


@pytest.mark.parametrize("situation, share, expected", [
    # a quiet 2-core laptop: both cores, libgomp's spinning (today's behaviour, fastest quiet)
    (CpuSituation(cpus=2, others_running=0.0, pressure_pct=1.0), None, ThreadPolicy(2, SPIN)),
    # two busy loops beside it: both cores still (a bigger share), but threads that sleep
    (CpuSituation(cpus=2, others_running=2.0, pressure_pct=0.0), None, ThreadPolicy(2, PASSIVE)),
    # one busy loop on two cores: one core free, two threads would meet it
    (CpuSituation(cpus=2, others_running=1.0), None, ThreadPolicy(2, PASSIVE)),
    # a daemon caught waking in one sample of three is not a busy core
    (CpuSituation(cpus=2, others_running=1 / 3), None, ThreadPolicy(2, SPIN)),
    # others' work came and went in the last ten seconds
    (CpuSituation(cpus=2, others_running=0.0, pressure_pct=PRESSURE_BUSY_PCT), None, ThreadPolicy(2, PASSIVE)),
    # a 16-core server with 4 busy tasks: 12 free, its 16 threads would meet them
    (CpuSituation(cpus=16, others_running=4.0), None, ThreadPolicy(16, PASSIVE)),
    # the same server, a batch job's share of 4: 12 free cores are enough
    (CpuSituation(cpus=16, others_running=4.0), 4, ThreadPolicy(4, SPIN)),
    # a CI runner's quota of 1.5 cores on 4 CPUs: one thread, nothing to wait for
    (CpuSituation(cpus=4, quota_cores=1.5, others_running=3.0, pressure_pct=90.0), None, ThreadPolicy(1, SPIN)),
    # a quota above the affinity changes nothing
    (CpuSituation(cpus=2, quota_cores=8.0, others_running=0.0), None, ThreadPolicy(2, SPIN)),
    # a quota under one core still leaves one thread
    (CpuSituation(cpus=8, quota_cores=0.5), None, ThreadPolicy(1, SPIN)),
    # --jobs 2 on 2 cores: one thread each, however busy
    (CpuSituation(cpus=2, others_running=2.0, pressure_pct=80.0), 1, ThreadPolicy(1, SPIN)),
    # nothing readable but the affinity: as today
    (CpuSituation(cpus=4), None, ThreadPolicy(4, SPIN)),
])
def test_choose(situation, share, expected):
    assert choose(situation, share) == expected


def test_usable_and_free_cores():
    busy = CpuSituation(cpus=4, quota_cores=3.9, others_running=1.0)
    assert usable_cores(busy) == 3
    assert free_cores(busy) == 2.0
    assert free_cores(CpuSituation(cpus=2, others_running=5.0)) == 0.0


@pytest.mark.parametrize("policy, now, at_most, expected", [
    (ThreadPolicy(2, SPIN), CpuSituation(cpus=2, others_running=0.0), 4, 2),
    # the cores became busy after the process started: spinning threads, one per free core
    (ThreadPolicy(2, SPIN), CpuSituation(cpus=2, others_running=2.0), 4, 1),
    (ThreadPolicy(4, SPIN), CpuSituation(cpus=4, others_running=1.2), 4, 2),
    # sleeping threads keep their count
    (ThreadPolicy(2, PASSIVE), CpuSituation(cpus=2, others_running=2.0), 4, 2),
    # a check's own ceiling
    (ThreadPolicy(16, SPIN), CpuSituation(cpus=16, others_running=0.0), 4, 4),
    (ThreadPolicy(1, SPIN), CpuSituation(cpus=2, others_running=9.0), 4, 1),
])
def test_training_threads(policy, now, at_most, expected):
    assert training_threads(policy, now, at_most) == expected


def test_environment_names_what_libgomp_and_mkl_read():
    assert ThreadPolicy(2, SPIN).environment() == {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
    assert ThreadPolicy(3, PASSIVE).environment() == {
        "OMP_NUM_THREADS": "3", "MKL_NUM_THREADS": "3", "OMP_WAIT_POLICY": "PASSIVE"}
