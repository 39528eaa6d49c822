"""Fixtures the release tests share."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def module_sandbox():
    """A sandbox of the module's own: a release builds a kit and grades it many times,
    and a module's kit must not share cells with another module's tests."""
    from grader.sandbox.client import Sandbox

    with Sandbox(many_cells=True) as box:
        yield box
