"""The documentation set: README.md and docs/*.md.

Every relative link in it leads to a file that exists and, for a `#anchor`, to a
heading of that file (GitHub's slugs). Every command and option of the `grader` CLI is
documented somewhere in it. The link checker is a small function here, tested on
planted mistakes in a temporary folder."""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


def documentation(root: Path = REPO_ROOT) -> list[Path]:
    """README.md and the pages in docs/: what the guide calls the documentation."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(text.split("\n"), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the text as rendered (link targets and code
    marks gone), lowercased, every character but letters, digits, '-', '_' and spaces
    dropped (non-ASCII letters such as Chinese kept), then each space a '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    kept = "".join(ch for ch in text
                   if ch in "-_ " or unicodedata.category(ch)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors GitHub makes for a Markdown file's headings (a repeated one gets
    -1, -2, ... as GitHub numbers them)."""
    seen: dict[str, int] = {}
    found = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        heading = re.match(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        base = slug(heading.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(files: list[Path], root: Path) -> list[str]:
    """Every relative link of `files` that leads nowhere: 'file:line: link: why'.
    Links with a scheme (https:, mailto:) are not followed."""
    problems = []
    for path in files:
        for number, line in prose_lines(path.read_text(encoding="utf-8")):
            for target in LINK.findall(CODE_SPAN.sub(lambda m: m.group(0).replace("](", "] ("), line)):
                if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                    continue
                where = f"{path.relative_to(root)}:{number}: {target}"
                file_part, _, anchor = target.partition("#")
                goal = (path.parent / file_part).resolve() if file_part else path.resolve()
                if not goal.is_relative_to(root.resolve()):
                    problems.append(f"{where}: leads outside the repository")
                elif not goal.exists():
                    problems.append(f"{where}: no such file")
                elif anchor and goal.suffix != ".md":
                    problems.append(f"{where}: an anchor into a file that is not Markdown")
                elif anchor and anchor not in anchors(goal):
                    problems.append(f"{where}: no heading with that anchor in {goal.name}")
    return problems


def test_every_relative_link_in_the_documentation_leads_somewhere() -> None:
    files = documentation()
    assert (REPO_ROOT / "docs" / "README.md") in files, "docs/README.md, the index, is missing"
    assert broken_links(files, REPO_ROOT) == []


def test_every_docs_page_is_in_the_index() -> None:
    index = (REPO_ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    linked = set(LINK.findall(index))
    for page in documentation()[1:]:
        if page.name != "README.md":
            assert page.name in linked, f"docs/README.md does not link to {page.name}"


@pytest.mark.parametrize(("heading", "expected"), [
    ("Install", "install"),
    ("One score on every machine (CPU or GPU)", "one-score-on-every-machine-cpu-or-gpu"),
    ("The class dashboard: `results/index.html`", "the-class-dashboard-resultsindexhtml"),
    ("Options of `grader check`", "options-of-grader-check"),
    ("A department's cluster", "a-departments-cluster"),
    ("Without root, and where namespaces are missing", "without-root-and-where-namespaces-are-missing"),
    ("snake_case and kebab-case", "snake_case-and-kebab-case"),
    ("A & B", "a--b"),
    ("卷积核与填充 (padding)", "卷积核与填充-padding"),
    ("See [the index](docs/README.md)", "see-the-index"),
])
def test_slug_follows_githubs_rules(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_the_checker_reports_a_planted_broken_link_and_anchor(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(
        "# A page\n\n## 中文 标题\n\n## Twice\n\n## Twice\n\n"
        "```\n## Not a heading: inside a fence\n```\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("\n".join([
        "# Top",
        "[fine](docs/page.md) [fine too](docs/page.md#a-page) [Chinese](docs/page.md#中文-标题)",
        "[second of two](docs/page.md#twice-1) [here](#top) [web](https://example.org/x.md#nope)",
        "![picture](docs/missing.png)",
        "[gone](docs/nowhere.md)",
        "[bad anchor](docs/page.md#no-such-heading)",
        "[fenced heading](docs/page.md#not-a-heading-inside-a-fence)",
        "[bad local anchor](#nope)",
        "[outside](../elsewhere.md)",
        "`[in code](not/checked.md)`",
        "```",
        "[in a fence](not/checked/either.md)",
        "```",
    ]) + "\n", encoding="utf-8")

    problems = broken_links(documentation(tmp_path), tmp_path)

    assert problems == [
        "README.md:4: docs/missing.png: no such file",
        "README.md:5: docs/nowhere.md: no such file",
        "README.md:6: docs/page.md#no-such-heading: no heading with that anchor in page.md",
        "README.md:7: docs/page.md#not-a-heading-inside-a-fence: no heading with that anchor in page.md",
        "README.md:8: #nope: no heading with that anchor in README.md",
        "README.md:9: ../elsewhere.md: leads outside the repository",
    ]


def cli_surface() -> list[tuple[str, str]]:
    """(command, what must be documented): each command as `grader COMMAND`, each of its
    actions (`grader messages update`), each of its long options; the global options."""
    from grader.cli import build_parser

    def options(parser: argparse.ArgumentParser) -> list[str]:
        return [option for action in parser._actions for option in action.option_strings
                if option.startswith("--") and option != "--help"]

    parser = build_parser()
    surface = [("grader", option) for option in options(parser)]
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        surface.append((name, f"grader {name}"))
        for action in sub._actions:
            if not action.option_strings and action.choices:
                surface += [(name, f"grader {name} {choice}") for choice in action.choices]
        surface += [(name, option) for option in options(sub)]
    return surface


def test_every_command_and_option_is_documented() -> None:
    """The guide: every user-facing behaviour is reachable from the CLI and documented,
    in README.md or the docs/ pages. An option must appear as itself (`--timeout`, not
    inside `--submission-timeout`)."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in documentation())
    undocumented = [(command, needed) for command, needed in cli_surface()
                    if not re.search(rf"(?<![\w-]){re.escape(needed)}(?![\w-])", text)]
    assert len(cli_surface()) > 50  # the parser was read, not an empty list
    assert undocumented == []


def test_readme_gives_the_test_command_ci_runs() -> None:
    """`.ci/run` runs "the README's test command": the line after that comment there is
    a command line of a code block in README.md (a comment after it aside)."""
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").split("\n")
    command = ci[ci.index("# The README's test command.") + 1].strip()
    assert command.startswith("python -m pytest")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8").split("\n")
    fenced = {number for number, _ in prose_lines("\n".join(readme))}
    in_code = [line.split(" #")[0].strip() for number, line in enumerate(readme, 1)
               if number not in fenced and not FENCE.match(line)]
    assert command in in_code
