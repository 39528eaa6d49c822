"""Probes for exercise 06: describe the student's DeepNet inside the sandbox.

Training it is in training_probes.py, which holds the course's own training loop and so
serves only instructor-only (hidden) checks: a student kit never carries it.
"""

from __future__ import annotations

from typing import Any

import torch

from grader.probes.modules import build, describe


def describe_model(student: Any, input_shape: list[int]) -> dict[str, Any]:
    return describe(build(student, "DeepNet"), torch.zeros(input_shape))
