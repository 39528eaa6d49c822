"""The similarity page as text: student code escaped, nothing to fetch, the threshold's pairs only."""

from __future__ import annotations

import re

from grader.similarity.html import render_similarity
from grader.similarity.model import (ExerciseSimilarity, LineRange, PairMatch, Region, ShownFile, SimilarityReport,
                                     SimilaritySettings)

HOSTILE = '</script><script>alert("x")</script><img src="http://evil.example/p.png">'


def report() -> SimilarityReport:
    span = LineRange(first=1, last=2)
    pair = PairMatch(exercise_id="exercise_01", student_a="a<b", student_b="c", score=0.9, a_in_b=0.9, b_in_a=0.8,
                     shared=12, regions=[Region(a=span, b=span)])
    low = pair.model_copy(update={"student_a": "d", "score": 0.2})
    files = {s: ShownFile(name="exercise_01.py", lines=[f"x = '{HOSTILE}'", "y = x", "z = 1"]) for s in ("a<b", "c", "d")}
    exercise = ExerciseSimilarity(exercise_id="exercise_01", compared=3, pairs=[pair, low], files=files)
    return SimilarityReport(settings=SimilaritySettings(threshold=0.5), exercises=[exercise])


def test_student_code_is_escaped_and_nothing_is_fetched() -> None:
    page = render_similarity(report())
    assert HOSTILE not in page and "&lt;/script&gt;&lt;script&gt;" in page
    body = page.split("</head>", 1)[1]
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", body)
    assert 'id="pair-exercise_01-a_3c_b-c"' in page  # an id from an id with odd characters


def test_only_pairs_at_or_above_the_threshold_are_shown_and_their_lines_marked() -> None:
    page = render_similarity(report())
    assert 'data-a="a&lt;b"' in page and 'data-a="d"' not in page
    rows = re.findall(r'<tr class="hit r0"[^>]*><td>(\d+)</td>', page)
    assert rows == ["1", "2", "1", "2"]  # lines 1-2 of each side, line 3 not
