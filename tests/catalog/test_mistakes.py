"""Every mistake the course names has a stable, well-formed id and one title."""

from __future__ import annotations

from grader.catalog.mistakes import course_mistakes


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
