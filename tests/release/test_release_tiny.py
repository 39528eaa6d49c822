"""`grader release` on a course the engine has never seen (tests/fixtures/courses/tiny)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.catalog.course import Course
from grader.cli import main
from grader.engine.run import grade_submission
from grader.errors import GraderError
from grader.release.kit import ReleaseError, ReleaseOptions, build_kit
from grader.release.sources import leaked_solutions
from tests.conftest import FIXTURES

TINY = FIXTURES / "courses" / "tiny"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def kit(tmp_path_factory, module_sandbox) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "kit"
    build_kit(Course.at(TINY), ReleaseOptions(out=out, engine_source="grader==0.2.0"), module_sandbox)
    return out


def _points(course: Course, folder: Path, sandbox) -> dict[str, tuple[str, float, str]]:
    report = grade_submission(course, course.exercises(), folder, sandbox)
    return {c.id: (c.status.value, c.points_earned, c.message) for e in report.exercises for c in e.checks}


def test_the_engine_grades_a_course_it_has_never_seen(module_sandbox):
    course = Course.at(TINY)
    assert [e.id for e in course.select(["1"])] == ["lab1"]  # the course's own shorthand
    full = _points(course, TINY / "solutions", module_sandbox)
    assert {status for status, _, _ in full.values()} == {"passed"} and sum(p for _, p, _ in full.values()) == 8
    stub = _points(course, TINY / "exercises", module_sandbox)
    assert sum(p for _, p, _ in stub.values()) == 0
    assert all("not implemented yet" in message for _, _, message in stub.values())


def test_the_kit_has_public_checks_stubs_and_a_tape_but_no_solution(kit):
    files = _tree(kit)
    assert "checks/lab1/reference.json" in files and "exercises/lab1.py" in files
    notebook = files["exercises/lab1.ipynb"].decode()
    assert 'grader.check(\\"lab1\\")' in notebook and "def sgd_step" in notebook
    assert "solutions/lab1.py" not in files and not any(name.endswith((".pyc", ".pkl", ".pt")) for name in files)
    checks = files["checks/lab1/checks.py"].decode()
    assert "check_double_random" not in checks and "staff only" not in checks
    assert "check_sgd_step" in checks and "probes.py" in checks and "checks/lab1/probes.py" in files
    assert leaked_solutions(kit, [TINY / "solutions" / "lab1.py"]) == []
    toml = files["course.toml"].decode()
    assert 'engine = "==0.2.0"' in toml and "content_hash = \"sha256:" in toml
    assert "grader==0.2.0" in files["README.md"].decode()
    assert "grader==0.2.0" in files[".github/workflows/grader.yml"].decode()


def test_releasing_twice_gives_byte_identical_kits(kit, tmp_path, module_sandbox):
    again = tmp_path / "again"
    build_kit(Course.at(TINY), ReleaseOptions(out=again, engine_source="grader==0.2.0"), module_sandbox)
    assert _tree(again) == _tree(kit)


def test_the_kit_scores_public_checks_as_the_course_does(kit, tmp_path, module_sandbox):
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    source = (TINY / "solutions" / "lab1.py").read_text()
    (wrong / "lab1.py").write_text(source.replace("parameter -= 0.1 *", "parameter -= 0.2 *").replace("x + x", "x * 3"))
    kit_course = Course.at(kit)
    for folder in (TINY / "solutions", TINY / "exercises", wrong):
        full = _points(Course.at(TINY), folder, module_sandbox)
        public = {k: v for k, v in full.items() if k != "double_random"}
        assert _points(kit_course, folder, module_sandbox) == public
    wrong_points = _points(kit_course, wrong, module_sandbox)
    assert wrong_points["double_fixed"][0] == "failed" and wrong_points["sgd_step"][0] == "failed"
    assert wrong_points["make_layer"][0] == "passed"


def test_a_public_check_that_needs_the_solution_stops_the_release_named(tmp_path, module_sandbox):
    course = tmp_path / "course"
    shutil.copytree(TINY, course)
    checks = course / "checks" / "lab1" / "checks.py"
    checks.write_text(checks.read_text() + '''

@check(points=1, title="double: of the student's own output")
def check_double_twice(student, reference):
    once = student.call("double", torch.ones(2))
    expect_tensor(student.call("double", once), reference.double(once), "double(double(x))")
''')
    out = tmp_path / "kit"
    with pytest.raises(ReleaseError) as error:
        build_kit(Course.at(course), ReleaseOptions(out=out, engine_source="grader==0.2.0"), module_sandbox)
    assert "lab1:double_twice" in error.value.message and "student's code returned" in error.value.message
    assert "hidden" in error.value.hint
    assert not out.exists()  # nothing half-written


def test_release_refuses_bad_options(tmp_path, module_sandbox, capsys):
    with pytest.raises(GraderError, match="inside the course"):
        build_kit(Course.at(TINY), ReleaseOptions(out=TINY / "kit", engine_source="x"), module_sandbox)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(GraderError, match="not empty"):
        build_kit(Course.at(TINY), ReleaseOptions(out=tmp_path / "busy", engine_source="x"), module_sandbox)
    with pytest.raises(SystemExit) as usage:  # no engine source: argparse's usage error
        main(["--no-color", "release", "--out", str(tmp_path / "k")])
    assert usage.value.code == 2 and "--engine-wheel" in capsys.readouterr().err


def test_a_kit_is_not_released_again(kit, tmp_path, module_sandbox):
    with pytest.raises(ReleaseError, match="itself a student kit"):
        build_kit(Course.at(kit), ReleaseOptions(out=tmp_path / "k2", engine_source="x"), module_sandbox)


# -- the kit's catalog: the kit's own messages only ---------------------------------------

PUBLIC_TITLE = "double: a fixed tensor"
HIDDEN_TITLE = "double: random stress (staff only)"
TRANSLATED = {PUBLIC_TITLE: "double：固定的张量", HIDDEN_TITLE: "double：随机压力测试（仅限助教）",
              "A tiny course": "一门小课"}


@pytest.fixture(scope="module")
def translated_course(tmp_path_factory) -> Path:
    """The tiny course with a Chinese catalog that translates a public and a hidden check's title."""
    from grader.i18n import catalogs

    course = tmp_path_factory.mktemp("translated") / "course"
    shutil.copytree(TINY, course, ignore=shutil.ignore_patterns("__pycache__"))
    kept = catalogs.course_catalogs(course)
    catalogs.update(kept, "zh")
    from babel.messages import pofile

    with kept.po_path("zh").open("rb") as handle:
        catalog = pofile.read_po(handle, locale="zh")
    for msgid, msgstr in TRANSLATED.items():
        catalog[msgid].string = msgstr
    with kept.po_path("zh").open("wb") as handle:
        pofile.write_po(handle, catalog)
    catalogs.compile_all(kept)
    return course


def _kit_catalog(kit: Path):
    import gettext

    with (kit / "locale" / "zh" / "LC_MESSAGES" / "course.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


def test_the_kits_catalog_holds_only_the_kits_own_messages(translated_course, tmp_path, module_sandbox):
    whole = _kit_catalog(translated_course)  # the course's own: both titles
    assert (whole.gettext(PUBLIC_TITLE), whole.gettext(HIDDEN_TITLE)) == (TRANSLATED[PUBLIC_TITLE], TRANSLATED[HIDDEN_TITLE])
    out = tmp_path / "kit"
    summary = build_kit(Course.at(translated_course), ReleaseOptions(out=out, engine_source="grader==0.2.0"),
                        module_sandbox)
    kit_catalog = _kit_catalog(out)
    assert kit_catalog.gettext(PUBLIC_TITLE) == TRANSLATED[PUBLIC_TITLE]
    assert kit_catalog.gettext(HIDDEN_TITLE) == HIDDEN_TITLE  # not in it: the hidden check is not in the kit
    mo = (out / "locale" / "zh" / "LC_MESSAGES" / "course.mo").read_bytes()
    assert HIDDEN_TITLE.encode() not in mo and TRANSLATED[HIDDEN_TITLE].encode() not in mo
    assert not any("copied whole" in w for w in summary.warnings)
    # The course's title, from course.toml through the catalog, heads the Chinese README (B6).
    assert (out / "README.zh.md").read_text(encoding="utf-8").startswith(
        "<!-- 中文 --> [English](README.md)\n\n# 一门小课\n")
    assert "# A tiny course\n" in (out / "README.md").read_text(encoding="utf-8")


def test_without_babel_the_kit_gets_the_whole_catalog_and_a_warning(translated_course, tmp_path, module_sandbox,
                                                                    monkeypatch):
    from grader.i18n import catalogs

    def no_babel():
        raise GraderError("keeping the message catalogs needs Babel, which is not installed", hint="pip install")

    monkeypatch.setattr(catalogs, "_babel", no_babel)
    out = tmp_path / "kit"
    summary = build_kit(Course.at(translated_course), ReleaseOptions(out=out, engine_source="grader==0.2.0"),
                        module_sandbox)
    course_mo = translated_course / "locale" / "zh" / "LC_MESSAGES" / "course.mo"
    assert (out / "locale" / "zh" / "LC_MESSAGES" / "course.mo").read_bytes() == course_mo.read_bytes()
    (warning,) = [w for w in summary.warnings if "copied whole" in w]
    assert "locale/zh/LC_MESSAGES/course.mo" in warning and "Babel" in warning


def test_grader_release_names_the_course_in_the_commands_language(translated_course, tmp_path, capsys):
    out = tmp_path / "kit"
    code = main(["--no-color", "--lang", "zh", "release", "--course", str(translated_course), "--out", str(out),
                 "--engine-source", "grader==0.2.0"])
    assert code == 0
    said = " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    assert said.startswith(f"已将 {TRANSLATED['A tiny course']} 发布到 ")


def test_a_check_hidden_by_a_constant_stays_out_of_the_kit(tmp_path, module_sandbox):
    course = tmp_path / "course"
    shutil.copytree(TINY, course)
    checks = course / "checks" / "lab1" / "checks.py"
    checks.write_text(checks.read_text() + '''

HIDE = True


@check(points=3, title="double: staff's extra case", hidden=HIDE)
def check_double_staff_case(student, reference):
    x = torch.full((2,), 41.0)  # the staff's secret case
    expect_tensor(student.call("double", x), reference.double(x), "double(x)")
''')
    before = build_kit(Course.at(TINY), ReleaseOptions(out=tmp_path / "before", engine_source="x"), module_sandbox)
    summary = build_kit(Course.at(course), ReleaseOptions(out=tmp_path / "kit", engine_source="x"), module_sandbox)
    assert summary.hidden_checks == before.hidden_checks + 1
    shipped = (tmp_path / "kit" / "checks" / "lab1" / "checks.py").read_text()
    assert "staff's secret case" not in shipped and "check_double_staff_case" not in shipped


def test_a_declaration_the_release_cannot_read_refuses_it(tmp_path, module_sandbox):
    course = tmp_path / "course"
    shutil.copytree(TINY, course)
    checks = course / "checks" / "lab1" / "checks.py"
    checks.write_text(checks.read_text() + '''

import os


@check(points=3, hidden=os.environ.get("STAFF") == "1")
def check_double_maybe_hidden(student, reference):
    pass
''')
    with pytest.raises(GraderError) as refused:
        build_kit(Course.at(course), ReleaseOptions(out=tmp_path / "kit", engine_source="x"), module_sandbox)
    assert "check check_double_maybe_hidden" in refused.value.message and "hidden=" in refused.value.message
    assert not (tmp_path / "kit").exists()
