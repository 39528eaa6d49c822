"""The class dashboard, `results/index.html`: one self-contained page for the instructor.

What the class got wrong, to re-teach on Monday: the score distribution, pass rates
per exercise and per check, the most common named mistakes and who made them,
submissions that could not be judged normally, the exercises' comparisons across the
class, and every student in a sortable table linking to their feedback page. With a similarity
report (`grade --similarity`, `grader similarity`): a link to similarity.html, its figures
per exercise, and each student's highest match in their row.

Charts are tables with a bar drawn in CSS beside the number: the number is the data
(screen readers and black-and-white printouts read it), the bar is decoration
(`aria-hidden`). Sorting is a few lines of inline script that enhance the table; the
page reads fine without it. The page is the instructor's: hidden checks and their
mistakes are counted here like any other.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Iterable

from grader.batch.class_figures import comparison_spread, exercise_rates, problems
from grader.batch.names import safe_file_name
from grader.batch.records import StudentRecord, StudentStatus, status_word
from grader.batch.roster import RosterEntry
from grader.batch.summary import ClassSummary
from grader.i18n import tr
from grader.report.html_page import esc, page

if TYPE_CHECKING:
    from grader.similarity.model import SimilarityReport

SIMILARITY_PAGE = "similarity.html"  # beside index.html

# Progressive enhancement: each header of a table.sortable becomes a button that sorts
# the rows by the cells' data-sort values (numbers as numbers), and says so in aria-sort.
_SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort"), y = b.cells[column].getAttribute("data-sort");
        var nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""

IDS_SHOWN = 30  # student links after a mistake before "and N more" (summary.json has them all)


def feedback_href(student_id: str) -> str:
    return f"feedback/{safe_file_name(student_id)}.html"


def _bar(fraction: float) -> str:
    width = max(0.0, min(1.0, fraction)) * 100
    return f'<div class="bar" aria-hidden="true"><span style="width: {width:.1f}%"></span></div>'


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.0f}%"


def _section(anchor: str, title: str, *content: str) -> str:
    """`anchor` is the section's id: the same plain word in every language (a link to
    index.html#students must not depend on the instructor's language)."""
    return (f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">{esc(title)}</h2>\n'
            + "\n".join(content) + "\n</section>")


def _table(caption: str, headers: Iterable[tuple[str, bool]], rows: Iterable[str], css: str = "") -> str:
    """headers: (label, numeric); rows: ready <tr> markup."""
    numeric_css = ' class="num"'
    head = "".join(f'<th scope="col"{numeric_css if numeric else ""}>{esc(label)}</th>' for label, numeric in headers)
    klass = f' class="{css}"' if css else ""
    return (f"<table{klass}><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _glance(summary: ClassSummary) -> str:
    def figure(label: str, value: object) -> str:
        return f"<li><strong>{esc(value)}</strong> {esc(label)}</li>"

    counts = summary.status_counts
    items = [
        figure(tr("students"), summary.students),
        figure(tr("graded"), summary.graded),
        figure(tr("missing"), counts.get(StudentStatus.MISSING.value, 0)),
        figure(tr("invalid"), counts.get(StudentStatus.INVALID.value, 0)),
        figure(tr("grader errors"), counts.get(StudentStatus.GRADER_ERROR.value, 0)),
    ]
    if summary.mean_percent is not None:
        items += [figure(tr("mean score"), f"{summary.mean_percent:g}%"),
                  figure(tr("median score"), f"{summary.median_percent:g}%")]
    if summary.identical_results:
        items.append(figure(tr("exercise results from files handed in more than once (marked =)"),
                            summary.identical_results))
        items.append(figure(tr("such files, each graded once"), summary.identical_files))
    return _section("glance", tr("At a glance"), f'<ul class="figures" id="glance-figures">{"".join(items)}</ul>')


def _distribution(summary: ClassSummary) -> str:
    peak = max(summary.histogram) or 1
    rows = [
        f'<tr><th scope="row">{summary.bin_label(i)}</th><td class="num">{count}</td><td>{_bar(count / peak)}</td></tr>'
        for i, count in enumerate(summary.histogram)
    ]
    return _section("distribution", tr("Score distribution"), _table(
        tr("Graded submissions per score band ({scores})", scores=summary.describe_scores()),
        [(tr("Score"), False), (tr("Students"), True), (tr("Bar"), False)], rows, "chart"))


def _exercises(records: list[StudentRecord]) -> str:
    rows = [
        f'<tr><th scope="row">{esc(r.exercise_id)}: {esc(r.title)}</th><td class="num">{r.full_marks}/{r.graded}</td>'
        f'<td class="num">{r.mean_points:g}/{r.points_possible:g}</td>'
        f"<td>{_bar(r.mean_points / r.points_possible if r.points_possible else 0)}</td></tr>"
        for r in exercise_rates(records)
    ]
    return _table(tr("Per exercise: students with full marks, mean points"),
                  [(tr("Exercise"), False), (tr("Full marks"), True), (tr("Mean points"), True), (tr("Bar"), False)], rows, "chart")


def _checks(summary: ClassSummary) -> str:
    rows = [
        f'<tr><td>{esc(c.exercise_id)}</td><th scope="row">{esc(c.title)}</th>'
        f'<td class="num">{c.passed}/{c.graded}</td><td class="num">{_percent(c.rate)}</td><td>{_bar(c.rate)}</td></tr>'
        for c in summary.checks
    ]
    return _table(tr("Per check, hardest first"),
                  [(tr("Exercise"), False), (tr("Check"), False), (tr("Passed"), True), (tr("Pass rate"), True), (tr("Bar"), False)],
                  rows, "chart")


def _student_links(ids: list[str]) -> str:
    links = ", ".join(f'<a href="{esc(feedback_href(s))}">{esc(s)}</a>' for s in ids[:IDS_SHOWN])
    more = tr(" and {n} more", n=len(ids) - IDS_SHOWN) if len(ids) > IDS_SHOWN else ""
    return f'<span class="ids">{links}{more}</span>'


def _mistakes(summary: ClassSummary) -> str:
    if not summary.mistakes:
        return _section("mistakes", tr("Most common mistakes"),
                        f"<p>{esc(tr('No named mistake was recognised in the graded submissions.'))}</p>")
    rows = [
        f'<tr id="mistake-{esc(m.id)}"><th scope="row">{esc(summary.describe_mistake(m))}<br>'
        f'<code>{esc(m.id)}</code> ({esc(", ".join(m.exercise_ids))})</th>'
        f'<td class="num">{m.count}</td><td>{_student_links(m.students)}</td></tr>'
        for m in summary.mistakes
    ]
    return _section("mistakes", tr("Most common mistakes"), _table(
        tr("Named mistakes the checks recognised, most frequent first; a student counts once per mistake"),
        [(tr("Mistake"), False), (tr("Students"), True), (tr("Who"), False)], rows))


def _problems(records: list[StudentRecord]) -> str:
    found = problems(records)
    if not found:
        return _section("problems", tr("Could not be judged normally"),
                        f"<p>{esc(tr('Every submission was imported and graded within its limits.'))}</p>")
    rows = [
        f'<tr><td><a href="{esc(feedback_href(p.student_id))}">{esc(p.student_id)}</a></td><td>{esc(p.kind)}</td>'
        f'<td>{esc(p.where)}</td><td><span class="message">{esc(p.message)}</span></td></tr>'
        for p in found
    ]
    return _section("problems", tr("Could not be judged normally"), _table(
        tr("Invalid submissions, grader errors, files that could not be imported, timeouts"),
        [(tr("Student"), False), (tr("Problem"), False), (tr("Where"), False), (tr("Message"), False)], rows))


def _comparison(records: list[StudentRecord]) -> str:
    spreads = comparison_spread(records)
    if not spreads:
        return ""
    rows = [
        f'<tr><td>{esc(s.exercise_id)}</td><th scope="row">{esc(tr(s.network))}</th><td>{esc(tr(s.figure))}</td>'
        f'<td class="num">{s.median:,.10g}</td><td class="num">{s.low:,.10g} to {s.high:,.10g}</td>'
        f'<td class="num">{s.count}</td></tr>'
        for s in spreads
    ]
    return _section("comparison", tr("Networks compared across the class"), _table(
        tr("Each network's figures over the graded submissions that reported them"),
        [(tr("Exercise"), False), (tr("Network"), False), (tr("Figure"), False), (tr("Median"), True), (tr("Range"), True),
         (tr("Students"), True)], rows))


def _similarity(report: "SimilarityReport") -> str:
    threshold = f"{100 * report.settings.threshold:.0f}%"
    rows = [
        f'<tr><th scope="row"><a href="{SIMILARITY_PAGE}#exercise-{esc(e.exercise_id)}">{esc(e.exercise_id)}</a></th>'
        f'<td class="num">{e.compared}</td><td class="num">{len(e.pairs)}</td><td class="num">{len(e.clusters)}</td>'
        f'<td class="num">{len(e.reference)}</td></tr>'
        for e in report.exercises
    ]
    lead = tr("{pairs} pairs of students share code at or above {threshold}. Computed on this machine; "
              "nothing was sent anywhere.", pairs=report.flagged(), threshold=threshold)
    return _section("similarity", tr("Similar code"),
                    f'<p>{esc(lead)} <a href="{SIMILARITY_PAGE}" id="similarity-link">'
                    f'{esc(tr("Open the similarity report"))}</a></p>',
                    _table(tr("Per exercise: students compared, pairs at or above the threshold, groups of three "
                              "or more, matches with the reference"),
                           [(tr("Exercise"), False), (tr("Compared"), True), (tr("Pairs"), True), (tr("Groups"), True),
                            (tr("Reference"), True)], rows))


def _best_match(report: "SimilarityReport | None", student_id: str) -> str:
    match = report.best_match(student_id) if report is not None else None
    if match is None:
        return '<td class="num" data-sort="-1"></td>'
    text = esc(tr("{score} {other} ({exercise})", score=f"{100 * match.score:.0f}%", other=match.other,
                  exercise=match.exercise_id))
    if match.anchor:
        text = f'<a href="{SIMILARITY_PAGE}#{esc(match.anchor)}">{text}</a>'
    return f'<td class="num best-match" data-sort="{match.score:g}">{text}</td>'


def _points_cell(record: StudentRecord, exercise_id: str) -> str:
    """The exercise's points; marked when the file was identical to others' and graded once."""
    points = record.exercise_points.get(exercise_id, 0.0)
    result = next((e for e in (record.report.exercises if record.report else []) if e.id == exercise_id), None)
    mark = ""
    if result is not None and result.identical is not None:
        said = tr("the same file as {n} submissions of the class, graded once", n=result.identical.submissions)
        mark = f' <abbr class="identical" title="{esc(said)}">=</abbr>'
    return f'<td class="num" data-sort="{points:g}">{points:g}{mark}</td>'


def _students(records: list[StudentRecord], roster: dict[str, RosterEntry], exercise_ids: list[str],
              similarity: "SimilarityReport | None" = None) -> str:
    rows = []
    for record in sorted(records, key=lambda r: r.student_id):
        name = roster.get(record.student_id, RosterEntry(record.student_id)).name
        cells = [
            f'<th scope="row" data-sort="{esc(record.student_id)}"><a href="{esc(feedback_href(record.student_id))}">'
            f"{esc(record.student_id)}</a></th>",
            f'<td data-sort="{esc(name)}">{esc(name)}</td>',
            f'<td data-sort="{esc(record.status.value)}">{esc(status_word(record.status))}</td>',
            *(_points_cell(record, e) for e in exercise_ids),
            f'<td class="num" data-sort="{record.points_earned:g}">{record.points_earned:g}/{record.points_possible:g}</td>',
            f'<td class="num" data-sort="{record.percent:g}">{record.percent:g}%</td>',
            *([_best_match(similarity, record.student_id)] if similarity is not None else []),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    headers = [(tr("Student"), False), (tr("Name"), False), (tr("Status"), False), *((e, True) for e in exercise_ids),
               (tr("Total"), True), (tr("Percent"), True),
               *([(tr("Highest match"), True)] if similarity is not None else [])]
    table = _table(tr("Every student; choose a column header to sort, a student to open their page"),
                   headers, rows, "sortable students")
    # The rows come sorted by id: say so, and the script continues from there.
    student = esc(tr("Student"))
    table = table.replace(f'<th scope="col">{student}</th>', f'<th scope="col" aria-sort="ascending">{student}</th>', 1)
    # Not "Students": in the tables that word heads a count (学生人数), here the list of them.
    return _section("students", tr("All students"), table)


def render_dashboard(records: list[StudentRecord], summary: ClassSummary, roster: dict[str, RosterEntry],
                     exercise_ids: list[str], generated_at: datetime,
                     similarity: "SimilarityReport | None" = None) -> str:
    body = "\n".join([
        f"<header><h1>{esc(tr('Class dashboard'))}</h1>",
        '<p class="lead">' + esc(tr("{students} students, exercises {exercises}; generated {when}",
                                    students=summary.students, exercises=", ".join(exercise_ids),
                                    when=generated_at.strftime("%Y-%m-%d %H:%M UTC"))) + "</p></header>",
        _glance(summary),
        _distribution(summary),
        _section("pass-rates", tr("Pass rates"), _exercises(records), _checks(summary)),
        _mistakes(summary),
        _problems(records),
        _comparison(records),
        *([_similarity(similarity)] if similarity is not None else []),
        _students(records, roster, exercise_ids, similarity),
    ])
    return page(tr("Class dashboard"), body, script=_SORT_SCRIPT)
