"""A check's message as HTML, with its expected-vs-got excerpts laid out as grids.

`expect_tensor` (grader.authoring.tensors) ends a wrong-values message with a window
of the tensor around the worst element:

    around [1, 2, 0:3, 1:4]:
      expected [[1.0, 2.0, 3.0], ...]
           got [[1.0, 2.5, 3.0], ...]

The result model keeps the message as text (the same text every format shows), so the
grids are recovered from it here: two lines that read `expected <list>` then `got
<list>` become two aligned tables, the differing cells in bold with an outline (not
colour alone), rows and columns numbered from the window's origin. Anything that does
not parse stays text, so a message can never be lost to this layout.

A translated message says "expected" and "got" in its own language: the lines are
recognised by the English words and by this catalog's translation of them (the
engine's excerpt must use the same words), and the window by its index alone
(`[1, 2, 0:3, 1:4]` ending the line with a colon), whatever words surround it.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from grader.i18n import N_, tr
from grader.report.html_page import esc

# The window line: its index (the last two dims as slices), ending in a colon (either
# width) after any words ("around [0, 0, 1:3, 1:3]:", "在 [0, 0, 1:3, 1:3] 附近：").
_WINDOW = re.compile(r"^[^\[\]]*\[(?P<where>(?:\d+, )*(?P<r>\d+):\d+, (?P<c>\d+):\d+)\][^\[\]]*[:：]$")
_EXPECTED_WORD, _GOT_WORD = N_("expected"), N_("got")
_VALUES = r"\s*[:：]?\s*(?P<values>\[.*\]|[-\d.e+infa]+)\s*$"
_RTOL, _ATOL = 1e-4, 1e-5  # expect_tensor's defaults: what counts as a differing cell


def _values(text: str) -> list[list[Any]] | None:
    """A literal as rows of cells (a scalar or a list becomes one row), or None."""
    try:
        value = ast.literal_eval(text.replace("nan", "None").replace("inf", "1e999"))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list):
        return [[value]]
    if all(isinstance(row, list) for row in value) and value:
        if all(not isinstance(cell, list) for row in value for cell in row):
            return value
        return None
    if all(not isinstance(cell, list) for cell in value):
        return [value]
    return None


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return True
        return abs(a - b) > _ATOL + _RTOL * abs(a)
    return a != b


def _cell(value: Any) -> str:
    return "nan" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _line(word: str) -> "re.Pattern[str]":
    """A line `<word> <values>`, the word in English or in the active language."""
    words = sorted({word, tr(word)}, key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(re.escape(w) for w in words) + r")" + _VALUES)


def _grid(label: str, rows: list[list[Any]], other: list[list[Any]], origin: tuple[int, int] | None) -> str:
    columns = max(len(row) for row in rows)
    r0, c0 = origin or (0, 0)
    head = "".join(f'<th scope="col">{c0 + j}</th>' for j in range(columns)) if origin else ""
    lines = [f'<table class="grid"><caption>{esc(label)}</caption>']
    if origin:
        row = esc(tr("row"))
        lines.append(f'<thead><tr><th scope="col"><span class="visually-hidden">{row}</span></th>{head}</tr></thead>')
    lines.append("<tbody>")
    for i, row in enumerate(rows):
        cells = []
        for j, value in enumerate(row):
            theirs = other[i][j] if i < len(other) and j < len(other[i]) else None
            wrong = _differs(value, theirs)
            css = ' class="differs"' if wrong else ""
            cells.append(f"<td{css}>{esc(_cell(value))}</td>")
        lead = f'<th scope="row">{r0 + i}</th>' if origin else ""
        lines.append(f"<tr>{lead}{''.join(cells)}</tr>")
    lines.append("</tbody></table>")
    return "".join(lines)


def _excerpt(window: str | None, expected: list[list[Any]], got: list[list[Any]]) -> str:
    origin = None
    caption = tr("Expected and got; differing values in bold, outlined")
    if window:
        match = _WINDOW.match(window)
        if match:
            origin = (int(match["r"]), int(match["c"]))
            caption = tr("Expected and got at [{where}]; differing values in bold, outlined", where=match["where"])
    grids = _grid(tr(_EXPECTED_WORD), expected, got, origin) + _grid(tr(_GOT_WORD), got, expected, origin)
    return (
        f'<figure class="excerpt"><figcaption>{esc(caption)}</figcaption>'
        f'<div class="grids">{grids}</div>'
        "</figure>"
    )


def message_html(message: str) -> str:
    """The message as HTML: text as preformatted paragraphs, excerpts as grids."""
    lines = message.splitlines()
    expected_line, got_line = _line(_EXPECTED_WORD), _line(_GOT_WORD)
    parts: list[str] = []
    text: list[str] = []

    def flush() -> None:
        if text:
            parts.append(f'<p class="message">{esc(chr(10).join(text))}</p>')
            text.clear()

    i = 0
    while i < len(lines):
        expected = expected_line.match(lines[i])
        got = got_line.match(lines[i + 1]) if expected and i + 1 < len(lines) else None
        grids = (_values(expected["values"]), _values(got["values"])) if expected and got else (None, None)
        if grids[0] is not None and grids[1] is not None:
            window = text.pop() if text and _WINDOW.match(text[-1]) else None
            flush()
            parts.append(_excerpt(window, grids[0], grids[1]))
            i += 2
            continue
        text.append(lines[i])
        i += 1
    flush()
    return "".join(parts)
