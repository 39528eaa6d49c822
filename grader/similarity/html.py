"""The similarity report as one self-contained page, `results/similarity.html`: for the
instructor, beside the class dashboard, and like it offline (nothing fetched).

Per exercise: the groups (three or more students sharing one file) as groups, then the
top pairs at or above the threshold, each with the two files side by side and the
matching lines highlighted (each matching region in its own colour, and its lines
numbered in the other file on hover), then the students whose file matches the
reference, and the code most of the class writes alike. Lines of the released stub and
common lines are marked too, as counting for nothing. Highlights are a border as well as
a colour, so a black-and-white printout shows them.
"""

from __future__ import annotations

from grader.i18n import tr, trn
from grader.report.html_page import esc, page
from grader.similarity.clusters import in_a_cluster
from grader.similarity.model import (REFERENCE, Cluster, ExerciseSimilarity, LineRange, PairMatch, ReferenceMatch,
                                     Region, ShownFile, SimilarityReport)

TOP_PAIRS = 30  # pairs listed per exercise (the gradebook holds them all)
CLUSTER_FILES = 4  # a group's files side by side (more do not fit a screen)
OPENED = 3  # pairs per exercise shown opened; the rest open with a click
_REGION_COLOURS = 6

_CSS = """
main { max-width: none; }
.legend span { margin-right: 1.25rem; white-space: nowrap; }
.side { display: flex; gap: .75rem; overflow-x: auto; align-items: flex-start; }
.side > figure { flex: 1 1 0; min-width: 24rem; margin: 0; overflow-x: auto; }
.side > figure figcaption { font-weight: 600; color: inherit; }
table.code { font: 12.5px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; margin: 0; width: 100%; }
table.code td { border: 0; padding: 0 .4rem; white-space: pre; }
table.code td:first-child { color: var(--muted); text-align: right; user-select: none; width: 3rem; }
table.code tr { background: none !important; }
table.code tr.starter td + td { color: var(--muted); font-style: italic; }
table.code tr.common td + td { background: #eef1f4; text-decoration: underline dotted var(--muted); }
table.code tr.hit td { border-left: 4px solid #9a6700; }
tr.hit.r0 td { background: #fff3b0; } tr.hit.r1 td { background: #d8f3dc; } tr.hit.r2 td { background: #dbeafe; }
tr.hit.r3 td { background: #fde2e4; } tr.hit.r4 td { background: #ede9fe; } tr.hit.r5 td { background: #ffe8cc; }
.sample { background: #fff3b0; border-left: 4px solid #9a6700; padding: 0 .3rem; }
.starter-sample { color: var(--muted); font-style: italic; }
.common-sample { background: #eef1f4; text-decoration: underline dotted var(--muted); }
details.pair, article.cluster { border: 1px solid var(--line); border-radius: 4px; padding: .5rem .75rem;
  margin: .75rem 0; }
details.pair > summary { cursor: pointer; font-weight: 600; }
pre.common-code { background: var(--bg-alt); padding: .5rem; overflow-x: auto; margin: .25rem 0 .75rem; }
@media print { tr.hit td { background: none !important; } details.pair { break-inside: avoid; } }
"""


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.0f}%"


def _student(student_id: str) -> str:
    return esc(tr("the reference solution")) if student_id == REFERENCE else esc(student_id)


def _lines_of(regions: list[Region], side: str) -> dict[int, tuple[int, LineRange]]:
    """line -> (region index, the other file's lines) for one side of the regions."""
    marks: dict[int, tuple[int, LineRange]] = {}
    for index, region in enumerate(regions):
        mine, theirs = (region.a, region.b) if side == "a" else (region.b, region.a)
        for line in range(mine.first, mine.last + 1):
            marks.setdefault(line, (index, theirs))
    return marks


def _in(ranges: list[LineRange], line: int) -> bool:
    return any(line in r for r in ranges)


def _code(shown: ShownFile, marks: dict[int, tuple[int, LineRange]], other: str) -> str:
    """The file as a table of numbered lines; a page holds thousands of them, so each row
    carries only what it must (a class when marked, a title on a region's first line)."""
    rows = []
    for number, text in enumerate(shown.lines, 1):
        attributes = ""
        if number in marks:
            region, theirs = marks[number]
            attributes = f' class="hit r{region % _REGION_COLOURS}"'
            if number - 1 not in marks or marks[number - 1][0] != region:
                title = tr("matches lines {first}-{last} of {other}", first=theirs.first, last=theirs.last, other=other)
                attributes += f' title="{esc(title)}"'
        elif _in(shown.common, number):
            attributes = ' class="common"'
        elif _in(shown.starter, number):
            attributes = ' class="starter"'
        rows.append(f"<tr{attributes}><td>{number}</td><td>{esc(text)}</td></tr>")
    return f'<table class="code">{"".join(rows)}</table>'


def _figure(student_id: str, shown: ShownFile | None, marks: dict[int, tuple[int, LineRange]], other: str) -> str:
    if shown is None:
        return ""
    caption = f"{_student(student_id)}: {esc(shown.name)}"
    return (f'<figure data-student="{esc(student_id)}"><figcaption>{caption}</figcaption>'
            f"{_code(shown, marks, other)}</figure>")


def _pair_details(pair: PairMatch, files: dict[str, ShownFile], opened: bool) -> str:
    a, b = pair.student_a, pair.student_b
    how = tr("exact copy") if pair.exact else tr("{a_in_b} of {a}'s own code is in {b}'s file, {b_in_a} of {b}'s in {a}'s",
                                                 a_in_b=_percent(pair.a_in_b), a=a, b=b, b_in_a=_percent(pair.b_in_a))
    reference = (" " + tr("{share} of what they share is also in the reference.", share=_percent(pair.reference_share))
                 if pair.reference_share else "")
    summary = f"{esc(a)} &amp; {esc(b)}: {_percent(pair.score)}"
    return (f'<details class="pair" id="{esc(pair.anchor)}" data-a="{esc(a)}" data-b="{esc(b)}"'
            f'{" open" if opened else ""}><summary>{summary}</summary>'
            f"<p>{esc(how)}.{esc(reference)}</p>"
            f'<div class="side">{_figure(a, files.get(a), _lines_of(pair.regions, "a"), b)}'
            f'{_figure(b, files.get(b), _lines_of(pair.regions, "b"), a)}</div></details>')


def _pairs_table(pairs: list[PairMatch]) -> str:
    rows = []
    for rank, pair in enumerate(pairs, 1):
        regions = ", ".join(f"{r.a.first}-{r.a.last} ~ {r.b.first}-{r.b.last}" for r in pair.regions[:4])
        more = " …" if len(pair.regions) > 4 else ""
        kind = tr("exact copy") if pair.exact else ""
        rows.append(
            f'<tr data-pair="{esc(pair.anchor)}"><td class="num">{rank}</td>'
            f'<td><a href="#{esc(pair.anchor)}">{esc(pair.student_a)} &amp; {esc(pair.student_b)}</a></td>'
            f'<td class="num">{_percent(pair.score)}</td>'
            f'<td class="num">{_percent(pair.a_in_b)} / {_percent(pair.b_in_a)}</td>'
            f"<td>{esc(regions + more)}</td><td>{esc(kind)}</td>"
            f'<td class="num">{_percent(pair.reference_share)}</td></tr>')
    head = "".join(f'<th scope="col"{c}>{esc(h)}</th>' for h, c in [
        ("#", ' class="num"'), (tr("Pair of students"), ""), (tr("Score"), ' class="num"'),
        (tr("Own code in the other's"), ' class="num"'), (tr("Matching lines"), ""), (tr("Kind"), ""),
        (tr("Also in the reference"), ' class="num"')])
    return (f'<table class="pairs"><caption>{esc(tr("Pairs, highest score first"))}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _cluster(cluster: Cluster, exercise: ExerciseSimilarity) -> str:
    inside = [p for p in exercise.pairs if p.student_a in cluster.students and p.student_b in cluster.students]
    figures = []
    for student in cluster.students[:CLUSTER_FILES]:
        regions = ([r for p in inside if p.student_a == student for r in p.regions]
                   + [Region(a=r.b, b=r.a) for p in inside if p.student_b == student for r in p.regions])
        others = ", ".join(s for s in cluster.students if s != student)
        figures.append(_figure(student, exercise.files.get(student), _lines_of(regions, "a"), others))
    if cluster.exact:
        how = tr("the very same file")
    else:
        how = tr("matches from {lowest} to {highest}", lowest=_percent(cluster.lowest), highest=_percent(cluster.highest))
    title = trn("A group of {n} student: {students}", "A group of {n} students: {students}", len(cluster.students),
                n=len(cluster.students), students=", ".join(cluster.students))
    if len(cluster.students) > CLUSTER_FILES:
        how += " " + tr("(the files of the first {n} shown)", n=CLUSTER_FILES)
    return (f'<article class="cluster" id="{esc(cluster.anchor)}" data-students="{esc(" ".join(cluster.students))}">'
            f"<h4>{esc(title)}</h4><p>{esc(how)}</p><div class=\"side\">{''.join(figures)}</div></article>")


def _reference(matches: list[ReferenceMatch], files: dict[str, ShownFile]) -> str:
    if not matches:
        return ""
    parts = [f"<h3>{esc(tr('Matches with the reference solution'))}</h3>",
             f"<p>{esc(tr('Apart from the pairs: these files hold much of the reference solution itself.'))}</p>"]
    for match in matches:
        how = tr("exact copy") if match.exact else _percent(match.score)
        anchor = f"reference-{match.student_id}"
        student = _figure(match.student_id, files.get(match.student_id), _lines_of(match.regions, "a"),
                          tr("the reference solution"))
        solution = _figure(REFERENCE, files.get(REFERENCE), _lines_of(match.regions, "b"), match.student_id)
        parts.append(
            f'<details class="pair reference" id="{esc(anchor)}" data-a="{esc(match.student_id)}">'
            f'<summary>{esc(match.student_id)}: {esc(how)}</summary><div class="side">{student}{solution}</div></details>')
    return "\n".join(parts)


def _common(exercise: ExerciseSimilarity) -> str:
    if not exercise.common:
        return ""
    blocks = "".join(
        f'<p>{esc(tr("in {n} different files:", n=c.files))}</p><pre class="common-code">{esc(c.text)}</pre>'
        for c in exercise.common)
    lead = tr("Written alike in at least {n} different files: shown, never counted as copying.", n=exercise.common_files)
    return (f"<h3>{esc(tr('Common code'))}</h3><p>{esc(lead)}</p>"
            f"<div class=\"common\">{blocks}</div>")


def _not_compared(exercise: ExerciseSimilarity) -> str:
    words = {"missing": tr("no file"), "untouched": tr("the untouched stub"), "unreadable": tr("could not be read")}
    parts = [f"{words.get(why, why)}: {', '.join(students)}" for why, students in exercise.not_compared.items()]
    return f'<p class="not-compared">{esc(tr("Not compared: {what}", what="; ".join(parts)))}</p>' if parts else ""


def _exercise(exercise: ExerciseSimilarity, threshold: float) -> str:
    anchor = f"exercise-{exercise.exercise_id}"
    lead = tr("{compared} students compared ({distinct} different files).", compared=exercise.compared,
              distinct=exercise.distinct_files)
    pairs = [p for p in exercise.pairs if p.score >= threshold and not in_a_cluster(p, exercise.clusters)]
    parts = [f"<p>{esc(lead)}</p>", _not_compared(exercise)]
    shown = pairs[:TOP_PAIRS]
    if shown:  # the ranking first: who to look at, then the groups, then each pair's files
        parts.append(_pairs_table(shown))
        if len(pairs) > len(shown):
            parts.append(f"<p>{esc(tr('and {n} more pairs in the gradebook', n=len(pairs) - len(shown)))}</p>")
    if exercise.clusters:
        parts.append(f"<h3>{esc(tr('Groups'))}</h3>")
        parts += [_cluster(c, exercise) for c in exercise.clusters]
    if shown:
        parts.append(f"<h3>{esc(tr('Pairs'))}</h3>")
        parts += [_pair_details(p, exercise.files, index < OPENED) for index, p in enumerate(shown)]
    if not shown and not exercise.clusters:
        parts.append(f'<p class="none">{esc(tr("No pair reaches the threshold."))}</p>')
    parts.append(_reference(exercise.reference, exercise.files))
    parts.append(_common(exercise))
    return (f'<section aria-labelledby="{esc(anchor)}" data-exercise="{esc(exercise.exercise_id)}">'
            f'<h2 id="{esc(anchor)}">{esc(exercise.exercise_id)}</h2>\n' + "\n".join(p for p in parts if p) + "</section>")


def render_similarity(report: SimilarityReport) -> str:
    threshold = report.settings.threshold
    title = tr("Code similarity")
    lead = tr("{pairs} pairs at or above {threshold} in {exercises} exercises; generated {when}",
              pairs=report.flagged(), threshold=_percent(threshold), exercises=len(report.exercises),
              when=report.generated_at.strftime("%Y-%m-%d %H:%M UTC"))
    legend = (f'<p class="legend"><span class="sample">{esc(tr("matching lines"))}</span>'
              f'<span class="common-sample">{esc(tr("common: written alike by many, not counted"))}</span>'
              f'<span class="starter-sample">{esc(tr("the released stub, not counted"))}</span></p>')
    note = tr("A score is the share of the smaller file's own code (the stub and common code left out) that the other "
              "file holds too, after names, comments and docstrings are set aside. It is a reason to look, "
              "never proof. Computed on this machine: no code was sent anywhere.")
    body = "\n".join([
        f"<header><h1>{esc(title)}</h1>",
        f'<p class="lead">{esc(lead)} · <a href="index.html">{esc(tr("Class dashboard"))}</a></p>',
        f"<p>{esc(note)}</p>{legend}</header>",
        *(_exercise(e, threshold) for e in report.exercises),
    ])
    return page(title, body, style=_CSS)
