"""What checks compute once: per session by default, per batch when the jobs share a folder."""

from __future__ import annotations

import multiprocessing
import shutil
import time
from pathlib import Path

from grader.catalog.course import Course
from grader.engine.once import OnceInFolder, OnceInMemory
from grader.engine.options import GradingOptions
from grader.engine.session import GradingSession
from tests.conftest import FIXTURES

TINY = FIXTURES / "courses" / "tiny"

# A check whose figure does not depend on the student: each computation leaves a line.
ONCE_CHECK = '''

@check(points=1, title="a figure computed once")
def check_course_figure(student, once, comparison):
    def compute():
        with open(Path(__file__).with_name("computed.log"), "a") as log:
            log.write("computed\\n")
        return {"figure": 42}
    comparison["course"] = once("figure:v1", compute)
'''


def _counting(log: Path, value: object, delay_s: float = 0.0):
    def compute() -> object:
        with log.open("a") as handle:
            handle.write("computed\n")
        time.sleep(delay_s)
        return value
    return compute


def test_in_memory_a_figure_is_computed_once_and_each_reader_gets_a_copy(tmp_path: Path) -> None:
    once = OnceInMemory()
    log = tmp_path / "log"
    first = once.get("k", _counting(log, {"rows": [1, 2]}))
    first["rows"].append(3)
    assert once.get("k", _counting(log, None)) == {"rows": [1, 2]}
    assert log.read_text().count("computed") == 1


def test_in_a_folder_a_second_job_reads_what_the_first_computed(tmp_path: Path) -> None:
    log = tmp_path / "log"
    assert OnceInFolder(tmp_path / "once").get("k", _counting(log, [1.5, "a"])) == [1.5, "a"]
    assert OnceInFolder(tmp_path / "once").get("k", _counting(log, None)) == [1.5, "a"]
    assert OnceInFolder(tmp_path / "once").get("other", _counting(log, 7)) == 7
    assert log.read_text().count("computed") == 2


def _ask(folder: str, log: str, results: "multiprocessing.Queue[object]") -> None:
    results.put(OnceInFolder(Path(folder)).get("slow", _counting(Path(log), {"trained": True}, delay_s=1.0)))


def test_two_jobs_asking_at_once_compute_it_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    results: "multiprocessing.Queue[object]" = context.Queue()
    log = tmp_path / "log"
    jobs = [context.Process(target=_ask, args=(str(tmp_path / "once"), str(log), results)) for _ in range(2)]
    for job in jobs:
        job.start()
    answers = [results.get(timeout=120) for _ in jobs]
    for job in jobs:
        job.join(timeout=60)
    assert answers == [{"trained": True}] * 2
    assert log.read_text().count("computed") == 1


def _course_with_once_check(root: Path) -> Course:
    shutil.copytree(TINY, root)
    checks = root / "checks" / "lab1" / "checks.py"
    checks.write_text(checks.read_text() + ONCE_CHECK)
    return Course.at(root)


def test_the_once_fixture_computes_per_session_or_per_shared_folder(tmp_path: Path, sandbox) -> None:
    course = _course_with_once_check(tmp_path / "course")
    log = course.root / "checks" / "lab1" / "computed.log"
    submission = course.root / "solutions"

    def grade_twice(options: GradingOptions) -> list[dict]:
        with GradingSession(course, course.exercises(), options, sandbox=sandbox, lent=True) as session:
            return [session.grade(submission).exercises[0].comparison for _ in range(2)]

    assert grade_twice(GradingOptions()) == [{"course": {"figure": 42}}] * 2
    assert log.read_text().count("computed") == 1  # once for the session
    shared = tmp_path / "batch-once"
    grade_twice(GradingOptions(once=OnceInFolder(shared)))
    grade_twice(GradingOptions(once=OnceInFolder(shared)))  # another job of the same batch
    assert log.read_text().count("computed") == 2
