"""Comparing fingerprinted files: what counts, the score of a pair, and where it matches.

A file's *own* fingerprints are its kept hashes less every k-gram of the stub. The
*common* ones are those in so many of the class's different files (a share of them, and
at least a few) that writing them is no sign of copying: `(size + 2 * padding - kernel)
// stride + 1` is written alike by everyone who gets it right. A pair's score is the
share of the smaller file's own, uncommon code that the other file holds too: dead code
added to a copy does not lower it, and a file with next to no code of its own is scored
as if it had `min_fingerprints` (three shared lines of twenty are not a copy).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from grader.similarity.fingerprint import Fingerprints
from grader.similarity.model import LineRange, Region, SimilaritySettings


@dataclass(frozen=True)
class PairScore:
    score: float
    a_in_b: float
    b_in_a: float
    shared: frozenset[int]


def common_hashes(own_sets: Iterable[frozenset[int]], settings: SimilaritySettings) -> tuple[frozenset[int], int]:
    """The common fingerprints among the class's different files, and how many files
    make a fingerprint common."""
    sets = list(own_sets)
    needed = max(settings.common_min_files, math.ceil(settings.common_fraction * len(sets)))
    counts = Counter(h for s in sets for h in s)
    return frozenset(h for h, n in counts.items() if n >= needed), needed


def containment(counted: int, size_a: int, size_b: int, floor: int) -> tuple[float, float, float]:
    """(score, a_in_b, b_in_a) of a pair sharing `counted` fingerprints that count, of
    files with `size_a` and `size_b` of them; a file is taken to have at least `floor`."""
    a_in_b = min(1.0, counted / max(size_a, floor))
    b_in_a = min(1.0, counted / max(size_b, floor))
    return max(a_in_b, b_in_a), a_in_b, b_in_a


def score_pair(shared: set[int] | frozenset[int], own_a: frozenset[int], own_b: frozenset[int],
               common: frozenset[int], settings: SimilaritySettings) -> PairScore:
    counted = frozenset(shared) - common
    if not counted:
        return PairScore(0.0, 0.0, 0.0, counted)
    score, a_in_b, b_in_a = containment(len(counted), len(own_a - common), len(own_b - common),
                                        settings.min_fingerprints)
    return PairScore(score, a_in_b, b_in_a, counted)


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[LineRange]:
    """Overlapping or touching line ranges as one."""
    merged: list[list[int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [LineRange(first=f, last=l) for f, l in merged]


def lines_with(prints: Fingerprints, hashes: frozenset[int] | set[int]) -> list[LineRange]:
    """The lines covered by the kept k-grams whose hash is in `hashes`."""
    return merge_ranges(prints.lines_of(p) for h, p in zip(prints.hashes, prints.positions) if h in hashes)


def all_lines_with(prints: Fingerprints, kgram_hashes: list[int], hashes: frozenset[int]) -> list[LineRange]:
    """The lines covered by every k-gram (kept or not) whose hash is in `hashes`."""
    return merge_ranges(prints.lines_of(p) for p, h in enumerate(kgram_hashes) if h in hashes)


def _places(prints: Fingerprints, hashes: frozenset[int]) -> dict[int, list[int]]:
    """Where each of `hashes` is kept in `prints`, in order. Code written twice in both
    files (two loops alike) is matched first with first, not each with each."""
    places: dict[int, list[int]] = {}
    for h, p in zip(prints.hashes, prints.positions):
        if h in hashes:
            places.setdefault(h, []).append(p)
    return places


@dataclass
class _Run:
    i_first: int
    i_last: int
    j_first: int
    j_last: int


def matched_regions(a: Fingerprints, b: Fingerprints, hashes: frozenset[int], window: int,
                    starter: frozenset[int] = frozenset()) -> list[Region]:
    """Where `a` and `b` hold the same code: runs of kept k-grams with hashes in `hashes`
    (the pair's shared ones, common code included, the stub's not) that follow each other
    in both files, as line ranges of each. In a copied stretch kept k-grams lie at most a
    window apart and overlap, so a run's lines are all copied; code inserted into a copy
    (more than a window's worth of tokens) ends a run, and a reordered function is a run
    of its own. Each run is then stretched over the k-grams next to it that are the same in
    both files (winnowing keeps only some; the stub's do not count), so that it starts and
    ends where the copy does, not where its last kept k-gram happens to lie."""
    in_b = _places(b, hashes)
    matches = sorted(pair for h, places in _places(a, hashes).items() for pair in zip(places, in_b.get(h, ())))
    reach = window + 1  # one token of slack: a changed operator does not split a copy in two
    runs: list[_Run] = []
    for i, j in matches:
        for run in reversed(runs[-8:]):
            if 0 < i - run.i_last <= reach and 0 < j - run.j_last <= reach:
                run.i_last, run.j_last = i, j
                break
        else:
            runs.append(_Run(i, i, j, j))
    regions = []
    for run in runs:
        _stretch(run, a, b, starter, window)
        in_a = a.whole_lines(run.i_first, run.i_last + a.k)
        in_b = b.whole_lines(run.j_first, run.j_last + b.k)
        if in_a and in_b:
            regions.append(Region(a=LineRange(first=in_a[0], last=in_a[1]), b=LineRange(first=in_b[0], last=in_b[1])))
    return merge_regions(regions)


def _stretch(run: _Run, a: Fingerprints, b: Fingerprints, starter: frozenset[int], window: int) -> None:
    """A copied stretch reaches at most window - 1 k-grams past its last kept one (any
    `window` k-grams in a row hold a kept one): no further, or short code that merely
    looks alike once names are gone (`return V`, `def V(V):`) would join the copy."""
    def same(i: int, j: int) -> bool:
        return 0 <= i < len(a.every) and 0 <= j < len(b.every) and a.every[i] == b.every[j] and a.every[i] not in starter

    for _ in range(window - 1):
        if not same(run.i_first - 1, run.j_first - 1):
            break
        run.i_first, run.j_first = run.i_first - 1, run.j_first - 1
    for _ in range(window - 1):
        if not same(run.i_last + 1, run.j_last + 1):
            break
        run.i_last, run.j_last = run.i_last + 1, run.j_last + 1


def merge_regions(regions: list[Region]) -> list[Region]:
    """Regions that overlap in both files, as one; in the order of file a."""
    merged: list[Region] = []
    for region in sorted(regions, key=lambda r: (r.a.first, r.b.first)):
        last = merged[-1] if merged else None
        if (last is not None and region.a.first <= last.a.last + 1
                and region.b.first <= last.b.last + 1 and last.b.first <= region.b.last + 1):
            merged[-1] = Region(a=LineRange(first=last.a.first, last=max(last.a.last, region.a.last)),
                                b=LineRange(first=min(last.b.first, region.b.first), last=max(last.b.last, region.b.last)))
        else:
            merged.append(region)
    return merged


def whole_file(lines: int) -> list[Region]:
    """An exact copy's one region: every line of both."""
    span = LineRange(first=1, last=max(lines, 1))
    return [Region(a=span, b=span)]
