"""The catalogs are complete: every message the engine and the course use has a Chinese
translation with the same placeholders, and the compiled .mo files match the .po files."""

from __future__ import annotations

import pytest

from grader.i18n import catalogs
from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(
    "catalog_set", [catalogs.engine_catalogs(), catalogs.course_catalogs(REPO_ROOT)], ids=["engine", "course"]
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
