"""Python source as the token stream similarity is measured on: what a copier cannot
change without rewriting the code.

Read with the standard library's `tokenize` (exact for Python, and it keeps going where
a student's file stops parsing: the tokens up to the first error count). Then:

* comments, blank lines and docstrings (a statement that is only a string) are dropped;
* every name the student chose is one token, `V`: variables, parameters, functions,
  classes, and attributes the file assigns (`self.conv1 = ...`) or defines as methods;
* kept as written, because they are signal that renaming does not touch: keywords,
  operators, numbers, builtins (`range`, `len`, `super`), keyword arguments of calls
  (`kernel_size=5`), and attribute names the file does not define (`.zero_grad`,
  `.view`, `F.relu`'s `relu`);
* an imported name is the name of what it imports (`import torch.nn.functional as F`
  makes `F` read `functional`): an alias chosen differently is still the same module;
* every string literal is one token, `S` (f-strings whole).

Each token keeps the line it starts on, to show where a match lies; a block's start and
end (INDENT, DEDENT) belong to no line (0): they stand between lines.
"""

from __future__ import annotations

import builtins
import io
import keyword
import tokenize
from dataclasses import dataclass

NAME_TOKEN = "V"
STRING_TOKEN = "S"
NEWLINE_TOKEN = ";"
INDENT_TOKEN = "{"
DEDENT_TOKEN = "}"

_KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(dir(builtins)) | {"self", "cls"}
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER, tokenize.ERRORTOKEN}
# Python 3.12 splits an f-string into parts: read whole, as one string.
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)
_ASSIGNMENTS = {"=", "+=", "-=", "*=", "/=", "//=", "%=", "@=", "**=", ">>=", "<<=", "&=", "|=", "^="}
_STRUCTURE = {tokenize.NEWLINE: NEWLINE_TOKEN, tokenize.INDENT: INDENT_TOKEN, tokenize.DEDENT: DEDENT_TOKEN,
              tokenize.STRING: STRING_TOKEN}
_BLOCK = {tokenize.INDENT, tokenize.DEDENT}
_OPENING = {"(", "[", "{"}
_CLOSING = {")", "]", "}"}
_BEFORE_KEYWORD_ARGUMENT = {"(", ","}
_DEFINITIONS = {"def", "class", "lambda"}

# A token as read: (kind, text, line it starts on). Tuples: a file has thousands.
_Raw = tuple[int, str, int]


@dataclass(frozen=True)
class CodeTokens:
    """The normalised tokens of one file and the line (1-based) each starts on (0: none)."""

    words: tuple[str, ...]
    lines: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)


def _raw_tokens(source: str) -> list[_Raw]:
    """Every token up to the end, or up to where the file stops being Python."""
    found: list[_Raw] = []
    depth = 0  # inside an f-string (3.12's parts)
    try:
        for kind, text, start, _, _ in tokenize.generate_tokens(io.StringIO(source).readline):
            if kind == _FSTRING_START:
                if depth == 0:
                    found.append((tokenize.STRING, "f''", start[0]))
                depth += 1
            elif kind == _FSTRING_END:
                depth -= 1
            elif depth == 0 and kind not in _SKIPPED:
                found.append((kind, text, start[0]))
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        pass
    return found


def _logical_lines(raw: list[_Raw]) -> list[list[_Raw]]:
    """The tokens split into statements, each ending with its NEWLINE (if it has one)."""
    statements: list[list[_Raw]] = [[]]
    for token in raw:
        statements[-1].append(token)
        if token[0] == tokenize.NEWLINE:
            statements.append([])
    return [s for s in statements if s]


def _is_docstring(statement: list[_Raw]) -> bool:
    body = [t for t in statement if t[0] not in _BLOCK and t[0] != tokenize.NEWLINE]
    return bool(body) and all(t[0] == tokenize.STRING for t in body)


def _first_word(statement: list[_Raw]) -> str:
    return next((t[1] for t in statement if t[0] == tokenize.NAME), "")


def _imported_names(statement: list[_Raw]) -> dict[str, str]:
    """What an import statement binds, each to the last part of what it imports:
    `import torch.nn as nn` -> {nn: nn}; `import torch.nn` -> {torch: torch};
    `from torch.nn import functional as F` -> {F: functional}."""
    words = [t[1] for t in statement if t[0] in (tokenize.NAME, tokenize.OP) and t[1] not in "()"]
    if not words or words[0] not in ("import", "from"):
        return {}
    plain_import = words[0] == "import"
    if not plain_import:
        if "import" not in words:
            return {}
        words = words[words.index("import"):]
    items: list[list[str]] = [[]]
    for word in words[1:]:
        if word == ",":
            items.append([])
        else:
            items[-1].append(word)
    bound: dict[str, str] = {}
    for item in items:
        parts = [w for w in item if w != "."]
        if not parts or parts[0] == "*":
            continue
        if len(parts) >= 3 and parts[-2] == "as":
            bound[parts[-1]] = parts[-3]
        else:
            bound[parts[0]] = parts[0] if plain_import else parts[-1]
    return bound


def _defined_attributes(raw: list[_Raw]) -> set[str]:
    """Attribute names the file itself chooses: assigned (`self.conv1 = ...`) or defined
    as a method (`def forward`): renamed freely by a copier, so normalised."""
    defined: set[str] = set()
    depth = 0  # a def at the top level is a function, not an attribute (`def train` vs `model.train()`)
    for before, token, after in zip(raw, raw[1:], raw[2:]):
        depth += (before[0] == tokenize.INDENT) - (before[0] == tokenize.DEDENT)
        if token[0] == tokenize.NAME and (
                (before[1] == "." and after[1] in _ASSIGNMENTS) or (depth > 0 and before[1] == "def")):
            defined.add(token[1])
    return defined


def _import_words(statement: list[_Raw], imported: dict[str, str]) -> list[str]:
    """An import statement's words: module names as written (the same in everyone's
    file), an alias as what it names."""
    words = []
    before = ""
    for kind, text, _ in statement:
        if kind == tokenize.NAME and before == "as":
            words.append(imported.get(text, text))
        else:
            words.append(_STRUCTURE.get(kind, text))
        before = text
    return words


def _statement_words(statement: list[_Raw], imported: dict[str, str], defined: set[str]) -> list[str]:
    in_def = _first_word(statement) in _DEFINITIONS
    words: list[str] = []
    depth = 0
    before = ""
    last = len(statement) - 1
    for index, (kind, text, _) in enumerate(statement):
        if kind == tokenize.NAME:
            if before == ".":
                word = NAME_TOKEN if text in defined else text
            elif text in _KEPT_NAMES:
                word = text
            elif text in imported:
                word = imported[text]
            elif (not in_def and depth and before in _BEFORE_KEYWORD_ARGUMENT and index < last
                  and statement[index + 1][1] == "="):
                word = text  # a keyword argument: the callee's word, e.g. kernel_size=5
            else:
                word = NAME_TOKEN
        elif kind == tokenize.OP:
            word = text
            if text in _OPENING:
                depth += 1
            elif text in _CLOSING:
                depth -= 1
        else:
            word = _STRUCTURE.get(kind, text)  # numbers as written
        words.append(word)
        before = text
    return words


def code_tokens(source: str) -> CodeTokens:
    """The normalised token stream of `source` (see the module's docstring)."""
    raw = _raw_tokens(source)
    statements = _logical_lines(raw)
    imported: dict[str, str] = {}
    for statement in statements:
        imported.update(_imported_names(statement))
    defined = _defined_attributes(raw)
    words: list[str] = []
    lines: list[int] = []
    for statement in statements:
        if _is_docstring(statement):
            # A docstring goes, the block structure it stood in stays.
            statement = [t for t in statement if t[0] in _BLOCK]
            words += [_STRUCTURE[t[0]] for t in statement]
        elif _first_word(statement) in ("import", "from"):
            words += _import_words(statement, imported)
        else:
            words += _statement_words(statement, imported, defined)
        lines += [0 if t[0] in _BLOCK else t[2] for t in statement]
    return CodeTokens(tuple(words), tuple(lines))
