"""Student code sees an allow-listed file system: the runtime, its submission, nothing else.

Plants a copy of the solutions and a fake credential where a hostile student would
look (the user's home, a new folder under /srv and /opt, a sibling of the checkout),
then asserts that student code can neither read nor list them, that `/` holds only
the allow-list, and that a Unix socket made outside the sandbox cannot be reached.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import threading
import uuid
from pathlib import Path

import pytest

from grader.models.results import CheckStatus
from grader.sandbox import rootfs
from tests.conftest import FIXTURES, REPO_ROOT, by_id

PROBE = FIXTURES / "hostile" / "probes_the_machine"
CREDENTIAL = "aws_secret_access_key = planted-by-the-test-0123456789"


def _plant(folder: Path, created: list[Path]) -> Path | None:
    """A copy of the solutions and a fake credential in `folder` (made for the test)."""
    try:
        folder.mkdir(parents=True)
    except OSError:
        return None
    created.append(folder)
    shutil.copytree(REPO_ROOT / "solutions", folder / "solutions")
    (folder / "credentials").write_text(CREDENTIAL)
    return folder


@pytest.fixture
def plants(tmp_path):
    tag = f"grader-plant-{uuid.uuid4().hex[:8]}"
    created: list[Path] = []
    places = [Path.home() / tag, Path("/srv") / tag, Path("/opt") / tag, REPO_ROOT.parent / tag, tmp_path / tag]
    found = [p for p in (_plant(place, created) for place in places) if p is not None]
    try:
        yield found
    finally:
        for folder in created:
            shutil.rmtree(folder, ignore_errors=True)


def _probe(grade, tmp_path, read=(), listing=(), connect=()) -> dict:
    folder = tmp_path / "submission"
    shutil.copytree(PROBE, folder)
    (folder / "targets.json").write_text(json.dumps({"read": list(read), "list": list(listing), "connect": list(connect)}))
    result = grade("exercise_01", folder, timeout_s=20)
    check = by_id(result)["corr2d_lecture_example"]
    assert check.status is CheckStatus.ERROR, check.message
    _, _, report = check.message.partition("raised ValueError: ")
    return json.loads(report.split("\n", 1)[0])


@pytest.fixture
def allow_listed(protections):
    if "filesystem" not in protections:
        pytest.skip("no allow-listed root on this machine (no mount or PID namespace)")


@pytest.fixture
def protections(grade, sandbox):
    grade("exercise_02", REPO_ROOT / "solutions")
    return sandbox.protections or set()


def test_planted_solutions_and_credentials_can_be_neither_read_nor_listed(grade, tmp_path, plants, allow_listed):
    assert len(plants) >= 3, "could not plant in enough places to mean anything"
    report = _probe(
        grade, tmp_path,
        read=[str(p / "credentials") for p in plants] + [str(p / "solutions" / "exercise_01.py") for p in plants],
        listing=[str(p) for p in plants] + [str(p.parent) for p in plants],
    )
    for path, outcome in report["read"].items():
        assert outcome.startswith("error: "), (path, outcome)
    planted = {str(p) for p in plants}
    for path, outcome in report["list"].items():
        if path in planted:
            assert isinstance(outcome, str) and outcome.startswith("error: "), (path, outcome)
        else:  # a parent the runtime needs (pyenv lives in ~): shown without the plant
            assert isinstance(outcome, str) or not any(n.startswith("grader-plant-") for n in outcome), (path, outcome)


def test_the_root_holds_only_the_allow_list(grade, tmp_path, allow_listed):
    report = _probe(grade, tmp_path, listing=[str(REPO_ROOT), str(Path.home()), "/etc", "/dev"])
    visible = set(report["root"])
    # Worked out here, not by the code under test: the system's folders, plus wherever
    # the interpreter and the grader package live (pyenv under ~, a venv in a checkout).
    runtime = [sys.prefix, sys.base_prefix, os.path.realpath(sys.executable), str(rootfs.PACKAGE_DIR)]
    expected = {"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "tmp", "usr"}
    expected |= {Path(p).parts[1] for p in runtime}
    if rootfs.nvidia_devices():
        expected.add("sys")
    assert visible <= expected, visible - expected
    for never in ("home", "srv", "opt", "run", "var", "mnt", "media", "boot", "root", "work"):
        assert never not in visible or never in {Path(p).parts[1] for p in runtime}, never
    # The repository shows only the grader package (and a virtual environment inside it).
    assert set(report["list"][str(REPO_ROOT)]) <= {"grader", ".venv", "venv"}, report["list"][str(REPO_ROOT)]
    assert "solutions" not in report["list"][str(REPO_ROOT)]
    assert set(report["list"]["/etc"]) <= {"group", "ld.so.cache", "localtime", "passwd"}
    assert {"null", "urandom"} <= set(report["list"]["/dev"])


def _listen(path: str) -> tuple[socket.socket, list[bytes]]:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(0.2)
    received: list[bytes] = []

    def accept() -> None:
        while server.fileno() != -1:
            try:
                conn, _ = server.accept()
                received.append(conn.recv(100))
            except OSError:
                if server.fileno() == -1:
                    return

    threading.Thread(target=accept, daemon=True).start()
    return server, received


def test_unix_sockets_outside_the_sandbox_cannot_be_reached(grade, tmp_path, allow_listed):
    folder = REPO_ROOT.parent / f"grader-socket-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    paths = [str(folder / "s"), str(tmp_path / "s"), f"@grader-test-{os.getpid()}"]
    servers = []
    try:
        for path in paths:
            servers.append(_listen(path.replace("@", "\0", 1)))
        report = _probe(grade, tmp_path, connect=paths)
    finally:
        for server, _ in servers:
            server.close()
        shutil.rmtree(folder, ignore_errors=True)
    for path, outcome in report["connect"].items():
        assert outcome.startswith("error: "), (path, outcome)
    assert all(received == [] for _, received in servers)


MKNOD = '''
import os

def make_disk_node():
    try:
        os.mknod("sda", 0o600 | 0o060000, os.makedev(8, 0))  # the first SCSI disk, as a block device
    except OSError as exc:
        return f"denied: {exc.strerror}"
    return "made"
'''


def test_student_code_is_root_of_nothing_but_its_sandbox(sandbox, tmp_path, allow_listed):
    """A grader running as root must not run student code as the machine's root: with
    mknod and mount, a disk node would reach past every mount namespace."""
    from grader.engine.student import StudentCode
    from grader.models.manifest import CheckLimits

    (tmp_path / "exercise_01.py").write_text(MKNOD)
    code = StudentCode(sandbox, tmp_path / "exercise_01.py", "exercise_01", CheckLimits(timeout_s=30))
    try:
        assert code.call("make_disk_node") == "denied: Operation not permitted"
    finally:
        code.close()
