"""Winnowing: what it keeps, what it promises, and hashes that outlive a process."""

from __future__ import annotations

import json
import random
import subprocess
import sys

from grader.similarity.fingerprint import (WinnowSettings, exact_copy_key, fingerprint, kgram_hashes, winnow)
from grader.similarity.tokens import CodeTokens, code_tokens
from tests.conftest import REPO_ROOT


def tokens(words: list[str]) -> CodeTokens:
    return CodeTokens(tuple(words), tuple(range(1, len(words) + 1)))


def test_winnow_keeps_the_rightmost_smallest_hash_of_every_window_once() -> None:
    assert winnow([5, 3, 7, 3, 9, 8, 1, 4], 3) == [1, 3, 6]
    assert winnow([2, 2, 2], 4) == [2]  # fewer than a window: its rightmost smallest
    assert winnow([], 4) == []


def test_a_shared_run_of_k_plus_window_minus_one_tokens_always_shares_a_fingerprint() -> None:
    settings = WinnowSettings(k=5, window=4)
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(40)]
    for _ in range(200):
        run = [rng.choice(vocabulary) for _ in range(settings.k + settings.window - 1)]
        a = [rng.choice(vocabulary) for _ in range(rng.randint(0, 30))] + run + [rng.choice(vocabulary) for _ in range(9)]
        b = [rng.choice(vocabulary) for _ in range(rng.randint(0, 30))] + run
        assert set(fingerprint(tokens(a), settings).hashes) & set(fingerprint(tokens(b), settings).hashes)


def test_runs_shorter_than_k_never_match() -> None:
    a = fingerprint(tokens("a b c d x x x x".split()), WinnowSettings(k=5, window=2))
    b = fingerprint(tokens("a b c d y y y y".split()), WinnowSettings(k=5, window=2))
    assert not set(a.hashes) & set(b.hashes)


def test_hashes_are_the_same_in_another_process() -> None:
    """The cache keeps them between runs: Python's own hash() of a string is salted per process."""
    source = (REPO_ROOT / "solutions" / "exercise_04.py").read_text(encoding="utf-8")
    here = kgram_hashes(code_tokens(source), 14)
    script = ("import json, sys; from grader.similarity.fingerprint import kgram_hashes; "
              "from grader.similarity.tokens import code_tokens; "
              "print(json.dumps(kgram_hashes(code_tokens(sys.stdin.read()), 14)))")
    there = subprocess.run([sys.executable, "-c", script], input=source, capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""}, cwd=REPO_ROOT)
    assert json.loads(there.stdout) == here


def test_fingerprints_survive_their_bytes() -> None:
    prints = fingerprint(code_tokens("x = torch.zeros(3)\nfor i in range(3):\n    x[i] = i * 2\n"), WinnowSettings(4, 2))
    assert type(prints).from_bytes(*prints.to_bytes(), k=4) == prints


def test_the_exact_copy_key_ignores_line_endings_and_trailing_newlines_only() -> None:
    key = exact_copy_key("x = 1\ny = 2\n")
    assert exact_copy_key("x = 1\r\ny = 2") == key
    assert exact_copy_key("x = 1\ny = 2\n\n\n") == key
    assert exact_copy_key("x = 1\ny  = 2\n") != key


def test_many_files_are_fingerprinted_on_several_processes_alike() -> None:
    from grader.similarity.fingerprint import fingerprint_texts

    base = (REPO_ROOT / "solutions" / "exercise_01.py").read_text(encoding="utf-8")
    texts = {str(n): base.replace("out = ", f"out{n} = {n} + ") for n in range(70)}  # enough for processes
    settings = WinnowSettings()
    assert fingerprint_texts(texts, settings, jobs=2) == fingerprint_texts(texts, settings, jobs=1)
