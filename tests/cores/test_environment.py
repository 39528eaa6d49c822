"""The policy in a process's environment: the user's own variables win."""

from __future__ import annotations

import pytest

from grader.cores.environment import settle, threads_in, wait_policy_in
from grader.cores.policy import ThreadPolicy, WaitPolicy

BUSY_CHOICE = ThreadPolicy(2, WaitPolicy.PASSIVE)


def test_nothing_set_takes_the_choice_whole():
    assert settle({}, BUSY_CHOICE) == (BUSY_CHOICE, {
        "OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2", "OMP_WAIT_POLICY": "PASSIVE"})


def test_the_users_thread_count_stays():
    policy, additions = settle({"OMP_NUM_THREADS": "6"}, BUSY_CHOICE)
    assert policy == ThreadPolicy(6, WaitPolicy.PASSIVE)
    assert additions == {"MKL_NUM_THREADS": "6", "OMP_WAIT_POLICY": "PASSIVE"}


@pytest.mark.parametrize("environ, wait", [
    ({"OMP_WAIT_POLICY": "active"}, WaitPolicy.SPIN),
    ({"GOMP_SPINCOUNT": "10000"}, WaitPolicy.SPIN),
    ({"GOMP_SPINCOUNT": "0"}, WaitPolicy.PASSIVE),
])
def test_the_users_wait_policy_stays(environ, wait):
    policy, additions = settle(environ, BUSY_CHOICE)
    assert policy.wait is wait
    assert "OMP_WAIT_POLICY" not in additions


@pytest.mark.parametrize("environ, wait", [
    ({}, WaitPolicy.SPIN),
    ({"OMP_WAIT_POLICY": "PASSIVE"}, WaitPolicy.PASSIVE),
    ({"OMP_WAIT_POLICY": " Passive "}, WaitPolicy.PASSIVE),
    # as libgomp reads them: a spin count, when given, wins over OMP_WAIT_POLICY
    ({"OMP_WAIT_POLICY": "ACTIVE", "GOMP_SPINCOUNT": "0"}, WaitPolicy.PASSIVE),
    ({"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": "5000"}, WaitPolicy.SPIN),
    ({"GOMP_SPINCOUNT": "0"}, WaitPolicy.PASSIVE),
    ({"GOMP_SPINCOUNT": "infinite"}, WaitPolicy.SPIN),
])
def test_wait_policy_in(environ, wait):
    assert wait_policy_in(environ) is wait


@pytest.mark.parametrize("value, threads", [("4", 4), ("4,2", 4), ("0", None), ("x", None), ("", None)])
def test_threads_in(value, threads):
    assert threads_in({"OMP_NUM_THREADS": value}) == threads
