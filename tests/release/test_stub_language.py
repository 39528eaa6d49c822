"""A kit's stubs in the kit's language: docstrings translated from the course's catalog, code untouched."""

from __future__ import annotations

import ast
import gettext

from grader.i18n import translate
from grader.release.stub_language import translate_docstrings
from tests.conftest import REPO_ROOT

STUB = '''"""Exercise 99: a module docstring.

Check your work with:  grader check exercise_99
"""

import torch


def corr2d(x, k):
    """2D cross-correlation (the kernel is not flipped).

    x: (H, W), k: (kh, kw)
    """
    raise NotImplementedError


class Net(torch.nn.Module):
    """A one-line docstring."""

    def forward(self, x):
        """Untranslated stays."""
        return x
'''

CATALOG = {
    "Exercise 99: a module docstring.\n\nCheck your work with:  grader check exercise_99":
        "练习 99：模块说明。\n\n检查你的代码：  grader check exercise_99",
    "2D cross-correlation (the kernel is not flipped).\n\nx: (H, W), k: (kh, kw)":
        "二维互相关（卷积核不翻转）。\n\nx: (H, W), k: (kh, kw)",
    "A one-line docstring.": '一行说明，带 """ 三引号 和 \\ 反斜杠。',
}


class _Catalog(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return CATALOG.get(message, message)


def _translated(source: str) -> str:
    token = translate._active.set(translate._Active("zh", _Catalog()))
    try:
        return translate_docstrings(source)
    finally:
        translate._active.reset(token)


def test_docstrings_are_replaced_and_the_code_is_the_same():
    result = _translated(STUB)
    tree, original = ast.parse(result), ast.parse(STUB)
    assert ast.get_docstring(tree) == CATALOG[ast.get_docstring(original)]
    functions = {n.name: n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert ast.get_docstring(functions["corr2d"]) == "二维互相关（卷积核不翻转）。\n\nx: (H, W), k: (kh, kw)"
    assert ast.get_docstring(functions["Net"]) == CATALOG["A one-line docstring."]
    assert ast.get_docstring(functions["forward"]) == "Untranslated stays."
    # The code without its docstrings is unchanged.
    for node in (tree, original):
        for n in ast.walk(node):
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(n) is not None:
                n.body = n.body[1:]
    assert ast.dump(tree) == ast.dump(original)
    # Indented as before, so the file reads like the English one.
    assert '    """二维互相关（卷积核不翻转）。\n\n    x: (H, W), k: (kh, kw)\n    """' in result


def test_in_english_the_stub_is_untouched():
    assert translate_docstrings(STUB) == STUB
    stub = (REPO_ROOT / "exercises" / "exercise_01.py").read_text(encoding="utf-8")
    assert translate_docstrings(stub) == stub
