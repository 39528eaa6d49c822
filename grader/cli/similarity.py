"""`grader similarity`: who copied from whom in a graded class (and `grader grade --similarity`).

Reads each student's files where the gradebook says they were graded from, compares
them per exercise (grader.similarity), and writes similarity.html, the gradebook's
similarity tables and the dashboard again, now linking to the report. Nothing is sent
anywhere: the comparison runs on this machine.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from grader.cli.common import add_course_option, percentage
from grader.cli.common import console as make_console
from grader.errors import GraderError, SubmissionNotFound
from grader.i18n import tr

if TYPE_CHECKING:
    from rich.console import Console

    from grader.batch.records import StudentRecord
    from grader.catalog.course import Exercise
    from grader.similarity.model import SimilarityReport

DEFAULT_THRESHOLD = 50.0  # percent
PAIRS_SHOWN = 10  # in the terminal; the page and the gradebook have them all


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = sub.add_parser(
        "similarity",
        help=tr("compare a graded class's files: who shares code with whom (nothing leaves this machine)"),
        description=tr("Compare every pair of students' files per exercise in DIR (the --out of `grader grade`), "
                       "the released stubs and the code most of the class writes alike left out, renamed "
                       "variables, reordered functions, comments and notebooks seen through. Writes "
                       "DIR/similarity.html, the pairs into DIR/gradebook.sqlite, and the dashboard again with "
                       "a link to it. A re-run compares only new or changed files. Nothing is uploaded."),
        epilog=tr("examples:\n"
                  "  grader similarity results/\n"
                  "  grader similarity results/ --threshold 70 --exercises 01 04\n"
                  "  grader grade submissions/ --out results/ --similarity   grade, then compare"),
    )
    parser.add_argument("results", type=Path, metavar="DIR", help=tr("the output folder of `grader grade`"))
    add_threshold_option(parser, "--threshold")
    parser.add_argument("--exercises", nargs="+", default=None, metavar="EXERCISE",
                        help=tr("compare only these exercises (default: those graded)"))
    parser.add_argument("--roster", type=Path, default=None, metavar="CSV",
                        help=tr("the roster `grader grade` was given, for the names on the dashboard"))
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help=tr("processes that read new files (default: the cores)"))
    add_course_option(parser)
    parser.set_defaults(run=run)


def add_threshold_option(parser: argparse.ArgumentParser, flag: str) -> None:
    parser.add_argument(flag, dest="similarity_threshold", type=percentage, default=DEFAULT_THRESHOLD,
                        metavar="PERCENT",
                        help=tr("report pairs whose score (the share of the smaller file's own code found in "
                                "the other) is at least this (default: {default:g})", default=DEFAULT_THRESHOLD))


def compare_class(out: Path, records: "list[StudentRecord]", exercises: "list[Exercise]", threshold: float,
                  jobs: int) -> "tuple[SimilarityReport, list[str]]":
    """Compare the class, write similarity.html and the gradebook's tables; the report, and
    the students whose submission is no longer where it was graded from."""
    from grader.batch.dashboard import SIMILARITY_PAGE
    from grader.batch.gradebook import Gradebook
    from grader.report.files import write_atomically
    from grader.similarity.analyse import Submission, analyse
    from grader.similarity.cache import FingerprintCache
    from grader.similarity.html import render_similarity
    from grader.similarity.model import SimilaritySettings

    submissions, gone = [], []
    for record in records:
        if record.source and Path(record.source).exists():
            submissions.append(Submission(record.student_id, Path(record.source)))
        elif record.source:
            gone.append(record.student_id)
    with FingerprintCache.in_folder(out) as cache:
        report = analyse(submissions, exercises, SimilaritySettings(threshold=threshold / 100), cache, jobs)
    write_atomically(out / SIMILARITY_PAGE, render_similarity(report))
    with Gradebook.in_folder(out) as gradebook:
        gradebook.put_similarity(report)
    return report, gone


def print_similarity(console: "Console", report: "SimilarityReport", gone: list[str]) -> None:
    """The top pairs and the groups: who to talk to first."""
    from rich.table import Table

    def say(text: str) -> None:
        console.print(text, markup=False, soft_wrap=True)

    pairs = sorted((p for e in report.exercises for p in e.pairs), key=lambda p: (-p.score, p.exercise_id))
    threshold = f"{100 * report.settings.threshold:.0f}%"
    if not pairs:
        say(tr("Similarity: no pair of students reaches {threshold}.", threshold=threshold))
    else:
        table = Table(title=tr("Similarity: pairs at or above {threshold} ({n}; the highest {shown})",
                               threshold=threshold, n=len(pairs), shown=min(len(pairs), PAIRS_SHOWN)),
                      title_justify="left")
        table.add_column(tr("Exercise"))
        table.add_column(tr("Pair of students"))
        table.add_column(tr("Score"), justify="right")
        table.add_column(tr("Kind"))
        for pair in pairs[:PAIRS_SHOWN]:
            table.add_row(pair.exercise_id, f"{pair.student_a} & {pair.student_b}", f"{100 * pair.score:.0f}%",
                          tr("exact copy") if pair.exact else "")
        console.print(table)
    for exercise in report.exercises:
        for cluster in exercise.clusters:
            say(tr("group in {exercise}: {students}", exercise=exercise.exercise_id, students=", ".join(cluster.students)))
    if gone:
        say(tr("note: not compared, their submission is no longer where it was graded from: {students}",
               students=", ".join(gone)))
    cost = report.cost
    say(tr("compared {pairs} pairs of files now, {reused} from the last run, in {seconds:.1f} s; nothing was sent "
           "anywhere", pairs=cost.pairs_compared, reused=cost.pairs_reused, seconds=cost.seconds))


def _graded_exercises(records: "list[StudentRecord]", course_ids: list[str]) -> list[str]:
    graded = {e for r in records for e in r.exercise_points}
    return [e for e in course_ids if e in graded] or course_ids


def run(args: argparse.Namespace) -> int:
    from grader.batch.dashboard import SIMILARITY_PAGE
    from grader.batch.gradebook import FILE_NAME, Gradebook
    from grader.batch.outputs import write_summary
    from grader.batch.roster import load_roster
    from grader.batch.summary import summarize
    from grader.catalog.course import Course

    if not (args.results / FILE_NAME).is_file():
        raise SubmissionNotFound(tr("no gradebook in {path}", path=args.results),
                                 hint=tr("pass the --out folder of `grader grade`"))
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise GraderError(tr("--jobs takes a number of at least 1"))
    course = Course.find(args.course, os.environ, Path.cwd())
    with Gradebook.in_folder(args.results) as gradebook:
        records = gradebook.all()
    if args.exercises:
        exercises = course.select(args.exercises)
    else:
        exercises = course.select(_graded_exercises(records, [e.id for e in course.exercises()]))
    roster = load_roster(args.roster) if args.roster else {}
    report, gone = compare_class(args.results, records, exercises, args.similarity_threshold, jobs)
    exercise_ids = _graded_exercises(records, [e.id for e in course.exercises()])
    paths = write_summary(args.results, summarize(records), records, roster, exercise_ids, similarity=report)
    console = make_console(args)
    print_similarity(console, report, gone)
    for what, path in ((tr("similarity report"), args.results / SIMILARITY_PAGE), (tr("dashboard"), paths["dashboard"])):
        console.print(tr("{what}: {path}", what=what, path=path), markup=False, soft_wrap=True)
    return 0
