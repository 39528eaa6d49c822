"""Seeding where no accelerator can use the seed: the CPU generator alone, no stack formatted."""

from __future__ import annotations

import traceback

import pytest
import torch

from grader.engine.seeding import seed_the_cpu_only


def test_seeding_gives_the_same_draws_without_formatting_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    if torch.cuda.is_available() or torch.backends.mps.is_available():
        pytest.skip("an accelerator is here: torch.manual_seed is left as it is")
    torch.default_generator.manual_seed(7)
    expected = torch.rand(4)
    assert seed_the_cpu_only() and seed_the_cpu_only()  # idempotent
    formatted: list[int] = []
    monkeypatch.setattr(traceback, "format_stack", lambda *a, **k: formatted.append(1) or [])
    generator = torch.manual_seed(7)
    assert torch.equal(torch.rand(4), expected) and generator is torch.default_generator
    torch.random.manual_seed(7)
    assert torch.equal(torch.rand(4), expected)
    assert formatted == []
