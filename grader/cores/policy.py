"""How many torch threads, and how they wait: decided from the cores actually free.

torch's CPU build runs its parallel regions on OpenMP (GNU libgomp). Between regions a
libgomp thread waits for the next one by spinning, by default some 300,000 rounds
(milliseconds) before it sleeps. On a quiet machine that is what makes a small model's
many short regions fast. On a busy one it is ruinous: a LeNet training with two threads
beside two busy loops on two cores took 23 s instead of 4.4 (issue 24), its threads
spinning through time slices while the thread they waited for had no core. Told to
sleep at once (OMP_WAIT_POLICY=PASSIVE) the same training took 9.5 s, about the fair
share of two cores among three busy tasks, but 5.7 s instead of 4.4 on a quiet machine.

So the policy (`choose`):
  * cores: the CPUs this process may run on (affinity), no more than its cgroup quota
    (rounded down: spinning threads above a quota are throttled mid-spin), no more than
    its job's share in a batch;
  * wait: PASSIVE when these cores are not free now (other tasks runnable, or tasks
    waited for a core much of the last ten seconds); libgomp's own spinning otherwise.
A wait policy is read once, when a process loads libgomp (its torch import), so it is
chosen at a grading process's start and handed to its sandbox's zygote in the
environment (`environment`), and a training cannot change it. What a training can still
change is its thread count (`training_threads`): a spinning process whose cores have
since become busy trains on as many threads as cores are free. A passive one keeps its
threads: threads that sleep do not fight, and two of them get a bigger share of a busy
machine than one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from grader.cores.situation import CpuSituation

# Tasks waiting for a core this share of the last ten seconds (/proc/pressure/cpu):
# someone else's work comes and goes, and a spinning thread would meet it.
PRESSURE_BUSY_PCT = 20.0
# Other runnable tasks at the moment of reading, beyond which a core counts as taken:
# below half a task, the samples caught a daemon waking, not a busy core.
RUNNING_BUSY = 0.5


class WaitPolicy(str, Enum):
    """How an OpenMP thread waits for work (libgomp's OMP_WAIT_POLICY)."""

    SPIN = "spin"  # libgomp's default: spin a while, then sleep
    PASSIVE = "passive"  # sleep at once


@dataclass(frozen=True)
class ThreadPolicy:
    """The threads of one grading process and its sandbox's workers: `cores` torch threads
    at most, waiting as `wait` says."""

    cores: int
    wait: WaitPolicy

    def environment(self) -> dict[str, str]:
        """The variables libgomp and MKL read when torch is imported."""
        env = {"OMP_NUM_THREADS": str(self.cores), "MKL_NUM_THREADS": str(self.cores)}
        if self.wait is WaitPolicy.PASSIVE:
            env["OMP_WAIT_POLICY"] = "PASSIVE"
        return env


def usable_cores(situation: CpuSituation) -> int:
    """The CPUs this process may run on, no more than its cgroup quota (rounded down, at least one)."""
    cores = situation.cpus
    if situation.quota_cores is not None:
        cores = min(cores, max(1, math.floor(situation.quota_cores)))
    return max(1, cores)


def free_cores(situation: CpuSituation) -> float:
    """Usable cores that no other runnable task wants now (all of them when unknown)."""
    usable = usable_cores(situation)
    others = situation.others_running or 0.0
    return max(0.0, usable - (others if others >= RUNNING_BUSY else 0.0))


def is_busy(situation: CpuSituation, cores: int) -> bool:
    """Would `cores` spinning threads meet other work? Tasks are runnable beside us that
    leave fewer than `cores` cores free, or tasks have waited for a core much of late."""
    if cores <= 1:
        return False
    if free_cores(situation) < cores:
        return True
    return situation.pressure_pct is not None and situation.pressure_pct >= PRESSURE_BUSY_PCT


def choose(situation: CpuSituation, share: int | None = None) -> ThreadPolicy:
    """The policy of a process starting now, `share`: its cores in a batch (--jobs N:
    the usable cores // N), None when it is alone."""
    cores = usable_cores(situation)
    if share is not None:
        cores = max(1, min(cores, share))
    return ThreadPolicy(cores, WaitPolicy.PASSIVE if is_busy(situation, cores) else WaitPolicy.SPIN)


def training_threads(policy: ThreadPolicy, now: CpuSituation, at_most: int) -> int:
    """Threads for a training starting `now`, at most `at_most`: the policy's cores, or,
    when its threads spin and the cores have become busy since, the cores still free."""
    threads = max(1, min(at_most, policy.cores))
    if policy.wait is WaitPolicy.SPIN and is_busy(now, threads):
        threads = max(1, min(threads, math.floor(free_cores(now))))
    return threads
