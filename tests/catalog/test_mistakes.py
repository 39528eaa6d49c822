"""Every mistake the course names has a stable, well-formed id and one title."""

from __future__ import annotations

from grader.catalog.mistakes import course_mistakes, every_mistake


def test_every_exercise_names_its_mistakes_with_one_title_per_id(course):
    by_exercise = course_mistakes(course)
    assert set(by_exercise) >= {"exercise_01", "exercise_02", "exercise_03", "exercise_04", "exercise_05"}
    titles: dict[str, str] = {}
    for mistakes in by_exercise.values():
        for mistake in mistakes:
            assert titles.setdefault(mistake.id, mistake.title) == mistake.title, mistake.id
    ids = set(titles)
    # A few that the class summary counts, by the ids the issue names.
    assert {"conv2d.kernel_flipped", "conv2d.padding_ignored", "train.zero_grad_missing",
            "network.softmax_output", "device.targets_not_moved"} <= ids
    assert len(ids) >= 60
    every = {m.id for m in every_mistake(course)}
    assert ids < every and {"answer.no_return", "evidence.scaled", "network.bias_missing"} <= every


def test_no_check_names_a_mistake_by_hand(course):
    """"looks like X" is said only by the helpers, which first check that X reproduces
    the answer; a checks file that wrote it into a message would bypass that rule."""
    import ast

    for exercise in course.exercises():
        for path in exercise.check_files:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    assert "looks like" not in node.value, f"{path}:{node.lineno}"
