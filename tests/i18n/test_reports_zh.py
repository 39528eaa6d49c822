"""Reports in Chinese: every human-readable format speaks the active language, the
terminal table keeps its borders with wide (CJK) characters, and what machines read
(JSON keys, ids, status values) stays English."""

from __future__ import annotations

import base64
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from rich.cells import cell_len
from rich.console import Console

from grader.i18n import use_language
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, NamedMistake, SubmissionReport
from grader.report import RENDERERS
from grader.report.html_tensors import message_html
from grader.report.terminal import render_terminal
from tests.report.sample import sample_report

ZH_STATUS = {"通过", "未通过", "出错", "超时", "跳过", "评分程序出错"}
EN_STATUS = {"PASS", "FAIL", "ERROR", "TIMEOUT", "NOT RUN", "GRADER ERROR"}
# Box characters that are not horizontal rules: where a table's columns are divided.
_DIVIDERS = re.compile(r"[\u2500-\u257f]")
_RULES = set("─━═")


def zh_report() -> SubmissionReport:
    """A report as the engine would give it in Chinese: CJK titles and messages (long
    enough to wrap at 80 columns), a tensor excerpt, every status, a comparison."""
    checks = [
        CheckResult(id="corr2d_lecture_example", title="corr2d：课堂上的例子",
                    status=CheckStatus.PASSED, points_earned=2, points_possible=2),
        CheckResult(id="conv2d_flip", title="conv2d：随机输入，卷积核大小 3×3，步长与填充各不相同的多种组合",
                    status=CheckStatus.FAILED, points_possible=3,
                    message="conv2d(x, w) 的形状正确 (2, 3, 6, 6)，但数值错误：看起来是把卷积核翻转了"
                    "（PyTorch 的 conv2d 计算的是互相关，不翻转卷积核）\n"
                    "在 [0, 0, 1:3, 1:3] 附近：\n  期望值 [[1.0, 2.0], [3.0, 4.0]]\n  实际值 [[4.0, 3.0], [2.0, 1.0]]",
                    mistakes=[NamedMistake(id="conv2d.kernel_flipped", title="翻转了卷积核（做成了真正的卷积）",
                                           message="看起来是翻转了卷积核")]),
        CheckResult(id="conv2d_error", title="conv2d：多通道输入", status=CheckStatus.ERROR, points_possible=2,
                    message="conv2d(x, w) 抛出了 ZeroDivisionError: division by zero"),
        CheckResult(id="max_pool", title="max_pool2d：最大池化，步长 2", status=CheckStatus.TIMEOUT,
                    points_possible=1, message="max_pool2d(x) 没有在时间限制（10 秒）内完成"),
        CheckResult(id="train", title="训练 1 轮后的准确率", status=CheckStatus.SKIPPED, points_possible=2,
                    message="未找到 MNIST 数据。"),
        CheckResult(id="collection", title="checks could not be loaded", status=CheckStatus.GRADER_ERROR,
                    points_possible=0, message="评分程序的检查项加载失败"),
        CheckResult(id="secret", title="conv2d：隐藏检查项", status=CheckStatus.FAILED, points_possible=1,
                    hidden=True, message="一个秘密的边界情况"),
    ]
    exercise = ExerciseResult(
        id="exercise_01", title="手算卷积与池化", student_file="/s/exercise_01.py", checks=checks,
        comparison={"Net": {"参数": 61706, "准确率": 0.981}, "DeepNet": {"参数": 93322, "准确率": 0.9905}},
        message="exercise_01.ipynb 也存在；评分的是 exercise_01.py",
    )
    return SubmissionReport(grader_version="0.2.0", submission="/s", student_id="张三", exercises=[exercise],
                            notes=["沙箱在学生代码使其崩溃后重启了 1 次"])


def _terminal(report: SubmissionReport, language: str, width: int = 80) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, highlight=False, force_terminal=False)
    with use_language(language):
        render_terminal(report, console)
    return out.getvalue()


def _tables(text: str) -> list[list[str]]:
    """Each table's lines, from its top border to its bottom border."""
    tables, current = [], None
    for line in text.splitlines():
        stripped = line.rstrip()
        if stripped[:1] in ("┏", "┌"):
            current = [stripped]
        elif current is not None:
            current.append(stripped)
            if stripped[:1] in ("└", "┗"):
                tables.append(current)
                current = None
    return tables


def _divider_columns(line: str) -> list[int]:
    """The display columns (cells, not characters) of the line's column dividers."""
    columns, at = [], 0
    for char in line:
        if _DIVIDERS.match(char) and char not in _RULES:
            columns.append(at)
        at += cell_len(char)
    return columns


@pytest.mark.parametrize("width", [80, 60])
def test_a_chinese_terminal_table_keeps_its_borders(width: int) -> None:
    text = _terminal(zh_report(), "zh", width)
    tables = _tables(text)
    assert len(tables) == 2  # the checks, and the comparison
    checks = tables[0]
    assert len(checks) > 12  # the CJK titles and messages wrapped onto several lines
    for table in tables:
        widths = {cell_len(line) for line in table}
        assert len(widths) == 1, f"lines of differing widths {widths}:\n" + "\n".join(table)
        dividers = {tuple(_divider_columns(line)) for line in table}
        assert len(dividers) == 1, "column dividers out of line:\n" + "\n".join(table)
        assert all(line[-1] in "┓┃┩│┘┤┨┫" for line in table[:-1]) and table[-1][-1] == "┘"
        assert "\ufffd" not in "".join(table) and "?" not in "".join(table)
    assert cell_len(checks[0]) == width  # the checks table fills the console
    # Every character of a wide title survives the wrapping, in order.
    first_column = "".join(line.split("│")[1].strip() for line in checks if line.startswith("│"))
    assert "conv2d：随机输入，卷积核大小3×3，步长与填充各不相同的多种组合" in first_column.replace(" ", "")


def test_a_chinese_terminal_report_speaks_chinese() -> None:
    text = _terminal(zh_report(), "zh")
    header = next(line for line in text.splitlines() if line.startswith("┃"))
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == ["检查项", "状态", "分数", "反馈"]
    for word in ZH_STATUS:
        assert word in text
    assert not any(re.search(rf"\b{word}\b", text) for word in EN_STATUS)
    assert "exercise_01: 2/11 分" in text and "总分：2/11 分（18.18%）" in text
    assert "exercise_01：对比" in text and "注：沙箱在学生代码使其崩溃后重启了 1 次" in text
    assert "已隐藏" in text and "一个秘密的边界情况" not in text
    # The same report in English: nothing of ours in Chinese.
    english = _terminal(zh_report(), "en", width=200)
    assert "Total: 2/11 points (18.18%)" in english and "PASS" in english and "通过" not in english


def test_markdown_in_chinese() -> None:
    with use_language("zh"):
        text = RENDERERS["markdown"](zh_report())
    assert text.startswith("## 张三 的评分报告：2/11 分（18.18%）\n")
    assert "### exercise_01: 手算卷积与池化 (3/11 分)" not in text  # the exercise's own score
    assert "### exercise_01: 手算卷积与池化 (2/11 分)" in text
    assert "| 检查项 | 状态 | 分数 | 反馈 |" in text
    assert "| corr2d：课堂上的例子 | 通过 | 2/2 |" in text and "| 未通过 | 0/3 |" in text
    assert "> 注：exercise_01.ipynb 也存在" in text and "> 注：沙箱" in text
    assert not (EN_STATUS & set(re.findall(r"\| ([A-Z ]+) \|", text)))
    assert "| Check |" not in text and "points" not in text


def test_html_in_chinese() -> None:
    with use_language("zh"):
        page = RENDERERS["html"](zh_report())
    assert '<html lang="zh">' in page and "<title>张三 的评分报告</title>" in page
    assert '<th scope="col">检查项</th><th scope="col">状态</th>' in page and ">反馈</th>" in page
    assert '<span class="status pass">通过</span>' in page and '<span class="status fail">未通过</span>' in page
    assert "2/11 分（18.18%）" in page and "识别出的常见错误：翻转了卷积核" in page
    assert "<p>评分的文件：<code>exercise_01.py</code></p>" in page
    assert "注：沙箱在学生代码使其崩溃后重启了 1 次" in page
    # Ids and CSS classes stay as they are: links and styles must not depend on the language.
    assert 'id="check-conv2d_flip"' in page and 'href="#exercise_01"' in page
    # The Chinese tensor excerpt became grids, labelled in Chinese.
    assert '<table class="grid"><caption>期望值</caption>' in page and "<caption>实际值</caption>" in page
    assert "[0, 0, 1:3, 1:3] 处的期望值与实际值" in page
    with use_language("en"):
        english = RENDERERS["html"](zh_report())
    assert '<html lang="en">' in english and "<title>Grader report for 张三</title>" in english


def test_excerpt_grids_in_either_language() -> None:
    english = "wrong values\naround [0, 0, 1:3, 2:4]:\n  expected [[1.0, 2.0]]\n       got [[1.0, 2.5]]"
    chinese = "数值错误\n在 [0, 0, 1:3, 2:4] 附近：\n  期望值 [[1.0, 2.0]]\n  实际值 [[1.0, 2.5]]"
    for language, message in (("en", english), ("zh", english), ("zh", chinese)):
        with use_language(language):
            html = message_html(message)
        assert html.count('<table class="grid">') == 2, (language, message)
        assert '<th scope="col">2</th><th scope="col">3</th>' in html  # numbered from the window's origin
        assert '<td class="differs">2.5</td>' in html
    with use_language("en"):
        assert '<table class="grid">' not in message_html(chinese)  # not this language's words: text


def test_machine_formats_stay_english_in_chinese() -> None:
    report = sample_report()
    with use_language("zh"):
        outputs = {name: render(report) for name, render in RENDERERS.items()}
    data = json.loads(outputs["json"])
    assert set(data) >= {"exercises", "points_earned", "points_possible", "student_id"}
    statuses = {c["status"] for e in data["exercises"] for c in e["checks"]}
    assert statuses == {"passed", "failed", "error", "timeout", "skipped", "grader_error"}
    root = ET.fromstring(outputs["junit"].split("\n", 1)[1])
    assert root.tag == "testsuites" and root.find(".//failure").get("type") == "failed"
    assert {e.get("type") for e in root.iter("error")} == {"error", "timeout", "grader_error"}
    gradescope = json.loads(outputs["gradescope"])
    assert {t["status"] for t in gradescope["tests"]} == {"passed", "failed"}
    assert {t["visibility"] for t in gradescope["tests"]} == {"visible", "after_published"}
    assert gradescope["output"].startswith("3.5/12.5 分（28%）")  # text a student reads
    assert gradescope["tests"][0]["output"] == "通过"
    classroom = json.loads(base64.b64decode(outputs["classroom"]))
    assert classroom["status"] == "error" and {t["status"] for t in classroom["tests"]} == {"pass", "fail", "error"}
    # A hidden check's message is withheld in the student's language; the flag says why.
    secret = next(c for c in data["exercises"][0]["checks"] if c["id"] == "secret_edge_case")
    assert secret["hidden"] is True


def test_watch_lines_in_chinese() -> None:
    from grader.cli.watch import WatchSession

    before = sample_report()
    after = before.model_copy(deep=True)
    after.exercises[0].checks[1].status = CheckStatus.PASSED
    after.exercises[0].checks[1].points_earned = 2
    reports = iter([before, after])

    class OneSave:
        paths = ()

        def wait(self, clock):
            return []

    out = io.StringIO()
    console = Console(file=out, width=120, no_color=True)
    with use_language("zh"):
        WatchSession(lambda: next(reports), OneSave(), console).run(max_runs=2)
    text = out.getvalue()
    assert "与上次运行相比：3.5/12.5 分（28%） -> 5.5/12.5 分（44%）" in text
    assert "未通过 -> 通过  exercise_01: conv2d: padding=1" in text
    assert "[第 1 次运行（启动）用时" in text and "秒；正在监视 ；按 Ctrl-C 停止]" in text
    assert "已停止监视；最后得分：" in text


def test_a_comparisons_keys_are_data_in_json_and_the_courses_words_on_screen() -> None:
    from tests.conftest import REPO_ROOT

    exercise = ExerciseResult(
        id="exercise_06", title="DeepNet", student_file="/s/exercise_06.py", checks=[],
        comparison={"DeepNet (yours)": {"parameters": 93322, "test accuracy (%)": 99.05},
                    "Net (course)": {"parameters": 21840, "test accuracy (%)": 98.9}},
    )
    report = SubmissionReport(grader_version="0.2.0", submission="/s", exercises=[exercise])
    out = io.StringIO()
    with use_language("zh", REPO_ROOT / "locale"):
        render_terminal(report, Console(file=out, width=120, no_color=True))
        page = RENDERERS["html"](report)
        data = json.loads(RENDERERS["json"](report))
    for shown in (out.getvalue(), page):
        assert "DeepNet（你的）" in shown and "Net（课程的）" in shown and "参数" in shown
        assert "DeepNet (yours)" not in shown and "parameters" not in shown
    assert data["exercises"][0]["comparison"]["DeepNet (yours)"]["parameters"] == 93322
