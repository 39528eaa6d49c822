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

# The helper modules every probe file may import: a sandbox that grades many
# submissions has its zygote import them once, before its forks (Sandbox(warm_modules=)).
HELPER_MODULES = ("grader.probes.devices", "grader.probes.modules", "grader.probes.training")
