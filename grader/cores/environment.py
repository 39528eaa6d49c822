"""The thread policy in a process's environment: where libgomp and MKL read it.

OpenMP reads OMP_NUM_THREADS and OMP_WAIT_POLICY (GNU libgomp also GOMP_SPINCOUNT) once,
when torch is first imported, and a forked child keeps what its parent read. So a
grading process puts its policy in its own environment before it imports torch, its
batch workers inherit it, and its sandbox's zygote gets it through the environment's
allow-list (grader/sandbox/environment.py). A variable the user set wins: theirs is
what libgomp will read, so theirs is the policy in force.
"""

from __future__ import annotations

from collections.abc import Mapping

from grader.cores.policy import ThreadPolicy, WaitPolicy

# What the user may have set; every one is passed on to the zygote.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


def wait_policy_in(environ: Mapping[str, str]) -> WaitPolicy:
    """How libgomp's threads wait under this environment. As libgomp reads it: a
    GOMP_SPINCOUNT, when set, is the spin count whatever OMP_WAIT_POLICY says (0: sleep at
    once); otherwise OMP_WAIT_POLICY=PASSIVE sleeps at once and anything else spins."""
    spins = environ.get("GOMP_SPINCOUNT", "").strip()
    if spins:
        return WaitPolicy.PASSIVE if spins.isdigit() and int(spins) == 0 else WaitPolicy.SPIN
    policy = environ.get("OMP_WAIT_POLICY", "").strip().lower()
    return WaitPolicy.PASSIVE if policy == "passive" else WaitPolicy.SPIN


def threads_in(environ: Mapping[str, str]) -> int | None:
    """OMP_NUM_THREADS's first level (a list like "4,2" sets nested levels), None if unset or not a count."""
    value = environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def settle(environ: Mapping[str, str], chosen: ThreadPolicy) -> tuple[ThreadPolicy, dict[str, str]]:
    """The policy in force once the user's own variables are respected, and the variables
    to add to `environ` for it (none that the user set)."""
    user_threads = threads_in(environ)
    user_wait = "OMP_WAIT_POLICY" in environ or "GOMP_SPINCOUNT" in environ
    policy = ThreadPolicy(user_threads or chosen.cores, wait_policy_in(environ) if user_wait else chosen.wait)
    wanted = policy.environment()
    if user_wait:
        wanted.pop("OMP_WAIT_POLICY", None)
    additions = {name: value for name, value in wanted.items() if name not in environ}
    return policy, additions
