"""What a check's worker finds already done in the process it was forked from, so that
no worker pays for it again: the protocol's records resolved, and (in a batch's
sandbox) the modules its client names imported: the engine's probe helpers."""

from __future__ import annotations

import dataclasses

import pytest

from grader.engine.student import StudentCode
from grader.models.manifest import CheckLimits
from grader.probes import HELPER_MODULES
from grader.sandbox import protocol
from grader.sandbox.client import Sandbox

PROBE = '''
import sys

def imported(module, names):
    return [name for name in names if name in sys.modules]
'''
HELPERS = ["grader.probes.modules", "grader.probes.training", "grader.probes.devices"]
assert sorted(HELPERS) == sorted(HELPER_MODULES)


def test_every_protocol_record_is_resolved_when_the_module_is_imported():
    records = {v for v in vars(protocol).values() if isinstance(v, type) and dataclasses.is_dataclass(v)}
    assert {protocol.Request, protocol.Reply, protocol.SpawnWorker} <= records
    misses = protocol._hints.cache_info().misses
    for record in records:
        protocol._hints(record)
    assert protocol._hints.cache_info().misses == misses  # nothing left to resolve


def _helpers_in_a_worker(tmp_path, many_cells: bool, warm_modules: tuple[str, ...] = HELPER_MODULES) -> list[str]:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "exercise_01.py").write_text("x = 1\n")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    with Sandbox(many_cells=many_cells, warm_modules=warm_modules) as box:
        found = []
        for _ in range(2):  # a batch's zygote readies itself once its first cell is open
            code = StudentCode(box, tmp_path / "sub" / "exercise_01.py", "exercise_01", CheckLimits(timeout_s=30))
            try:
                found = code.probe(probe, "imported", HELPERS)
            finally:
                code.close()
            box.close_cell()
    return found


@pytest.mark.parametrize("many_cells", [True, False])
def test_a_batch_worker_finds_the_probe_helpers_imported(tmp_path, many_cells):
    found = _helpers_in_a_worker(tmp_path, many_cells)
    if many_cells:
        assert found == HELPERS
    else:  # a one-off check's zygote does not spend its start-up on them
        assert found == []


def test_the_zygote_imports_only_what_its_client_names(tmp_path):
    # The sandbox knows no course helper by name: a client that names none gets none.
    assert _helpers_in_a_worker(tmp_path, many_cells=True, warm_modules=()) == []
