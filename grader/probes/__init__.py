"""Trusted helpers that run inside the sandboxed child, for the course's probes.

A check sends `student.probe(PROBES, "name", ...)`; the probe file (checks/<id>/probes.py)
uses these helpers to build the student's modules, trace what their forward pass
executes, train them and check where their tensors live. Everything here returns
plain data (dicts, lists, tensors) for the codec; nothing here judges: verdicts are
made in the grading process. Imports torch only (no pytest), so a worker pays
nothing extra to load it.

    modules.py   build a student's module, describe its layers, load weights by order
    devices.py   tensors that refuse to compute until moved to the device (CPU-only device checks)
    training.py  seeded data loaders, training with the student's loop, predictions
"""
