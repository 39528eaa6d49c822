"""Laying out text with Chinese in it for a terminal: its width in columns, and
wrapping that breaks between Chinese characters (there are no spaces to break at) but
never inside an English word, and keeps the basic line-break rules of Chinese text
(no line starts with closing punctuation or ends with an opening bracket)."""

from __future__ import annotations

import unicodedata

# Punctuation that must not begin a line of Chinese: it stays with what it follows.
_NO_LINE_START = frozenset("，。、；：？！）」』》”’,.;:?!)")
_NO_LINE_END = frozenset("（「『《“‘(")  # and this must not end one: it goes with what follows


def is_wide(char: str) -> bool:
    """Whether a terminal gives the character two columns (Chinese, full-width forms)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def display_width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if is_wide(c) else 1 for c in text)


def _tokens(text: str) -> list[str]:
    """Runs of spaces, runs of narrow non-space characters (words), and each wide
    character on its own (Chinese may break between any two characters)."""
    tokens: list[str] = []
    for char in text:
        kind = "space" if char.isspace() else "wide" if is_wide(char) else "word"
        last = tokens[-1] if tokens else ""
        same = last and kind != "wide" and (last[-1].isspace() if kind == "space" else
                                            not last[-1].isspace() and not is_wide(last[-1]))
        if same:
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _last_unit(line: str) -> int:
    """Where the line's last unbreakable piece starts: its last wide character, or its
    last English word."""
    end = len(line)
    if end and is_wide(line[end - 1]):
        return end - 1
    start = end
    while start and not line[start - 1].isspace() and not is_wide(line[start - 1]):
        start -= 1
    return start


def _break_before(line: str, token: str) -> tuple[str, str]:
    """The full line to emit and what starts the next, when `token` does not fit:
    an opening bracket at the end moves down, and punctuation that must not start a
    line takes the line's last piece down with it. ("", line + token) where no break
    keeps those rules: the line then overflows."""
    line = line.rstrip()
    cut = len(line)
    if token in _NO_LINE_START:
        cut = _last_unit(line)
        while cut and line[cut] in _NO_LINE_START:  # what moves down must not start with one either
            cut = _last_unit(line[:cut].rstrip())
    while cut and line[cut - 1] in _NO_LINE_END:
        cut -= 1
    head = line[:cut].rstrip()
    if not head:
        return "", line + token
    return head, line[cut:].lstrip() + token


def wrap_wide(text: str, width: int) -> list[str]:
    """`textwrap.wrap` for text with Chinese in it: lines measured in terminal columns,
    broken between characters as well as at spaces; English words are never split, a
    line never starts with closing punctuation nor ends with an opening bracket."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if token.isspace():
            line += " " if line and not line.endswith(" ") else ""
            continue
        candidate = line + token
        if display_width(candidate) <= width or not line.strip():
            line = candidate
            continue
        full, line = _break_before(line, token)
        if full:
            lines.append(full)
    if line.strip():
        lines.append(line.rstrip())
    return lines
