"""`grader grade`: grade a whole class into a gradebook, outputs and a class summary."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from grader.cli.common import add_course_option, positive
from grader.cli.common import console as make_console
from grader.cli.datasets import add_data_options, locate_all
from grader.cli.similarity import add_threshold_option
from grader.errors import GraderBug, GraderError, LmsDownloadError, SubmissionNotFound
from grader.i18n import COURSE_LOCALE_FOLDER, N_, active_language, join_phrases, tr

if TYPE_CHECKING:
    from rich.console import Console

    from grader.batch.lms.export import ExportOptions
    from grader.batch.lms.intake import Intake
    from grader.batch.records import StudentRecord
    from grader.batch.roster import RosterEntry
    from grader.batch.runner import BatchOutcome
    from grader.batch.summary import ClassSummary

PLATFORMS = ("canvas", "moodle", "gradescope")  # --from: grader.batch.lms.download.Platform's values
EXPORTS = ("canvas", "moodle")  # --export / --to: grader.batch.lms.export.EXPORTS
LMS_FOLDER = ".lms"  # inside --out: the download unpacked, and the class staged one folder per student


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    grade = sub.add_parser(
        "grade",
        help=tr("grade a whole class: one folder or .zip per student, into a gradebook"),
        description=tr("Grade every submission in SUBMISSIONS (one folder or .zip per student, named "
                       "by the student's id) in parallel. Results are stored as they finish in DIR/gradebook.sqlite; "
                       "re-running skips unchanged submissions. Writes grades.csv, reports/, feedback/ (Markdown and "
                       "HTML), a class summary (summary.json, summary.svg) and the class dashboard index.html to DIR."),
        epilog=tr("examples:\n"
                  "  grader grade submissions/ --out results/ --roster roster.csv\n"
                  "  grader grade submissions/ --out results/ --regrade alice   alice again\n"
                  "  grader grade submissions/ --out results/ --exercises 01 02"),
    )
    grade.add_argument("submissions", type=Path, metavar="SUBMISSIONS",
                       help=tr("one folder or .zip per student, or an LMS's bulk download (a folder or .zip)"))
    grade.add_argument("--out", type=Path, required=True, metavar="DIR", help=tr("output folder"))
    grade.add_argument("--jobs", type=int, default=None, metavar="N",
                       help=tr("submissions graded at once (default: the cores)"))
    grade.add_argument("--exercises", nargs="+", default=None, metavar="EXERCISE",
                       help=tr("grade only these exercises (default: all)"))
    grade.add_argument("--roster", type=Path, default=None, metavar="CSV",
                       help=tr("roster with columns id,name,email (and lang: a student's feedback language, "
                               "overriding --lang); absent students get status 'missing'"))
    grade.add_argument("--regrade", nargs="*", default=None, metavar="STUDENT",
                       help=tr("grade again, changed or not: everyone, or only the students named "
                               "(e.g. --regrade alice bob, after an extension)"))
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help=tr("run on Dask: tcp://host:8786, or 'local' for a local cluster"))
    grade.add_argument("--timeout", type=positive(float), default=None, metavar="S",
                       help=tr("time limit per check, seconds"))
    grade.add_argument("--memory-mb", type=positive(int), default=None, metavar="MB",
                       help=tr("memory limit of student code"))
    grade.add_argument("--insecure", action="store_true",
                       help=tr("grade even where this machine cannot give the sandbox's essential protections "
                               "(user namespaces, seccomp); the reports say what was missing"))
    grade.add_argument("--from", dest="platform", choices=PLATFORMS, default=None,
                       help=tr("SUBMISSIONS is this LMS's bulk download (default: detected from its layout)"))
    add_export_options(grade, "--export", tr("also write the grades and feedback as this LMS imports them"))
    grade.add_argument("--similarity", action="store_true",
                       help=tr("then compare the students' files as `grader similarity` does (similarity.html)"))
    add_threshold_option(grade, "--similarity-threshold")
    add_data_options(grade, downloads=False)
    add_course_option(grade)
    grade.set_defaults(run=run)

    export = sub.add_parser(
        "export",
        help=tr("write a graded class's grades as an LMS imports them (Canvas, Moodle)"),
        description=tr("Read the gradebook in DIR (the --out of `grader grade`) and write Canvas's gradebook CSV "
                       "or Moodle's grading worksheet and feedback files there."),
        epilog=tr("examples:\n"
                  "  grader export results/ --to canvas --roster roster.csv --assignment-name 'CNN exercises' "
                  "--assignment-id 4321\n"
                  "  grader export results/ --to moodle --max-grade 100"),
    )
    export.add_argument("results", type=Path, metavar="DIR", help=tr("the output folder of `grader grade`"))
    add_export_options(export, "--to", tr("the LMS to write for"), required=True)
    export.add_argument("--roster", type=Path, default=None, metavar="CSV",
                        help=tr("roster with the platform's ids (canvas_id, moodle_id, sis_user_id, ...)"))
    export.set_defaults(run=run_export)


def add_export_options(parser: argparse.ArgumentParser, flag: str, help_text: str, required: bool = False) -> None:
    parser.add_argument(flag, dest="export", choices=EXPORTS, default=None, required=required, help=help_text)
    parser.add_argument("--assignment-name", default="grader", metavar="NAME",
                        help=tr("the LMS assignment's name (Canvas's column: 'NAME (ID)')"))
    parser.add_argument("--assignment-id", default="", metavar="ID",
                        help=tr("Canvas's assignment id, so the import updates that assignment "
                                "instead of making a new one"))
    parser.add_argument("--max-grade", type=positive(float), default=None, metavar="POINTS",
                        help=tr("scale each total to this maximum (the LMS assignment's; default: the course's points)"))


def export_options(args: argparse.Namespace) -> "ExportOptions":
    from grader.batch.lms.download import Platform
    from grader.batch.lms.export import ExportOptions

    return ExportOptions(Platform(args.export), assignment_name=args.assignment_name,
                         assignment_id=args.assignment_id, max_grade=args.max_grade)


def take_in_download(args: argparse.Namespace, roster: dict[str, "RosterEntry"], console: "Console"
                     ) -> "Intake | None":
    """An LMS's download staged as one folder or .zip per student, or None for our own layout."""
    from grader.batch.lms.download import Platform
    from grader.batch.lms.intake import detect, open_download, take_in

    path: Path = args.submissions
    if args.platform is None and path.is_dir() and detect(path) is None:
        return None  # one folder or .zip per student, as ever
    if not path.exists():
        raise SubmissionNotFound(tr("{path} does not exist", path=path),
                                 hint=tr("pass the folder that holds one folder or .zip per student, or an LMS's "
                                         "download"))
    folder = open_download(path, args.out / LMS_FOLDER / "download")
    platform = Platform(args.platform) if args.platform else detect(folder)
    if platform is None:
        raise LmsDownloadError(tr("{path}: not laid out as Canvas, Moodle or Gradescope lay out a download", path=path),
                               hint=tr("name the platform with --from, or unpack it into one folder per student"))
    if args.platform is None:
        console.print(tr("detected {platform}'s download in {path} (--from {value})", platform=platform.title,
                         path=path, value=platform.value), markup=False, soft_wrap=True)
    return take_in(folder, platform, roster, args.out / LMS_FOLDER / "staged")


def refuse_an_unprotected_machine() -> None:
    """Before any student code runs: build one empty cell and ask what it got (a fraction
    of a second: its zygote imports no torch). Unprotected if an essential protection is
    missing."""
    from grader.engine.protections import missing_protections, require_essential
    from grader.sandbox.client import Sandbox

    with Sandbox(for_protections_only=True) as sandbox:
        sandbox.check_protections()
        require_essential(missing_protections(sandbox))


def grading_engine(args: argparse.Namespace, jobs: int) -> object:
    if args.scheduler is None:
        from grader.batch.local import LocalEngine

        return LocalEngine(jobs)
    try:
        from grader.batch.dask_engine import DaskEngine
    except ImportError as exc:
        raise GraderError(
            f"--scheduler needs Dask distributed ({exc})", hint="pip install 'grader[batch]'"
        ) from exc
    return DaskEngine(args.scheduler, jobs)


def run(args: argparse.Namespace) -> int:
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from grader.batch.outputs import write_outputs, write_summary
    from grader.batch.roster import load_roster
    from grader.batch.runner import BatchPlan, BatchProgress, run_batch
    from grader.batch.summary import summarize
    from grader.catalog.course import Course
    from grader.cores.policy import usable_cores
    from grader.cores.situation import read_situation

    jobs = args.jobs if args.jobs is not None else usable_cores(read_situation(samples=1))
    if jobs < 1:
        raise GraderError(tr("--jobs takes a number of at least 1"))
    if not args.submissions.is_dir() and not (args.submissions.is_file() and args.submissions.suffix.lower() == ".zip"):
        raise SubmissionNotFound(
            tr("{path} is not a folder", path=args.submissions),
            hint=tr("pass the folder that holds one folder or .zip per student"),
        )
    course = Course.find(args.course, os.environ, Path.cwd())
    roster = load_roster(args.roster) if args.roster else {}
    console = make_console(args, stderr=True)
    intake = take_in_download(args, roster, console)
    exercises = course.select(args.exercises) if args.exercises else course.exercises()
    if not args.insecure and args.scheduler is None:
        refuse_an_unprotected_machine()  # a Dask cluster's machines are checked as each result comes
    plan = BatchPlan(
        submissions=intake.staged if intake else args.submissions,
        out=args.out,
        course=course,
        exercises=exercises,
        timeout_s=args.timeout,
        memory_mb=args.memory_mb,
        roster=roster,
        regrade=args.regrade == [],  # --regrade alone: everyone
        regrade_students=frozenset(args.regrade or ()),
        data_dirs={provider.name: str(where.folder) for provider, where in locate_all(exercises, args).items()
                   if where.folder is not None},
        # The students read the command's language (--lang ...), unless the roster says otherwise.
        language=active_language(),
        insecure=args.insecure,
        origins=intake.origins if intake else {},
        also_hidden=(args.submissions,) if intake else (),
    )
    engine = grading_engine(args, jobs)
    for wanted, students in plan.unknown_languages().items():
        console.print(tr("note: the roster asks for {language!r}, which has no messages; {students} read English",
                         language=wanted, students=", ".join(students[:IDS_SHOWN])), markup=False, soft_wrap=True)
    started = time.monotonic()
    bar = Progress(
        TextColumn(tr("grading")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TextColumn(tr("ETA")),
        TimeRemainingColumn(),
        TextColumn("{task.fields[failures]}"),
        console=console,
    )
    task_id = bar.add_task("grading", total=None, rate="", failures="")

    def on_progress(progress: BatchProgress, record: object) -> None:
        minutes = (time.monotonic() - started) / 60
        rate = tr("{rate}/min", rate=f"{progress.graded_now / minutes:.1f}") if progress.graded_now and minutes else tr("-/min")
        failures = tr("{n} failed", n=progress.failures) if progress.failures else tr("no failures")
        bar.update(task_id, total=progress.total, completed=progress.done, rate=rate, failures=failures)

    with bar:
        outcome = run_batch(plan, engine, on_progress)  # type: ignore[arg-type]
    exercise_ids = [e.id for e in exercises]
    paths = write_outputs(args.out, outcome.records, plan.roster, exercise_ids, course.root / COURSE_LOCALE_FOLDER)
    summary = summarize(outcome.records)
    similarity, gone = None, []
    if args.similarity:
        from grader.batch.dashboard import SIMILARITY_PAGE
        from grader.cli.similarity import compare_class

        similarity, gone = compare_class(args.out, outcome.records, exercises, args.similarity_threshold, jobs)
        paths["similarity"] = args.out / SIMILARITY_PAGE
    paths.update(write_summary(args.out, summary, outcome.records, plan.roster, exercise_ids, similarity=similarity))
    left_out: list[str] = []
    if intake is not None:
        paths["intake"] = write_intake(args.out, intake)
    if args.export:
        from grader.batch.lms.export import write_export

        exported = write_export(args.out, outcome.records, plan.roster, export_options(args),
                                course.root / COURSE_LOCALE_FOLDER)
        paths.update(exported.paths)
        left_out = exported.left_out
    out_console = make_console(args)
    print_class_summary(out_console, summary, outcome, paths)
    if intake is not None or args.export:
        print_lms_notes(out_console, intake, outcome.records, left_out, bool(plan.roster))
    if similarity is not None:
        from grader.cli.similarity import print_similarity

        print_similarity(out_console, similarity, gone)
    if outcome.canary_failure:
        raise GraderBug(
            outcome.canary_failure,
            hint=tr("the results of this run are marked grader_error; fix the machine and run the same command again"),
        )
    return 0


def write_intake(out: Path, intake: "Intake") -> Path:
    """What the download held and what became of it: kept beside the gradebook."""
    import json

    from grader.report.files import write_atomically

    path = out / "lms-intake.json"
    write_atomically(path, json.dumps({
        "platform": intake.platform.value,
        "unmatched": intake.unmatched,
        "matched_by_name": intake.by_name,
        "not_graded": intake.notes,
        "students": {student: origin.model_dump() for student, origin in sorted(intake.origins.items())},
    }, indent=2, ensure_ascii=False) + "\n")
    return path


def print_lms_notes(console: "Console", intake: "Intake | None", records: list["StudentRecord"],
                    left_out: list[str], has_roster: bool) -> None:
    """What the instructor must look at: who the roster did not know, what was not graded, who is late."""
    def say(text: str) -> None:
        console.print(text, markup=False, soft_wrap=True)

    if intake is not None:
        if intake.unmatched and has_roster:
            say(tr("not on the roster, graded under a fallback id ({n}): {who}", n=len(intake.unmatched),
                   who="; ".join(intake.unmatched)))
        elif intake.unmatched:
            say(tr("no --roster: {n} students graded under the platform's ids ({example}, ...)",
                   n=len(intake.unmatched), example=intake.unmatched[0]))
        if intake.by_name:
            say(tr("matched by name only, worth a look: {who}", who="; ".join(intake.by_name)))
        for note in intake.notes:
            say(tr("note: {note}", note=note))
    late = [r.student_id for r in records if r.lms is not None and r.lms.late]
    if late:
        say(tr("late ({n}): {students}", n=len(late), students=", ".join(late)))
    for reason in left_out:
        say(tr("not in the export: {reason}", reason=reason))


def run_export(args: argparse.Namespace) -> int:
    """`grader export`: the gradebook of an earlier `grader grade` as an LMS imports it."""
    from grader.batch.gradebook import FILE_NAME, Gradebook
    from grader.batch.lms.export import write_export
    from grader.batch.roster import load_roster

    if not (args.results / FILE_NAME).is_file():
        raise SubmissionNotFound(tr("no gradebook in {path}", path=args.results),
                                 hint=tr("pass the --out folder of `grader grade`"))
    roster = load_roster(args.roster) if args.roster else {}
    with Gradebook.in_folder(args.results) as gradebook:
        records = gradebook.all()
    exported = write_export(args.results, records, roster, export_options(args))
    console = make_console(args)
    print_lms_notes(console, None, records, exported.left_out, bool(roster))
    for kind, path in exported.paths.items():
        console.print(tr("{what}: {path}", what=tr(OUTPUT_NAMES.get(kind, kind)), path=path), markup=False)
    return 0


# The written outputs as the closing lines name them (write_outputs' and write_export's keys).
OUTPUT_NAMES = {"grades": N_("grades"), "reports": N_("reports"), "feedback": N_("feedback"),
                "summary": N_("summary"), "chart": N_("chart"), "dashboard": N_("dashboard"),
                "similarity": N_("similarity report"),
                "intake": N_("what the download held"), "canvas": N_("Canvas gradebook"),
                "canvas_feedback": N_("Canvas feedback (attach by hand)"), "moodle": N_("Moodle grading worksheet"),
                "moodle_feedback": N_("Moodle feedback files")}
HARDEST_SHOWN = 12  # checks listed in the terminal; the chart and summary.json have them all
MISTAKES_SHOWN = 5  # named mistakes listed in the terminal; index.html and summary.json have them all
IDS_SHOWN = 8  # student ids after a mistake before "and N more"


def print_top_mistakes(console: "Console", summary: "ClassSummary") -> None:
    """The most frequent named mistakes: what to re-teach on Monday."""
    if not summary.mistakes:
        return
    shown = summary.mistakes[:MISTAKES_SHOWN]
    more = tr("; all {n} in index.html", n=len(summary.mistakes)) if len(summary.mistakes) > len(shown) else ""
    console.print(tr("Most common mistakes{more}:", more=more), markup=False)
    for mistake in shown:
        ids = mistake.students[:IDS_SHOWN]
        rest = tr(" and {n} more", n=mistake.count - len(ids)) if mistake.count > len(ids) else ""
        console.print(f"  {summary.describe_mistake(mistake)} ({', '.join(ids)}{rest})", markup=False,
                      soft_wrap=True)


def print_class_summary(
    console: Console, summary: "ClassSummary", outcome: "BatchOutcome", paths: dict[str, Path]
) -> None:
    from rich.table import Table

    from grader.batch.records import status_word

    progress = outcome.progress
    console.print(
        tr("{total} submissions: {graded} graded now, {skipped} unchanged (skipped), {failures} could not be graded",
           total=progress.total, graded=progress.graded_now, skipped=progress.skipped, failures=progress.failures),
        markup=False,
    )
    counts = join_phrases(tr("{n} {status}", n=n, status=status_word(status))
                          for status, n in summary.status_counts.items() if n)
    console.print(tr("students: {students} ({counts}); {scores}", students=summary.students,
                     counts=counts or tr("none"), scores=summary.describe_scores()), markup=False)
    if summary.identical_results:
        console.print(summary.describe_identical(), markup=False, soft_wrap=True)
    table = Table(title=tr("Score distribution (graded)"), title_justify="left")
    table.add_column(tr("Score"))
    table.add_column(tr("Students"), justify="right")
    table.add_column("")
    peak = max(summary.histogram) or 1
    for index, count in enumerate(summary.histogram):
        table.add_row(summary.bin_label(index), str(count), "#" * round(30 * count / peak))
    console.print(table)
    shown = summary.checks[:HARDEST_SHOWN]
    more = tr("; all {n} in summary.svg", n=len(summary.checks)) if len(summary.checks) > len(shown) else ""
    checks = Table(title=tr("Pass rate per check (hardest first{more})", more=more), title_justify="left")
    checks.add_column(tr("Check"))
    checks.add_column(tr("Passed"), justify="right")
    checks.add_column(tr("Rate"), justify="right")
    for check in shown:
        checks.add_row(f"{check.exercise_id}: {check.title}", f"{check.passed}/{check.graded}",
                       f"{100 * check.rate:.0f}%")
    console.print(checks)
    print_top_mistakes(console, summary)
    for name in outcome.ignored:
        console.print(tr("note: ignored {name}: not a folder or .zip", name=name), markup=False)
    if outcome.not_on_roster:
        console.print(tr("note: not on the roster: {students}", students=", ".join(outcome.not_on_roster)), markup=False)
    for kind, path in paths.items():
        console.print(tr("{what}: {path}", what=tr(OUTPUT_NAMES.get(kind, kind)), path=path), markup=False)
