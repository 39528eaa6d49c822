"""The catalogs are complete: every message the engine and the course use has a Chinese
translation with the same placeholders, and the compiled .mo files match the .po files."""

from __future__ import annotations

import pytest

from grader.errors import GraderError
from grader.i18n import catalogs
from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(
    "catalog_set",
    [catalogs.engine_catalogs(), catalogs.argparse_catalogs(), catalogs.course_catalogs(REPO_ROOT)],
    ids=["engine", "argparse", "course"],
)
def test_every_message_has_a_chinese_translation_with_the_same_placeholders(catalog_set):
    problems = catalogs.problems(catalog_set, ["zh"])
    shown = "\n".join(f"{p.problem}: {p.message[:90]!r}" for p in problems[:30])
    assert not problems, f"{len(problems)} problem(s) in the {catalog_set.domain} catalog:\n{shown}"


def test_the_check_finds_an_untranslated_message_and_a_lost_placeholder(tmp_path):
    sources = tmp_path / "checks"
    sources.mkdir()
    (sources / "checks.py").write_text(
        "from grader.i18n import tr\n"
        "def f(x):\n"
        "    tr('got {value}, expected {expected}', value=x, expected=1)\n"
        "    tr('not translated yet')\n",
        encoding="utf-8",
    )
    catalog_set = catalogs.course_catalogs(tmp_path)
    po = catalogs.update(catalog_set, "zh")
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "got {value}, expected {expected}"\nmsgstr ""',
                        'msgid "got {value}, expected {expected}"\nmsgstr "得到 {value}，应为 {expectd}"')
    po.write_text(text, encoding="utf-8")
    catalogs.compile_all(catalog_set)
    found = {(p.message, p.problem.split(":")[0]) for p in catalogs.problems(catalog_set, ["zh"])}
    assert found == {("got {value}, expected {expected}", "placeholders differ"), ("not translated yet", "untranslated")}


def test_a_mo_file_that_does_not_hold_the_po_files_translations_is_found(tmp_path):
    sources = tmp_path / "checks"
    sources.mkdir()
    (sources / "checks.py").write_text("from grader.i18n import tr\ntr('hello')\n", encoding="utf-8")
    catalog_set = catalogs.course_catalogs(tmp_path)
    po = catalogs.update(catalog_set, "zh")
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "hello"\nmsgstr ""', 'msgid "hello"\nmsgstr "你好"'),
                  encoding="utf-8")
    catalogs.compile_all(catalog_set)
    assert catalogs.problems(catalog_set, ["zh"]) == []
    po.write_text(po.read_text(encoding="utf-8").replace("你好", "您好"), encoding="utf-8")
    assert [p.problem.split(" (")[0] for p in catalogs.problems(catalog_set, ["zh"])] == ["not compiled"]


def test_a_dropped_count_or_a_positional_placeholder_is_found(tmp_path):
    sources = tmp_path / "checks"
    sources.mkdir()
    (sources / "checks.py").write_text(
        "from grader.i18n import tr, trn\n"
        "tr('restarted {n} time(s)', n=2)\n"
        "trn('{n} epoch', '{n} epochs', 1)\n"
        "tr('got {}, fine')\n",
        encoding="utf-8",
    )
    catalog_set = catalogs.course_catalogs(tmp_path)
    po = catalogs.update(catalog_set, "zh")
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "restarted {n} time(s)"\nmsgstr ""', 'msgid "restarted {n} time(s)"\nmsgstr "重启过"')
    text = text.replace('msgid_plural "{n} epochs"\nmsgstr[0] ""', 'msgid_plural "{n} epochs"\nmsgstr[0] "一轮"')
    text = text.replace('msgid "got {}, fine"\nmsgstr ""', 'msgid "got {}, fine"\nmsgstr "{}，没问题"')
    po.write_text(text, encoding="utf-8")
    catalogs.compile_all(catalog_set)
    found = {(p.message, p.problem.split(":")[0]) for p in catalogs.problems(catalog_set, ["zh"])}
    # A plural form may leave its count out ("一轮" for one); no other message may.
    assert found == {("restarted {n} time(s)", "placeholders differ"), ("got {}, fine", "a positional placeholder")}


def test_a_catalog_kept_by_hand_keeps_each_percent_placeholder_as_it_is(tmp_path):
    """argparse's messages: every one in the .po must be translated, and argparse fills
    the translation with `%`, by name or, for an unnamed one, by position."""
    po = tmp_path / "zh" / "LC_MESSAGES" / "argparse.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "%(prog)s: error: %(message)s\\n"\nmsgstr "%(prog)s：错误：%(mesage)s\\n"\n\n'
        'msgid "invalid %(type)s value: %(value)r"\nmsgstr "%(value)r 不是有效的 %(type)s 值"\n\n'
        'msgid "expected %s of %s"\nmsgstr "%d 中的 %s"\n\n'
        'msgid "usage: "\nmsgstr ""\n',
        encoding="utf-8",
    )
    catalog_set = catalogs.CatalogSet("argparse", (), tmp_path)
    catalogs.compile_all(catalog_set)
    found = {(p.message, p.problem.split(":")[0]) for p in catalogs.problems(catalog_set, ["zh"])}
    assert found == {("%(prog)s: error: %(message)s\n", "placeholders differ"),
                     ("expected %s of %s", "placeholders differ"), ("usage: ", "untranslated")}
    with pytest.raises(GraderError, match="kept by hand"):
        catalogs.update(catalog_set, "zh")


def test_no_message_is_built_before_it_is_translated():
    """tr(f"...") or tr("a" + x) cannot be extracted, so it would never be translated:
    the message must be a literal, its values placeholders. (tr(variable) is fine: the
    variable holds text marked with N_() where it is declared.)"""
    import ast

    offenders = []
    for root in (REPO_ROOT / "grader", REPO_ROOT / "checks"):
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("tr", "trn", "N_"):
                    for arg in node.args[:2 if getattr(node.func, "id", "") == "trn" else 1]:
                        if isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.BinOp) and not all(
                                isinstance(side, ast.Constant) for side in (arg.left, arg.right))):
                            offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert offenders == []
