"""A class's similarity report: read each student's files, fingerprint them, compare
every pair per exercise (only what the cache has not seen), and score what they share.

    submissions --read--> CodeFile per student and exercise
        --exact_copy_key--> identical files grouped: one fingerprint, reported as exact copies
        --fingerprint (cached by content; new files on `jobs` processes)--> kept hashes
        less the stub's: none left is "untouched", left out
        --compare each new file with every other (cached per pair)--> shared hashes
        --score, less common code--> pairs, clusters, matches with the reference

Nothing here runs student code or sends it anywhere: files are read and tokenised.
"""

from __future__ import annotations

import hashlib
import time
from array import array
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from grader.catalog.course import Exercise
from grader.similarity.cache import FingerprintCache
from grader.similarity.clusters import find_clusters
from grader.similarity.compare import (PairScore, common_hashes, containment, lines_with, matched_regions,
                                       merge_regions, score_pair, whole_file)
from grader.similarity.fingerprint import Fingerprints, WinnowSettings, exact_copy_key, fingerprint_texts, kgram_hashes
from grader.similarity.model import (REFERENCE, CommonCode, ExerciseSimilarity, PairMatch, ReferenceMatch, Region,
                                     ShownFile, SimilarityCost, SimilarityReport, SimilaritySettings, StudentMatch)
from grader.similarity.sources import CodeFile, NotCompared, StubCode, read_submission
from grader.similarity.tokens import code_tokens

_REFERENCE_KEY = "reference:"  # the reference's content key starts with this: never a student's


@dataclass(frozen=True)
class Submission:
    student_id: str
    path: Path  # a folder or a .zip


@dataclass
class ExerciseFiles:
    """One exercise's code, read: each student's file, the stub, the reference."""

    exercise_id: str
    files: dict[str, CodeFile] = field(default_factory=dict)
    not_compared: dict[str, list[str]] = field(default_factory=dict)
    boilerplate: list[str] = field(default_factory=list)
    reference: str | None = None


def read_class(submissions: list[Submission], exercises: list[Exercise]) -> list[ExerciseFiles]:
    """Every student's file for every exercise (each submission opened once)."""
    stubs = [(exercise, StubCode.of(exercise)) for exercise in exercises]
    found = {e.id: ExerciseFiles(e.id, boilerplate=stub.boilerplate_texts()) for e, stub in stubs}
    for submission in submissions:
        for exercise_id, code in read_submission(submission.path, stubs).items():
            if isinstance(code, NotCompared):
                found[exercise_id].not_compared.setdefault(code.value, []).append(submission.student_id)
            else:
                found[exercise_id].files[submission.student_id] = code
    for exercise in exercises:
        try:
            found[exercise.id].reference = exercise.solution_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # a student kit has no solutions
            pass
    return [found[e.id] for e in exercises]


class _Exercise:
    """The comparison of one exercise's files. Made in two steps: the texts it needs
    fingerprinted (`texts`, by content key), then, given their fingerprints, everything
    else (`compare`, then `result`)."""

    # Set by compare():
    prints: dict[str, Fingerprints]  # by content key
    own: dict[str, frozenset[int]]  # each file's fingerprints less the stub's
    key_of: dict[str, str]  # student -> content key
    shared: dict[tuple[str, str], array]  # (key, key) -> the fingerprints both files hold
    common: frozenset[int]  # fingerprints so many files hold that they count for nothing
    common_files: int
    size: dict[str, int]  # each file's own fingerprints that count

    def __init__(self, files: ExerciseFiles, settings: SimilaritySettings) -> None:
        self.files = files
        self.settings = settings
        self.winnow = WinnowSettings(k=settings.k, window=settings.window)
        self.texts: dict[str, str] = {}
        self.students_of: dict[str, list[str]] = {}
        for student, code in sorted(files.files.items()):
            key = exact_copy_key(code.text)
            self.texts[key] = code.text
            self.students_of.setdefault(key, []).append(student)
        self.reference_key: str | None = None
        if files.reference is not None:
            self.reference_key = _REFERENCE_KEY + exact_copy_key(files.reference)
            self.texts[self.reference_key] = files.reference
        self.starter = frozenset(h for text in files.boilerplate for h in kgram_hashes(code_tokens(text), settings.k))

    def compare(self, prints: dict[str, Fingerprints], cache: FingerprintCache, cost: SimilarityCost) -> None:
        self.prints = prints
        self.own = {key: frozenset(prints[key].hashes) - self.starter for key in self.texts}
        for key in [k for k in self.students_of if not self.own[k]]:  # nothing beyond the stub
            self.files.not_compared.setdefault(NotCompared.UNTOUCHED.value, []).extend(self.students_of.pop(key))
            del self.texts[key]
        self.key_of = {s: k for k, students in self.students_of.items() for s in students}
        compared = sum(len(s) for s in self.students_of.values())
        cost.files += compared
        cost.exact_copies += compared - len(self.students_of)
        self.shared = self._compare_new(cache, cost)
        self.common, self.common_files = common_hashes((self.own[k] for k in self.students_of), self.settings)
        self.size = {key: len(own - self.common) for key, own in self.own.items()}

    def _compare_new(self, cache: FingerprintCache, cost: SimilarityCost) -> dict[tuple[str, str], array]:
        """Compare each file the cache has not seen with every other: nothing else."""
        context = hashlib.sha256("\0".join([self.winnow.tag(), *self.files.boilerplate]).encode()).hexdigest()
        current = set(self.texts)
        seen = cache.compared(self.files.exercise_id, context) & current
        new = sorted(current - seen)
        found: dict[tuple[str, str], set[int]] = {}
        for index, key in enumerate(new):
            mine = self.own[key]
            for other in chain(sorted(seen), new[:index]):
                both = mine & self.own[other]
                if both:
                    found[(key, other) if key < other else (other, key)] = set(both)
        cache.record(self.files.exercise_id, current, found)
        pairs = len(current) * (len(current) - 1) // 2
        now = len(new) * len(seen) + len(new) * (len(new) - 1) // 2
        cost.pairs_compared += now
        cost.pairs_reused += pairs - now
        return cache.shared(self.files.exercise_id, current)

    def _counted(self, shared: array) -> int:
        """How many of a pair's shared fingerprints count (are not common)."""
        return len(shared) - len(self.common.intersection(shared)) if self.common else len(shared)

    def _score(self, a: str, b: str, shared: "array | frozenset[int]") -> PairScore:
        return score_pair(frozenset(shared), self.own[a], self.own[b], self.common, self.settings)

    def result(self) -> tuple[ExerciseSimilarity, dict[str, tuple[float, str, bool]]]:
        """The exercise's report, and each student's best match here: score, other, exact."""
        threshold = self.settings.threshold
        floor = self.settings.min_fingerprints
        best: dict[str, tuple[float, str, bool]] = {}

        def note(a: str, b: str, score: float, exact: bool) -> None:
            for me, other in ((a, b), (b, a)):
                if score > best.get(me, (0.0, "", False))[0]:
                    best[me] = (score, other, exact)

        pairs: list[PairMatch] = []
        for key, students in self.students_of.items():
            if len(students) < 2:
                continue
            scored = self._score(key, key, self.own[key])
            if not scored.score:  # alike only in the stub and common code: no copy
                continue
            for index, a in enumerate(students):
                for b in students[index + 1:]:
                    note(a, b, scored.score, True)
                    if scored.score >= threshold:
                        pairs.append(self._pair(a, b, key, key, scored, exact=True))
        reference: list[ReferenceMatch] = []
        for (key_a, key_b), shared in self.shared.items():
            if self.reference_key in (key_a, key_b):
                reference += self._reference_matches(key_b if key_a == self.reference_key else key_a, shared)
                continue
            counted = self._counted(shared)
            if not counted:
                continue
            # The score without building the pair: most pairs are below the threshold.
            score, _, _ = containment(counted, self.size[key_a], self.size[key_b], floor)
            scored = self._score(key_a, key_b, shared) if score >= threshold else None
            for a in self.students_of[key_a]:
                for b in self.students_of[key_b]:
                    note(a, b, score, False)
                    if scored is not None:
                        pairs.append(self._pair(a, b, key_a, key_b, scored, exact=False, raw=frozenset(shared)))
        pairs.sort(key=lambda p: (-p.score, -p.shared, p.student_a, p.student_b))
        reference.sort(key=lambda r: (-r.score, r.student_id))
        shown = {s for p in pairs for s in (p.student_a, p.student_b)} | {r.student_id for r in reference}
        files = {s: self._shown(self.key_of[s]) for s in sorted(shown)}
        if reference and self.reference_key is not None:
            files[REFERENCE] = self._shown(self.reference_key, name=REFERENCE)
        return ExerciseSimilarity(
            exercise_id=self.files.exercise_id, compared=len(self.key_of), distinct_files=len(self.students_of),
            not_compared={k: sorted(v) for k, v in sorted(self.files.not_compared.items())},
            pairs=pairs, clusters=find_clusters(pairs, threshold), reference=reference, common=self._common_code(),
            common_files=self.common_files, files=files,
        ), best

    def _pair(self, a: str, b: str, key_a: str, key_b: str, scored: PairScore, *, exact: bool,
              raw: frozenset[int] = frozenset()) -> PairMatch:
        """The pair's data; `raw`: every fingerprint the two files share (common code too),
        whose runs are the matching lines."""
        if exact:
            regions = whole_file(len(self.texts[key_a].splitlines()))
        else:
            regions = matched_regions(self.prints[key_a], self.prints[key_b], raw, self.settings.window, self.starter)
        a_in_b, b_in_a = scored.a_in_b, scored.b_in_a
        if a > b:  # ids in sorted order, each file's side with it
            a, b, a_in_b, b_in_a = b, a, b_in_a, a_in_b
            regions = merge_regions([Region(a=r.b, b=r.a) for r in regions])
        in_reference = self.own.get(self.reference_key or "", frozenset())
        share = len(scored.shared & in_reference) / len(scored.shared) if scored.shared else 0.0
        return PairMatch(exercise_id=self.files.exercise_id, student_a=a, student_b=b, score=round(scored.score, 4),
                         a_in_b=round(a_in_b, 4), b_in_a=round(b_in_a, 4), shared=len(scored.shared), exact=exact,
                         regions=regions, reference_share=round(share, 4))

    def _reference_matches(self, key: str, shared: array) -> list[ReferenceMatch]:
        assert self.reference_key is not None
        if key not in self.students_of:
            return []
        scored = self._score(key, self.reference_key, shared)
        if scored.a_in_b < self.settings.threshold:
            return []
        regions = matched_regions(self.prints[key], self.prints[self.reference_key], frozenset(shared),
                                  self.settings.window, self.starter)
        exact = key == self.reference_key.removeprefix(_REFERENCE_KEY)
        return [ReferenceMatch(student_id=s, score=round(scored.a_in_b, 4), exact=exact, regions=regions)
                for s in self.students_of[key]]

    def _shown(self, key: str, name: str = "") -> ShownFile:
        prints = self.prints[key]
        code = next((self.files.files[s] for s in self.students_of.get(key, [])), None)
        return ShownFile(name=name or (code.name if code else key), lines=self.texts[key].splitlines(),
                         starter=lines_with(prints, self.starter), common=lines_with(prints, self.common & self.own[key]))

    def _common_code(self) -> list[CommonCode]:
        """What most of the class writes alike, shown once from the file holding most of it."""
        if not self.common:
            return []
        key = max(sorted(self.students_of), key=lambda k: len(self.own[k] & self.common))
        prints = self.prints[key]
        counts = {h: sum(h in self.own[k] for k in self.students_of) for h in self.own[key] & self.common}
        lines = self.texts[key].splitlines()
        snippets = []
        for span in lines_with(prints, self.common & self.own[key]):
            holders = [counts[h] for h, p in zip(prints.hashes, prints.positions)
                       if h in counts and span.first <= prints.lines_of(p)[0] <= span.last]
            snippets.append(CommonCode(text="\n".join(lines[span.first - 1:span.last]), files=max(holders)))
        return snippets


def _fingerprints(compared: list[_Exercise], cache: FingerprintCache, cost: SimilarityCost,
                  jobs: int) -> dict[str, Fingerprints]:
    """Every file's fingerprints: from the cache, else made now (on `jobs` processes)."""
    winnow = compared[0].winnow
    texts = {key: text for c in compared for key, text in c.texts.items()}
    prints = cache.fingerprints(texts, winnow.tag(), winnow.k)
    fresh = fingerprint_texts({k: t for k, t in texts.items() if k not in prints}, winnow, jobs)
    cache.put_fingerprints(fresh, winnow.tag())
    cost.fingerprinted += len(fresh)
    return {**prints, **fresh}


def analyse(submissions: list[Submission], exercises: list[Exercise], settings: SimilaritySettings,
            cache: FingerprintCache, jobs: int = 1) -> SimilarityReport:
    """The similarity report of a class (each exercise compared on its own)."""
    started = time.perf_counter()
    cost = SimilarityCost()
    compared = [_Exercise(files, settings) for files in read_class(submissions, exercises)]
    prints = _fingerprints(compared, cache, cost, jobs) if compared else {}
    results: list[ExerciseSimilarity] = []
    best: dict[str, StudentMatch] = {}
    for exercise in compared:
        exercise.compare(prints, cache, cost)
        result, mine = exercise.result()
        results.append(result)
        shown = {(p.student_a, p.student_b): p.anchor for p in result.pairs}
        for student, (score, other, exact) in mine.items():
            if student not in best or score > best[student].score:
                anchor = shown.get((min(student, other), max(student, other)), "")
                best[student] = StudentMatch(student_id=student, exercise_id=result.exercise_id, other=other,
                                             score=round(score, 4), exact=exact, anchor=anchor)
    cost.seconds = round(time.perf_counter() - started, 3)
    return SimilarityReport(settings=settings, exercises=results, cost=cost,
                            students=sorted(best.values(), key=lambda m: m.student_id))
