"""The layer test's own test: a planted upward import and a planted cycle are caught."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.test_layers import PACKAGE, import_cycles, import_graph, upward_imports


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "grader"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    return root


def test_the_real_package_is_clean_and_a_copy_reads_the_same(tmp_path):
    root = _copy(tmp_path)
    assert upward_imports(import_graph(root), root) == []
    assert import_cycles(import_graph(root)) == []


def test_a_planted_upward_import_fails(tmp_path):
    root = _copy(tmp_path)
    (root / "sandbox" / "planted.py").write_text("def f():\n    from grader.engine.run import grade_submission\n")
    assert upward_imports(import_graph(root), root) == ["grader.sandbox.planted -> grader.engine.run"]


def test_a_relative_import_of_a_peer_fails(tmp_path):
    root = _copy(tmp_path)
    (root / "release" / "planted.py").write_text("from ..batch import records\n")
    assert upward_imports(import_graph(root), root) == ["grader.release.planted -> grader.batch.records"]


def test_a_planted_cycle_fails(tmp_path):
    root = _copy(tmp_path)
    (root / "report" / "first.py").write_text("from grader.report import second\n")
    (root / "report" / "second.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                               "    from grader.report.first import x\n")
    assert import_cycles(import_graph(root)) == [["grader.report.first", "grader.report.second"]]


def test_a_package_missing_from_the_layers_is_named(tmp_path):
    root = _copy(tmp_path)
    (root / "newpkg").mkdir()
    (root / "newpkg" / "__init__.py").write_text("")
    try:
        upward_imports(import_graph(root), root)
    except AssertionError as error:
        assert "'newpkg' is in no layer" in str(error)
    else:
        raise AssertionError("an unlayered package went unnoticed")
