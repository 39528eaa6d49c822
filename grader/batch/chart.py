"""The class summary as an SVG chart, written by hand (no plotting library needed).

Left: the score distribution (graded submissions per 10-point bin). Right: each
check's pass rate, hardest first. Every text is XML-escaped: check titles are ours,
but nothing here should trust a string. Check labels are never cut: two checks of
one function often share a long prefix, and a cut label made them read the same;
the chart widens to the longest label instead.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from grader.batch.summary import ClassSummary
from grader.i18n import active_language, tr

WIDTH, HEIGHT = 960, 420  # at least; wider for long labels, taller for many checks (18 px a row)
_PLOT_TOP, _PLOT_BOTTOM = 60, 360
_ROW = 18.0
_HIST_LEFT, _HIST_RIGHT = 40, 380
_LABELS_LEFT = 420  # check labels start here, right-aligned against the bars
_CHAR_W = 7.0  # a generous width of one 12 px sans-serif character: labels never overlap bars
_BAR_SPAN = 220
_RIGHT_MARGIN = 50  # room for "100%"
_FONT = 'font-family="sans-serif" font-size="12"'


# What XML 1.0 cannot hold at all, even escaped (control characters, lone surrogates):
# a check title with one would leave the whole chart unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text safe inside an SVG element."""
    return escape(_NOT_XML.sub("", text))


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {_FONT}{extra}>{_xml(text)}</text>'


def _histogram(summary: ClassSummary) -> list[str]:
    parts = [_text((_HIST_LEFT + _HIST_RIGHT) / 2, 40, tr("Score distribution (graded submissions)"), "middle",
                   ' font-weight="bold"')]
    peak = max(summary.histogram) or 1
    slot = (_HIST_RIGHT - _HIST_LEFT) / len(summary.histogram)
    height = _PLOT_BOTTOM - _PLOT_TOP
    for index, count in enumerate(summary.histogram):
        bar = height * count / peak
        x = _HIST_LEFT + index * slot
        parts.append(f'<rect class="bin" x="{x + 2:.1f}" y="{_PLOT_BOTTOM - bar:.1f}" width="{slot - 4:.1f}" '
                     f'height="{bar:.1f}" fill="#4c78a8"><title>{_xml(summary.bin_label(index))}: {count}</title></rect>')
        parts.append(_text(x + slot / 2, _PLOT_BOTTOM - bar - 4, str(count), "middle"))
        parts.append(_text(x, _PLOT_BOTTOM + 16, f"{index * 10}", "middle"))
    parts.append(_text(_HIST_RIGHT, _PLOT_BOTTOM + 16, "100", "middle"))
    parts.append(f'<line x1="{_HIST_LEFT}" y1="{_PLOT_BOTTOM}" x2="{_HIST_RIGHT}" y2="{_PLOT_BOTTOM}" stroke="#333"/>')
    parts.append(_text((_HIST_LEFT + _HIST_RIGHT) / 2, _PLOT_BOTTOM + 34,
                       tr("percent ({scores})", scores=summary.describe_scores()), "middle"))
    return parts


def check_label(exercise_id: str, title: str) -> str:
    return f"{exercise_id}: {title}"


def _rates_left(summary: ClassSummary) -> float:
    longest = max((len(check_label(c.exercise_id, c.title)) for c in summary.checks), default=20)
    return _LABELS_LEFT + _CHAR_W * longest + 6


def _pass_rates(summary: ClassSummary) -> list[str]:
    rates_left = _rates_left(summary)
    parts = [_text(_LABELS_LEFT, 40, tr("Pass rate per check (hardest first)"), "start", ' font-weight="bold"')]
    if not summary.checks:
        return parts + [_text(_LABELS_LEFT, _PLOT_TOP + 20, tr("no graded submissions"))]
    row = _ROW
    span = _BAR_SPAN
    for index, check in enumerate(summary.checks):
        y = _PLOT_TOP + index * row
        label = check_label(check.exercise_id, check.title)
        parts.append(_text(rates_left - 6, y + row * 0.7, label, "end"))
        parts.append(f'<rect class="rate" x="{rates_left:.1f}" y="{y + 2:.1f}" width="{span * check.rate:.1f}" '
                     f'height="{max(1.0, row - 4):.1f}" fill="#f58518"><title>{_xml(label)}: '
                     f'{check.passed}/{check.graded}</title></rect>')
        parts.append(_text(rates_left + span * check.rate + 4, y + row * 0.7, f"{100 * check.rate:.0f}%"))
    return parts


def _description(summary: ClassSummary) -> str:
    """The chart in words, for a screen reader (and a viewer that cannot draw it)."""
    graded = tr("{graded} of {students} submissions graded: {scores}.", graded=summary.graded,
                students=summary.students, scores=summary.describe_scores())
    if not summary.checks:
        return graded
    rates = "; ".join(f"{check_label(c.exercise_id, c.title)} {100 * c.rate:.0f}%" for c in summary.checks)
    return graded + " " + tr("Pass rate per check, hardest first: {rates}.", rates=rates)


def render_svg(summary: ClassSummary) -> str:
    body = "\n  ".join(_histogram(summary) + _pass_rates(summary))
    height = max(HEIGHT, int(_PLOT_TOP + _ROW * len(summary.checks) + 20))
    width = max(WIDTH, int(_rates_left(summary) + _BAR_SPAN + _RIGHT_MARGIN))
    # role="img" with a title and a description: what assistive technology reads out
    # for an SVG image (WAI-ARIA Graphics), instead of every label and number in turn.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'xml:lang="{_xml(active_language())}">\n'
        f'  <title id="chart-title">{_xml(tr("Class summary"))}</title>\n'
        f'  <desc id="chart-desc">{_xml(_description(summary))}</desc>\n'
        f'  <rect width="100%" height="100%" fill="white"/>\n  {body}\n</svg>\n'
    )
