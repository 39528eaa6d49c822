"""One reader of `@check`: what a check declares, read from its file's text."""

from __future__ import annotations

import pytest

from grader.authoring import check
from grader.authoring.declaration import CheckDeclaration, InvalidDeclaration
from grader.catalog.declarations import UnreadableDeclaration, declarations_in
from grader.release.sources import hidden_check_names, strip_hidden_checks

HEADER = "from grader.authoring import check\n\n"


def _read(body: str) -> dict[str, CheckDeclaration]:
    return {d.declaration.name: d.declaration for d in declarations_in(HEADER + body, "checks.py")}


def test_literals_and_the_defaults_of_check():
    found = _read(
        "@check(points=2, title='conv: lecture example', timeout_s=30, reply_mb=64)\n"
        "def check_a(student):\n    pass\n\n"
        "@check()\ndef check_b_and_c(student):\n    pass\n\n"
        "def check_undecorated(student):\n    pass\n\n"
        "def helper():\n    pass\n"
    )
    assert found["check_a"] == CheckDeclaration("check_a", "conv: lecture example", 2.0, 30.0, False, 64)
    assert found["check_b_and_c"] == CheckDeclaration("check_b_and_c", "b and c", 1.0)
    assert found["check_undecorated"] == CheckDeclaration.declare("check_undecorated")  # the same defaults
    assert set(found) == {"check_a", "check_b_and_c", "check_undecorated"}


def test_the_decorator_and_the_reader_agree():
    @check(points=3, hidden=True)
    def check_something(student):
        pass

    marked = check_something.pytestmark[0].kwargs["declaration"]
    read = _read("@check(points=3, hidden=True)\ndef check_something(student):\n    pass\n")["check_something"]
    assert marked == read


def test_values_are_evaluated_not_pattern_matched():
    found = _read(
        "HIDE = True\nBASE = 2\nLIMIT_S: float = 60 * 15\nNAME = 'conv'\n\n"
        "@check(BASE + 1, f'{NAME}: random', hidden=HIDE, timeout_s=LIMIT_S)\n"
        "def check_random(student):\n    pass\n\n"
        "@check(points=BASE / 2, hidden=not HIDE, title=N_('translated later'))\n"
        "def check_plain(student):\n    pass\n"
    )
    assert found["check_random"] == CheckDeclaration("check_random", "conv: random", 3.0, 900.0, True)
    assert found["check_plain"] == CheckDeclaration("check_plain", "translated later", 1.0)


def test_the_decorator_under_another_name_is_still_read():
    source = ("from grader.authoring import check as graded\nimport grader.authoring as authoring\n\n"
              "@graded(hidden=True)\ndef check_a(student):\n    pass\n\n"
              "@authoring.check(hidden=True)\ndef check_b(student):\n    pass\n")
    assert hidden_check_names(source) == ["check_a", "check_b"]


@pytest.mark.parametrize("body, argument", [
    ("from config import HIDE\n\n@check(hidden=HIDE)\n", "hidden=HIDE"),
    ("HIDE = True\nHIDE = False\n\n@check(hidden=HIDE)\n", "hidden=HIDE"),
    ("import os\n\n@check(hidden=bool(os.environ.get('X')))\n", "hidden=bool(os.environ.get('X'))"),
    ("OPTIONS = {'hidden': True}\n\n@check(**OPTIONS)\n", "**kwargs"),
    ("@check(points=2 ** 10 ** 10)\n", "points=2 ** 10 ** 10"),
    ("HIDE = True\n\ndef flip():\n    global HIDE\n    HIDE = False\n\n@check(hidden=HIDE)\n", "hidden=HIDE"),
])
def test_what_cannot_be_evaluated_is_refused_with_the_check_named(body, argument):
    with pytest.raises(UnreadableDeclaration) as refused:
        _read(body + "def check_secret(student):\n    pass\n")
    assert "checks.py: check check_secret" in refused.value.message
    assert argument in refused.value.message


@pytest.mark.parametrize("arguments, problem", [
    ("points=-1", "points must be a number >= 0"),
    ("hidden=1", "hidden must be True or False"),
    ("reply_mb=500", "reply_mb must be an integer between 1 and 128"),
    ("timeout_s=0", "timeout_s must be a number of seconds > 0"),
    ("title=3", "title must be a string"),
])
def test_a_broken_rule_is_refused_by_both_readers(arguments, problem):
    with pytest.raises(UnreadableDeclaration, match=problem):
        _read(f"@check({arguments})\ndef check_x(student):\n    pass\n")
    with pytest.raises(InvalidDeclaration, match=problem):
        eval(f"check({arguments})", {"check": check})


def test_hidden_by_a_constant_is_cut_from_the_public_file():
    source = HEADER + ("HIDE = True\n\n\n@check(points=1)\ndef check_public(student):\n    pass\n\n\n"
                       "@check(points=3, hidden=HIDE)\ndef check_secret(student):\n    return 'the secret'\n\n\n"
                       "def helper():\n    pass\n")
    public = strip_hidden_checks(source)
    assert "check_secret" not in public and "the secret" not in public
    assert "def check_public" in public and "def helper" in public
