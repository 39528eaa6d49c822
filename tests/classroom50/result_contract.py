"""A strict validator of Classroom 50's `result.json` (schema `classroom50/result/v1`).

Written from Classroom 50's documentation (wiki "Advanced Autograding", section "The
result.json contract") and the checks its score collector makes before merging a
result: the schema string; non-empty string identity fields and URLs; `datetime` (and
optional `graded_at`) a UTC ISO 8601 instant; `score`/`max-score` non-negative integers,
the sums of the tests', score <= max-score; `tests` a list of objects with a non-empty
`test-name`, a boolean `passed` and integer `score` <= `max-score` (extra fields kept);
no NaN or Infinity anywhere. `owner` and `assignment_type` are stamped by the runner.
"""

from __future__ import annotations

import json
import re
from typing import Any

SCHEMA = "classroom50/result/v1"
UTC_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
REQUIRED = {"schema", "classroom", "assignment", "submission", "commit", "release", "review", "datetime",
            "score", "max-score", "tests"}
OPTIONAL = {"graded_at", "owner", "assignment_type", "submitted_by"}
STRINGS = ("classroom", "assignment", "submission", "commit", "release", "review", "datetime")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def problems(payload: Any) -> list[str]:
    """Every way `payload` breaks the contract; [] when it keeps it."""
    if not isinstance(payload, dict):
        return ["top level is not an object"]
    found = [f"missing {k}" for k in sorted(REQUIRED - set(payload))]
    found += [f"unknown field {k}" for k in sorted(set(payload) - REQUIRED - OPTIONAL)]
    if payload.get("schema") != SCHEMA:
        found.append(f"schema is {payload.get('schema')!r}")
    found += [f"{k} is not a non-empty string" for k in STRINGS if not (isinstance(payload.get(k), str) and payload[k])]
    for key in ("datetime", "graded_at"):
        if key in payload and not (isinstance(payload[key], str) and UTC_INSTANT.fullmatch(payload[key])):
            found.append(f"{key} is not a UTC ISO 8601 instant")
    if payload.get("assignment_type", "individual") not in ("individual", "group"):
        found.append("assignment_type is neither individual nor group")
    score, most, tests = payload.get("score"), payload.get("max-score"), payload.get("tests")
    if not _count(score) or not _count(most):
        found.append("score / max-score are not non-negative integers")
    elif score > most:
        found.append("score > max-score")
    if not isinstance(tests, list):
        return found + ["tests is not a list"]
    for i, test in enumerate(tests):
        if not isinstance(test, dict):
            found.append(f"tests[{i}] is not an object")
            continue
        if not (isinstance(test.get("test-name"), str) and test["test-name"]):
            found.append(f"tests[{i}].test-name is not a non-empty string")
        if not isinstance(test.get("passed"), bool):
            found.append(f"tests[{i}].passed is not a boolean")
        if not (_count(test.get("score")) and _count(test.get("max-score"))):
            found.append(f"tests[{i}] score / max-score are not non-negative integers")
        elif test["score"] > test["max-score"]:
            found.append(f"tests[{i}].score > max-score")
    if all(isinstance(t, dict) and _count(t.get("score")) and _count(t.get("max-score")) for t in tests):
        if score != sum(t["score"] for t in tests) or most != sum(t["max-score"] for t in tests):
            found.append("score / max-score are not the sums of the tests'")
    return found


def load(text: str) -> Any:
    """Parse as Classroom 50's collector does: NaN and Infinity refused."""
    def refuse(constant: str) -> None:
        raise ValueError(f"non-finite number {constant}")
    return json.loads(text, parse_constant=refuse)
