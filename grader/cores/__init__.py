"""Torch threads from the cores actually free: affinity, cgroup quota, load, a job's share.

    situation.py    reads the machine (affinity, cgroup quota, /proc/loadavg, /proc/pressure):
                    the one place that does
    policy.py       decides: how many threads, and whether they spin or sleep while they wait
    environment.py  puts the decision where libgomp reads it, the user's own variables first

A grading process chooses once, at its start (`grader` sets it before importing torch);
each training chooses its thread count again when it starts (grader.probes.training).
"""
