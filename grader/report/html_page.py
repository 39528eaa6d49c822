"""The frame every HTML page of the grader shares: one file, its CSS inline, nothing fetched.

A page must open from the file system or an e-mail attachment, offline, years later:
no CDN, no web font, no external image or script. Statuses are words as well as
colours (and a border style), so a page reads the same printed in black and white.
Every string that reaches markup goes through `esc`: messages carry student text.
Words are in the active language, and the page says which (`<html lang>`); `tr_html`
translates a sentence around markup that is filled in after escaping.
"""

from __future__ import annotations

import html

from grader.i18n import active_language, tr
from grader.models.results import CheckStatus
from grader.report.common import status_word

# The status's CSS class: its colour on screen; the word is always printed too.
STATUS_CLASS: dict[CheckStatus, str] = {
    CheckStatus.PASSED: "pass",
    CheckStatus.FAILED: "fail",
    CheckStatus.ERROR: "fail",
    CheckStatus.TIMEOUT: "warn",
    CheckStatus.SKIPPED: "skip",
    CheckStatus.GRADER_ERROR: "grader",
}

_CSS = """
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg-alt: #f6f8fa;
  --pass: #1a7f37; --fail: #b3261e; --warn: #8a5a00; --skip: #57606a; --grader: #6639ba; --bar: #2f6fb3; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--fg); margin: 0 auto; padding: 1.5rem; max-width: 72rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
p.lead { color: var(--muted); margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--fg); }
tbody tr:nth-child(even) { background: var(--bg-alt); }
table.checks { table-layout: fixed; }
table.checks th:nth-child(1) { width: 32%; } table.checks th:nth-child(2) { width: 8.5rem; }
table.checks th:nth-child(3) { width: 5rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { font-weight: 700; white-space: nowrap; padding: 0 .3rem; border: 1px solid; border-radius: 3px; }
.status.pass { color: var(--pass); } .status.fail { color: var(--fail); border-width: 2px; }
.status.warn { color: var(--warn); border-style: dashed; } .status.skip { color: var(--skip); border-style: dotted; }
.status.grader { color: var(--grader); border-style: double; border-width: 3px; }
.message { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: inherit; }
.mistake { margin: .3rem 0 0; font-style: italic; }
.note { border-left: 4px solid var(--warn); padding: .25rem .75rem; background: var(--bg-alt); }
.figures { display: flex; flex-wrap: wrap; gap: .5rem 2rem; padding: 0; list-style: none; }
.figures li { min-width: 8rem; } .figures strong { display: block; font-size: 1.6rem; }
.bar { background: var(--bg-alt); border: 1px solid var(--line); height: 1rem; min-width: 8rem; }
.bar > span { display: block; height: 100%; background: var(--bar); }
/* Side by side, always: a reader compares row with row (a narrow screen scrolls them). */
.grids { display: flex; flex-wrap: nowrap; overflow-x: auto; gap: 1rem; margin: .5rem 0; }
table.grid { width: auto; margin: 0; font: 13px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; }
table.grid td, table.grid th { border: 1px solid var(--line); padding: .15rem .4rem; text-align: right; }
table.grid th { color: var(--muted); font-weight: 400; }
table.grid td.differs { font-weight: 700; outline: 2px solid var(--fail); outline-offset: -2px; background: #fde8e6; }
th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th button::after { content: " \\2195"; color: var(--muted); }
th[aria-sort=ascending] button::after { content: " \\2191"; } th[aria-sort=descending] button::after { content: " \\2193"; }
a { color: #0a58ca; }
figure { margin: .5rem 0; } figcaption { color: var(--muted); font-size: .9em; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
.ids { color: var(--muted); font-size: .9em; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  tbody tr:nth-child(even) { background: none; }
  tr, .grids { break-inside: avoid; }
  th button::after { content: none; }
  .status, .status.pass, .status.fail, .status.warn, .status.skip, .status.grader { color: #000; }
  table.grid td.differs { background: none; }
}
"""


def esc(text: object) -> str:
    """Text for markup: every <, >, &, and both quotes escaped."""
    return html.escape(str(text), quote=True)


def tr_html(message: str, **markup: str) -> str:
    """`message` translated and escaped, its {placeholders} then filled with `markup`
    (already HTML: escape what it holds yourself)."""
    try:
        return esc(tr(message)).format(**markup)
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
        return esc(message).format(**markup)


def status_badge(status: CheckStatus) -> str:
    return f'<span class="status {STATUS_CLASS[status]}">{esc(status_word(status))}</span>'


def page(title: str, body: str, *, script: str = "", style: str = "") -> str:
    """A whole HTML document: `title`, inline CSS (the shared, then the page's own
    `style`), `body`, and an optional inline script."""
    tail = f"<script>\n{script}\n</script>\n" if script else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(active_language())}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing may be fetched: a page that tried would fail offline, or leak who opened it.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        '<link rel="icon" href="data:,">\n'  # or the browser asks the server for /favicon.ico
        f"<title>{esc(title)}</title>\n<style>{_CSS}{style}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n{tail}</body>\n</html>\n"
    )
