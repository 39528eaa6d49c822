"""A class built as records, with everything the dashboard shows: named mistakes, a hidden
check, a timeout, a file that could not be imported, an invalid and a missing submission,
a grader error, and exercise 06's Net vs DeepNet comparison.

Deterministic (no randomness): the tests assert exact numbers. `demo_class(24)` is the
class of the README's screenshot.
"""

from __future__ import annotations

from datetime import datetime, timezone

from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.roster import RosterEntry
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, ImportFailure, NamedMistake, SubmissionReport

KERNEL_FLIPPED = NamedMistake(
    id="corr2d.kernel_flipped", title="corr2d is a true convolution (kernel flipped)",
    message="corr2d(x, k) looks like a true convolution: the kernel is flipped")
PADDING_IGNORED = NamedMistake(
    id="conv2d.padding_ignored", title="conv2d ignores padding",
    message="conv2d(x, w, padding=1) looks like the result without padding")
ZERO_GRAD = NamedMistake(
    id="train_epoch.zero_grad_missing", title="train_epoch never calls zero_grad",
    message="train_epoch accumulates gradients: optimizer.zero_grad() is never called")
SECRET = "with a 1x1 input conv2d gives 0.5, expected 1.5"  # a hidden check's message
EXCERPT = ("conv2d(x, w) has the right shape (1, 1, 4, 4) but wrong values: 2 of 16 elements differ; "
           "the largest error is 0.5 at index (0, 0, 1, 2)\naround [0, 0, 0:3, 1:4]:\n"
           "  expected [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]\n"
           "       got [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5], [7.0, 8.0, 9.25]]")


def _check(check_id: str, title: str, ok: bool, points: float = 2, message: str = "",
           mistakes: tuple[NamedMistake, ...] = (), status: CheckStatus | None = None,
           hidden: bool = False) -> CheckResult:
    return CheckResult(
        id=check_id, title=title, points_possible=points, points_earned=points if ok else 0,
        status=status or (CheckStatus.PASSED if ok else CheckStatus.FAILED),
        message="" if ok else message, mistakes=[] if ok else list(mistakes), hidden=hidden)


def _report(index: int) -> SubmissionReport:
    flipped = index % 3 == 1  # 1, 4, 7, ...: the most frequent mistake
    no_padding = index % 4 == 2
    zero_grad = index % 5 == 3
    first = ExerciseResult(
        id="exercise_01", title="Convolution and pooling by hand", student_file=f"/srv/class/s{index:02d}/exercise_01.py",
        checks=[
            _check("check_corr2d", "corr2d: the lecture's 5x5 example", not flipped,
                   message=KERNEL_FLIPPED.message, mistakes=(KERNEL_FLIPPED,)),
            _check("check_conv2d_padding", "conv2d: the lecture's example with padding=1", not no_padding,
                   message=PADDING_IGNORED.message, mistakes=(PADDING_IGNORED,)),
            _check("check_conv2d_random", "conv2d: random batches, channels, strides, paddings", index % 6 != 5,
                   points=3, message=EXCERPT),
            _check("check_conv2d_secret", "conv2d: a secret edge case", index % 2 == 0, points=1,
                   message=SECRET, hidden=True),
        ])
    if index == 9:  # a pooling loop that never ends
        first.checks.append(_check("check_max_pool", "max_pool2d: random inputs", False, status=CheckStatus.TIMEOUT,
                                   message="max_pool2d() did not finish within the time limit (timeout_s=10)"))
    else:
        first.checks.append(_check("check_max_pool", "max_pool2d: random inputs", True))
    broken_import = index == 11
    comparison = {} if broken_import else {
        "DeepNet (yours)": {"parameters": 94_000 + 1_000 * (index % 7), "training time (s)": 40.0 + index,
                            "test accuracy (%)": round(98.0 + 0.05 * (index % 13), 2)},
        "Net (course)": {"parameters": 61_706, "training time (s)": 31.5, "test accuracy (%)": 98.9},
    }
    training = ExerciseResult(
        id="exercise_06", title="A deeper CNN", student_file=f"/srv/class/s{index:02d}/exercise_06.py",
        checks=[
            _check("check_train_epoch", "train_epoch: one epoch of the course's loop",
                   not zero_grad and not broken_import, points=3,
                   status=CheckStatus.ERROR if broken_import else None,
                   message=("exercise_06.py has a syntax error (invalid syntax), line 4: def (" if broken_import
                            else ZERO_GRAD.message),
                   mistakes=() if broken_import else (ZERO_GRAD,)),
            _check("check_accuracy", "DeepNet reaches >= 98% test accuracy on MNIST", not broken_import, points=5,
                   status=CheckStatus.ERROR if broken_import else None,
                   message="exercise_06.py has a syntax error (invalid syntax), line 4: def ("),
        ],
        import_failure=ImportFailure.ERROR if broken_import else None,
        comparison=comparison)  # validated here, as the engine's are: numbers become floats
    return SubmissionReport(
        grader_version="0.1.0", submission=f"/srv/class/s{index:02d}", student_id=f"s{index:02d}",
        started_at=datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc), exercises=[first, training])


def demo_class(students: int = 12) -> tuple[list[StudentRecord], dict[str, RosterEntry]]:
    """`students` graded students s00.., plus an invalid zip, a missing student and a grader error."""
    records = [StudentRecord.from_report(_report(i), student_id=f"s{i:02d}") for i in range(students)]
    possible = records[0].points_possible
    records += [
        StudentRecord(student_id="zz-invalid", status=StudentStatus.INVALID, points_possible=possible,
                      message="zz-invalid.zip is not a readable zip file; hand in a .zip made by your system's tool"),
        StudentRecord(student_id="zz-missing", status=StudentStatus.MISSING, points_possible=possible,
                      message="nothing was submitted"),
        StudentRecord(student_id="zz-crash", status=StudentStatus.GRADER_ERROR, points_possible=possible,
                      message="the grading process died each time it graded this submission, twice on its own"),
    ]
    roster = {r.student_id: RosterEntry(r.student_id, f"Student {r.student_id.upper()}", f"{r.student_id}@example.org")
              for r in records}
    return records, roster
