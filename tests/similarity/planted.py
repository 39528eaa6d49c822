"""A class with known copies planted among students who each wrote their own code.

exercise_01 (five functions of a dozen lines):
    zed copies alice with every identifier renamed;
    yuri copies boris with the functions reordered and the comments rewritten;
    xena copies chen with dead code inserted;
    wang copies dana's .py into a notebook (beside the untouched stub .py);
    emil, vera and uma share one file (vera and uma each changed it a little);
    ivan hands in farid's very file (saved on Windows: CRLF line endings);
    rhea hands in the reference solution (a match with the reference, not with a student);
    farid and greta wrote their own, as did alice, boris, chen and dana;
    stub1 and stub2 handed in the untouched stub.
exercise_02: the seven authors wrote conv_output_size with the lecture's formula (alike)
and pool_output_size each their own way; the copiers filled in the formula alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from tests.conftest import REPO_ROOT
from tests.similarity.authors import (ALICE_01, BORIS_01, CHEN_01, DANA_01, EMIL_01, FARID_01, GRETA_01, POOLS_02,
                                      exercise_02)

STUB_01 = (REPO_ROOT / "exercises" / "exercise_01.py").read_text(encoding="utf-8")
STUB_02 = (REPO_ROOT / "exercises" / "exercise_02.py").read_text(encoding="utf-8")

# Highest first within the planted group is not asserted: only that every one of them
# ranks above every pair of students who wrote their own.
PLANTED_01 = {("alice", "zed"), ("boris", "yuri"), ("chen", "xena"), ("dana", "wang"),
              ("emil", "vera"), ("emil", "uma"), ("uma", "vera"), ("farid", "ivan")}
CLUSTER_01 = ["emil", "uma", "vera"]
AUTHORS = ["alice", "boris", "chen", "dana", "emil", "farid", "greta"]
UNTOUCHED = ["stub1", "stub2"]
REFERENCE_01 = (REPO_ROOT / "solutions" / "exercise_01.py").read_text(encoding="utf-8")
# xena's lines that chen never wrote: dead code (see with_dead_code) ...
DEAD_CODE_LINES = ["    shape = tuple(tensor.shape)", "    print('shape', shape)", "    unused = torch.ones(3) * 2",
                   "    if False:", "        print(unused.sum())", "    debug = False", "    if debug:",
                   "        print(x.shape)", "    for _ in range(0):", "        acc = acc * 1"]
# ... but for the dead function's first and last lines: with names set aside they read
# exactly as chen's next to them (`def V(V):`, `return V`), which no token can tell apart.
LOOK_ALIKE_LINES = ["def _debug_shape(tensor):", "    return shape"]


def rename(source: str, names: dict[str, str]) -> str:
    """`source` with each name (a whole word) replaced."""
    return re.sub(r"\b[A-Za-z_]\w*\b", lambda m: names.get(m.group(0), m.group(0)), source)


ZED_NAMES = {
    "rows": "kr", "cols": "kc", "result": "acc", "r": "p", "c": "q", "window": "blk", "_two": "_dup", "value": "val",
    "n": "bs", "c_in": "cin", "height": "H0", "width": "W0", "c_out": "cout", "c_w": "cw", "kh": "fh", "kw": "fw",
    "sh": "st_h", "sw": "st_w", "ph": "pad_y", "pw": "pad_x", "padded": "xp", "out_h": "ho", "out_w": "wo",
    "out": "y", "i": "u", "j": "v", "patch": "piece", "o": "ch", "_pool": "_reduce_windows", "block": "tile",
    "reduce": "fn", "flat": "mat", "x": "inp", "weight": "w8", "bias": "b0", "stride": "step", "padding": "pad",
    "kernel_size": "ksize", "k": "ker", "t": "arr",
}


def reordered_with_new_comments(source: str) -> str:
    """boris's file with its functions in another order and other comments."""
    header, *functions = source.split("\n\n\n")
    by_name = {re.match(r"def (\w+)", f).group(1): f for f in functions}  # type: ignore[union-attr]
    order = ["conv1x1", "avg_pool2d", "as_pair", "max_pool2d", "conv2d", "corr2d"]
    body = [by_name[name] for name in order]
    text = "\n\n\n".join([header, *body]) + "\n"
    text = text.replace("    # slide a window over every position, then multiply and add\n",
                        "    # each kernel-sized patch, weighted and summed (cross-correlation)\n")
    text = text.replace("    x = F.pad(x, [pad_w, pad_w, pad_h, pad_h])\n",
                        "    # zero padding on all four sides first\n    x = F.pad(x, [pad_w, pad_w, pad_h, pad_h])\n")
    text = text.replace("    pixels = x.permute(0, 2, 3, 1).reshape(-1, c)\n",
                        "    pixels = x.permute(0, 2, 3, 1).reshape(-1, c)  # one row per pixel\n")
    return text


def with_dead_code(source: str) -> str:
    """chen's file with code that never runs or is never used."""
    text = source.replace(
        "def pair_of(value):\n",
        "def _debug_shape(tensor):\n    shape = tuple(tensor.shape)\n    print('shape', shape)\n    return shape\n\n\n"
        "def pair_of(value):\n")
    text = text.replace("    x = functional.pad(x, (pad_w, pad_w, pad_h, pad_h))\n",
                        "    unused = torch.ones(3) * 2\n    if False:\n        print(unused.sum())\n"
                        "    x = functional.pad(x, (pad_w, pad_w, pad_h, pad_h))\n")
    text = text.replace("    acc = 0\n", "    acc = 0\n    for _ in range(0):\n        acc = acc * 1\n")
    text = text.replace("    best = None\n", "    best = None\n    debug = False\n    if debug:\n        print(x.shape)\n")
    return text


def notebook_of(source: str, exercise_id: str) -> str:
    """The .py's code as a notebook: a markdown cell, one code cell per block, the check cell."""
    cells = [nbformat.v4.new_markdown_cell("# Exercise 01\nMy work.")]
    cells += [nbformat.v4.new_code_cell(block.strip()) for block in source.split("\n\n\n")[1:]]
    cells.append(nbformat.v4.new_code_cell(f'import grader\n\nreport = grader.check("{exercise_id}")'))
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells))


VERA = EMIL_01.replace('    """(h, w) from an int or a pair."""\n', "    # two numbers from one\n").replace(
    "    patches = x.unfold(2, kh, sh).unfold(3, kw, sw)\n    out = torch.tensordot(",
    "    cols = x.unfold(2, kh, sh).unfold(3, kw, sw)\n    out = torch.tensordot(").replace(
    "torch.tensordot(patches, weight", "torch.tensordot(cols, weight")
UMA = rename(EMIL_01, {"view": "grid", "_hw": "pair", "v": "number", "out": "res"}).replace("\n\n\ndef ", "\n\n\n\ndef ")

FILES_01 = {
    "alice": ALICE_01, "zed": rename(ALICE_01, ZED_NAMES),
    "boris": BORIS_01, "yuri": reordered_with_new_comments(BORIS_01),
    "chen": CHEN_01, "xena": with_dead_code(CHEN_01),
    "dana": DANA_01,
    "emil": EMIL_01, "vera": VERA, "uma": UMA,
    "farid": FARID_01, "ivan": FARID_01.replace("\n", "\r\n"), "greta": GRETA_01, "rhea": REFERENCE_01,
    "stub1": STUB_01, "stub2": STUB_01,
}


def build_class(root: Path) -> Path:
    """The submissions folder: one folder per student."""
    submissions = root / "submissions"
    for student in [*FILES_01, "wang"]:
        folder = submissions / student
        folder.mkdir(parents=True)
        if student == "wang":
            (folder / "exercise_01.py").write_text(STUB_01, encoding="utf-8")
            (folder / "exercise_01.ipynb").write_text(notebook_of(DANA_01, "exercise_01"), encoding="utf-8")
        else:
            (folder / "exercise_01.py").write_bytes(FILES_01[student].encode("utf-8"))  # CRLF kept
        if student in POOLS_02:
            (folder / "exercise_02.py").write_text(exercise_02(POOLS_02[student]), encoding="utf-8")
        elif student in UNTOUCHED:
            (folder / "exercise_02.py").write_text(STUB_02, encoding="utf-8")
        else:
            (folder / "exercise_02.py").write_text(exercise_02(
                '    """The output length of a pooling layer; stride defaults to kernel_size."""\n'
                "    raise NotImplementedError\n"), encoding="utf-8")
    return submissions


def graded(root: Path) -> Path:
    """The planted class as `grader grade` leaves it, without grading: a gradebook whose
    records say where each submission was graded from (and one student who sent nothing).
    Returns the output folder."""
    from grader.batch.gradebook import Gradebook
    from grader.batch.records import StudentRecord, StudentStatus

    submissions = build_class(root)
    out = root / "results"
    with Gradebook.in_folder(out) as gradebook:
        for folder in sorted(submissions.iterdir()):
            gradebook.put(StudentRecord(student_id=folder.name, status=StudentStatus.GRADED, source=str(folder),
                                        points_earned=30, points_possible=40,
                                        exercise_points={"exercise_01": 15, "exercise_02": 15}))
        gradebook.put(StudentRecord(student_id="zz-absent", status=StudentStatus.MISSING, points_possible=40))
    return out
