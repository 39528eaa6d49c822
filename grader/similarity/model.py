"""The similarity report as data: class -> exercise -> pairs, clusters, reference matches.

The HTML page renders it; the gradebook stores its pairs and each student's highest
match. Scores are fractions (0 to 1) of a file's *own* code: the released stub and the
code most of the class writes alike ("common") count for nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import BaseModel, ConfigDict, Field

REFERENCE = "reference"  # how the reference solution is named where a student's id would be


class LineRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first: int = Field(description="first line, 1-based")
    last: int = Field(description="last line, inclusive")

    def __contains__(self, line: int) -> bool:
        return self.first <= line <= self.last


class Region(BaseModel):
    """Lines of two files that hold the same code."""

    model_config = ConfigDict(extra="forbid")

    a: LineRange
    b: LineRange


class PairMatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: str
    student_a: str = Field(description="the first of the two ids, in sorted order")
    student_b: str
    score: float = Field(description="the share of the smaller file's own code found in the other")
    a_in_b: float = Field(description="the share of a's own code found in b's file")
    b_in_a: float
    shared: int = Field(description="fingerprints the two files share beyond the stub and common code")
    exact: bool = Field(False, description="the same file (line endings and trailing newlines aside): not compared further")
    regions: list[Region] = Field(default_factory=list, description="a's lines and b's lines that match")
    reference_share: float = Field(0.0, description="the share of what they share that the reference also holds")

    @property
    def anchor(self) -> str:
        """The pair's id in the HTML page (ids are letters, digits, '-', '_' and '.')."""
        return "pair-" + "-".join(_anchor_part(p) for p in (self.exercise_id, self.student_a, self.student_b))

    def other(self, student_id: str) -> str:
        return self.student_b if student_id == self.student_a else self.student_a


def _anchor_part(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "_.") else f"_{ord(c):x}_" for c in text)


class ReferenceMatch(BaseModel):
    """A student's file against the reference solution: shown apart from the pairs."""

    model_config = ConfigDict(extra="forbid")

    student_id: str
    score: float = Field(description="the share of the student's own code found in the reference")
    exact: bool = False
    regions: list[Region] = Field(default_factory=list, description="a: the student's lines; b: the reference's")


class Cluster(BaseModel):
    """Three or more students whose files are linked by matches above the threshold."""

    model_config = ConfigDict(extra="forbid")

    students: list[str]
    exact: bool = Field(description="they all handed in the very same file")
    lowest: float = Field(description="the weakest match that links the group")
    highest: float

    @property
    def anchor(self) -> str:
        return "cluster-" + "-".join(_anchor_part(s) for s in self.students[:4])


class ShownFile(BaseModel):
    """A file as the report shows it, with the lines that count for nothing marked."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="exercise_01.py, or the notebook's name (its code cells, joined)")
    lines: list[str]
    starter: list[LineRange] = Field(default_factory=list, description="lines of the released stub")
    common: list[LineRange] = Field(default_factory=list, description="lines most of the class writes alike")


class CommonCode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    files: int = Field(description="how many different files hold it")


class ExerciseSimilarity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: str
    compared: int = Field(description="students whose files were compared")
    distinct_files: int = Field(0, description="different files among them (exact copies count once)")
    not_compared: dict[str, list[str]] = Field(default_factory=dict,
                                               description="why (missing, untouched, unreadable) -> students")
    pairs: list[PairMatch] = Field(default_factory=list, description="at or above the threshold, highest first")
    clusters: list[Cluster] = Field(default_factory=list)
    reference: list[ReferenceMatch] = Field(default_factory=list, description="at or above the threshold")
    common: list[CommonCode] = Field(default_factory=list)
    common_files: int = Field(0, description="a fingerprint in at least this many files is common")
    files: dict[str, ShownFile] = Field(default_factory=dict, description="by student id (and 'reference')")


class StudentMatch(BaseModel):
    """A student's highest match with another student, over every exercise."""

    model_config = ConfigDict(extra="forbid")

    student_id: str
    exercise_id: str
    other: str
    score: float
    exact: bool = False
    anchor: str = Field("", description="the pair in the HTML page, when it is shown there")


class SimilarityCost(BaseModel):
    """What this run did, and what it took from the cache."""

    model_config = ConfigDict(extra="forbid")

    files: int = 0
    fingerprinted: int = Field(0, description="files tokenised and fingerprinted now")
    pairs_compared: int = Field(0, description="pairs of different files compared now")
    pairs_reused: int = Field(0, description="pairs whose comparison came from the cache")
    exact_copies: int = Field(0, description="files identical to another student's: not compared")
    seconds: float = 0.0


class SimilaritySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(0.5, description="pairs at or above this score are reported")
    k: int = Field(14, description="tokens in a fingerprinted run: shorter matches are noise")
    window: int = Field(6, description="winnowing window: a match of k + window - 1 tokens is always seen")
    common_fraction: float = Field(0.2, description="a fingerprint in this share of the files is common ...")
    common_min_files: int = Field(5, description="... and in at least this many")
    min_fingerprints: int = Field(5, description="a file with less own code than this is scored as if it had this")


class SimilarityReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: SimilaritySettings
    generated_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    exercises: list[ExerciseSimilarity] = Field(default_factory=list)
    students: list[StudentMatch] = Field(default_factory=list, description="each compared student's highest match")
    cost: SimilarityCost = Field(default_factory=SimilarityCost)

    def best_match(self, student_id: str) -> StudentMatch | None:
        return next((m for m in self.students if m.student_id == student_id), None)

    def flagged(self) -> int:
        """Pairs at or above the threshold, over every exercise."""
        return sum(len(e.pairs) for e in self.exercises)
