"""Fingerprints of a token stream by winnowing (Schleimer, Wilkerson and Aiken, SIGMOD
2003: the method MOSS uses), and the key that tells identical files apart at no cost.

Every run of `k` consecutive tokens (a k-gram) is hashed; from each window of `window`
consecutive k-gram hashes the smallest is kept (the rightmost on a tie). Two files that
share a run of at least `k + window - 1` tokens are then guaranteed to share a kept
hash, and runs shorter than `k` (noise: `V = V ( V )`) never match. Kept hashes are a
set, so the order of the functions in a file does not matter.

Hashes are stable across processes and machines (blake2b of each token, then a
polynomial rolling hash): they are cached on disk between runs. Python's own `hash()`
of a string is salted per process and would not be.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass

from grader.catalog.identical import normalise_text
from grader.similarity.tokens import CodeTokens, code_tokens

_PRIME = (1 << 61) - 1  # a Mersenne prime: k-gram hashes fit a signed 64-bit integer
_BASE = 1_000_003


@dataclass(frozen=True)
class WinnowSettings:
    """k: tokens in a k-gram (shorter matches are noise); window: k-grams per window."""

    k: int = 14
    window: int = 6

    def tag(self) -> str:
        """Part of the cache's key: fingerprints made with other settings are not reused."""
        return f"k{self.k}w{self.window}t1"  # t1: this module's tokens and hashes


@dataclass(frozen=True)
class Fingerprints:
    """A file's kept hashes and the token each one's k-gram starts at; every k-gram's
    hash (to find where a match starts and ends exactly); each token's line (0 for the
    tokens of no line: a block's start and end)."""

    hashes: tuple[int, ...]
    positions: tuple[int, ...]
    token_lines: array  # of int
    every: array  # of int: the hash of the k-gram at each token
    k: int

    def lines_of(self, position: int) -> tuple[int, int]:
        """The first and last line the k-gram starting at token `position` touches."""
        lines = [n for n in self.token_lines[position:position + self.k] if n]
        return (lines[0], lines[-1]) if lines else (1, 1)

    def whole_lines(self, start: int, end: int) -> tuple[int, int] | None:
        """The lines all of whose tokens lie in tokens [start, end): a line the span only
        touches (its first words copied, the rest new) is not one of them."""
        lines = self.token_lines
        inside = [n for n in lines[start:end] if n]
        if not inside:
            return None
        first, last = inside[0], inside[-1]
        before = next((n for n in reversed(lines[:start]) if n), 0)
        after = next((n for n in lines[end:] if n), 0)
        if before == first:
            first += 1
        if after == last:
            last -= 1
        return (first, last) if first <= last else None

    def to_bytes(self) -> tuple[bytes, bytes, bytes, bytes]:
        return (array("q", self.hashes).tobytes(), array("i", self.positions).tobytes(), self.token_lines.tobytes(),
                self.every.tobytes())

    @classmethod
    def from_bytes(cls, hashes: bytes, positions: bytes, lines: bytes, every: bytes, k: int) -> "Fingerprints":
        return cls(tuple(array("q", hashes)), tuple(array("i", positions)), array("i", lines), array("q", every), k)


def _token_hash(word: str, memo: dict[str, int]) -> int:
    found = memo.get(word)
    if found is None:
        found = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=7).digest(), "big")
        memo[word] = found
    return found


def kgram_hashes(tokens: CodeTokens, k: int) -> list[int]:
    """The hash of every k-gram, in order (none when the file has fewer than k tokens)."""
    memo: dict[str, int] = {}
    values = [_token_hash(w, memo) for w in tokens.words]
    if len(values) < k:
        return []
    top = pow(_BASE, k - 1, _PRIME)
    current = 0
    for value in values[:k]:
        current = (current * _BASE + value) % _PRIME
    hashes = [current]
    for out, value in zip(values, values[k:]):
        current = ((current - out * top) * _BASE + value) % _PRIME
        hashes.append(current)
    return hashes


def winnow(hashes: list[int], window: int) -> list[int]:
    """The positions kept: the rightmost smallest hash of each window, each position once."""
    if not hashes:
        return []
    if len(hashes) <= window:
        smallest = min(hashes)
        return [len(hashes) - 1 - hashes[::-1].index(smallest)]
    kept: list[int] = []
    chosen = -1  # the current window's choice, while it stays inside the window
    for end in range(window - 1, len(hashes)):
        start = end - window + 1
        if chosen < start:
            part = hashes[start:end + 1]
            chosen = end - part[::-1].index(min(part))
        elif hashes[end] <= hashes[chosen]:
            chosen = end
        if not kept or kept[-1] != chosen:
            kept.append(chosen)
    return kept


def fingerprint(tokens: CodeTokens, settings: WinnowSettings) -> Fingerprints:
    hashes = kgram_hashes(tokens, settings.k)
    kept = winnow(hashes, settings.window)
    return Fingerprints(tuple(hashes[p] for p in kept), tuple(kept), array("i", tokens.lines), array("q", hashes),
                        settings.k)


def _fingerprint_bytes(text: str, k: int, window: int) -> tuple[bytes, bytes, bytes, bytes]:
    """In a worker process: the fingerprints of one text, as plain bytes."""
    return fingerprint(code_tokens(text), WinnowSettings(k, window)).to_bytes()


# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_FROM = 64


def fingerprint_texts(texts: dict[str, str], settings: WinnowSettings, jobs: int) -> dict[str, Fingerprints]:
    """The fingerprints of each text, by key, on `jobs` processes. Tokenising is pure
    Python (the standard library's tokenize): a class's first run spends most of its
    time there, and the files are independent. Workers are spawned, not forked: the
    caller holds an SQLite connection (and, in `grader grade`, threads)."""
    keys = list(texts)
    if jobs <= 1 or len(keys) < _PARALLEL_FROM:
        return {key: fingerprint(code_tokens(texts[key]), settings) for key in keys}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        found = pool.map(_fingerprint_bytes, [texts[key] for key in keys], [settings.k] * len(keys),
                         [settings.window] * len(keys), chunksize=max(1, len(keys) // (4 * jobs)))
        return {key: Fingerprints.from_bytes(*blobs, k=settings.k) for key, blobs in zip(keys, found)}


def exact_copy_key(text: str) -> str:
    """Equal for code identical but for line endings and trailing newlines: reported as
    exact copies without being compared further. The normalisation is the batch's own
    (grader.catalog.identical), which grades such files once: the two never disagree."""
    return hashlib.sha256(normalise_text(text.encode("utf-8", "surrogateescape"))).hexdigest()
