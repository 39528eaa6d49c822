"""Groups of three or more students who share one file, drawn as a group rather than as
the pairs among them: the instructor talks to the group, not to each pair.

A group is the students linked by pairs at or above the threshold (directly, or through
each other: a copy of a copy belongs with the original).
"""

from __future__ import annotations

from grader.similarity.model import Cluster, PairMatch

MIN_SIZE = 3


def find_clusters(pairs: list[PairMatch], threshold: float) -> list[Cluster]:
    """The groups among `pairs` (one exercise's), largest first."""
    parent: dict[str, str] = {}

    def root(student: str) -> str:
        parent.setdefault(student, student)
        while parent[student] != student:
            parent[student] = parent[parent[student]]
            student = parent[student]
        return student

    linked = [p for p in pairs if p.score >= threshold]
    for pair in linked:
        parent[root(pair.student_a)] = root(pair.student_b)
    groups: dict[str, list[str]] = {}
    for student in list(parent):
        groups.setdefault(root(student), []).append(student)
    clusters = []
    for members in groups.values():
        if len(members) < MIN_SIZE:
            continue
        inside = [p for p in linked if p.student_a in members]
        scores = [p.score for p in inside]
        clusters.append(Cluster(students=sorted(members), exact=all(p.exact for p in inside)
                                and len(inside) == len(members) * (len(members) - 1) // 2,
                                lowest=min(scores), highest=max(scores)))
    return sorted(clusters, key=lambda c: (-len(c.students), -c.highest, c.students))


def in_a_cluster(pair: PairMatch, clusters: list[Cluster]) -> bool:
    """Whether both students of `pair` are in one of `clusters` (shown with the group)."""
    return any(pair.student_a in c.students and pair.student_b in c.students for c in clusters)
