"""A submission cannot take over the grader (issue 20): each escape that was found, tried again.

Run as root (CI, Docker, Gradescope run the grader so) and, from the last test here,
again as an unprivileged user: the same module through `setpriv`. Each case asserts
what the kernel refused, that nothing changed outside the check (no file in the
grader, site-packages or the interpreter's prefix) and that the score was not raised.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

import grader
from grader.engine.student import StudentCode
from grader.models.manifest import CheckLimits
from grader.models.results import CheckStatus
from grader.sandbox import procfs
from grader.sandbox.client import Sandbox
from tests.conftest import FIXTURES, REPO_ROOT

HOSTILE = FIXTURES / "hostile"
MARKER = "grader_takeover_marker.txt"  # what tests/fixtures/hostile/takes_over_the_grader writes
TARGETS = [Path(grader.__file__).parent, Path(sysconfig.get_paths()["purelib"]), Path(sys.prefix)]
UNPRIVILEGED_UID = 4242  # not the worker user (65534): a grader user of its own
_RERUN = "GRADER_TEST_UNPRIVILEGED"

STATUS = '''
import os

def status():
    with open("/proc/self/status") as handle:
        fields = dict(line.split(":", 1) for line in handle.read().splitlines() if ":" in line)
    return {name: fields[name].strip() for name in ("Uid", "CapEff", "CapPrm", "CapInh", "CapBnd", "CapAmb",
                                                  "NoNewPrivs", "Seccomp")}
'''


@pytest.fixture
def no_markers():
    """Fails the test if the hostile fixture's marker appears in a target, and removes it."""
    yield
    found = [target / MARKER for target in TARGETS if (target / MARKER).exists()]
    for path in found:
        path.unlink()
    assert not found, f"a submission wrote into {found}"


def test_a_worker_has_no_privileges_and_is_not_root_on_the_host(tmp_path):
    (tmp_path / "exercise_01.py").write_text(STATUS)
    with Sandbox(threads=1) as box:
        code = StudentCode(box, tmp_path / "exercise_01.py", "exercise_01", CheckLimits(timeout_s=30))
        try:
            inside = code.call("status")
            handle = code._handle()
            host_pid = procfs.pid_of_pidfd(handle.pidfd)
            assert host_pid is not None
            host_status = Path(f"/proc/{host_pid}/status").read_text()
            uid_map = Path(f"/proc/{host_pid}/uid_map").read_text().split()
        finally:
            code.close()
        assert {"unprivileged", "syscall-filter"} <= box.protections
    assert inside["CapEff"] == inside["CapPrm"] == inside["CapInh"] == inside["CapAmb"] == "0" * 16
    assert inside["CapBnd"] == "0" * 16
    assert inside["NoNewPrivs"] == "1"
    assert inside["Seccomp"] == "2"
    host_uids = {int(u) for u in host_status.split("Uid:")[1].splitlines()[0].split()}
    assert 0 not in host_uids
    # uid_map read from the host: "inside outside count" lines, none reaching host uid 0.
    for inside_id, outside, count in zip(uid_map[0::3], uid_map[1::3], uid_map[2::3]):
        assert not int(outside) <= 0 < int(outside) + int(count), uid_map
    if os.getuid() == 0:
        assert host_uids == {65534}, "a grader run as root runs student code as the worker user"


def test_every_way_out_is_refused(sandbox, no_markers):
    code = StudentCode(sandbox, HOSTILE / "takes_over_the_grader" / "exercise_01.py", "exercise_01",
                       CheckLimits(timeout_s=30))
    try:
        told = " | ".join(code.call("outcomes"))
    finally:
        code.close()
    for attempt in ("plain write refused", "mount_setattr refused", "mount(MS_REMOUNT|MS_BIND) refused",
                    "open_tree refused", "ptrace refused", "process_vm_readv refused", "/proc/N/mem refused",
                    "unshare(CLONE_NEWUSER|CLONE_NEWNS) refused"):
        assert attempt in told, (attempt, told)
    assert "SUCCEEDED" not in told and "broke" not in told, told


def test_a_submission_that_tries_every_way_out_scores_what_its_code_earns(grade, no_markers):
    result = grade("exercise_01", HOSTILE / "takes_over_the_grader", timeout_s=20)
    (corr2d,) = [c for c in result.checks if c.id == "corr2d_lecture_example"]
    assert corr2d.status is CheckStatus.ERROR and "refused" in corr2d.message, corr2d.message
    assert result.points_earned == 0
    assert [c.id for c in result.checks if c.status is CheckStatus.PASSED] == []


def test_nothing_a_check_leaves_in_ipc_or_files_reaches_the_next_check(grade):
    """SysV shared memory, a POSIX message queue, /dev/shm and /tmp, each left by one check
    and looked for by the next: a find makes the answers wrong."""
    result = grade("exercise_01", HOSTILE / "leaves_ipc_for_the_next_check", timeout_s=20)
    assert [c.id for c in result.checks if c.status is not CheckStatus.PASSED] == []
    assert result.points_earned == 20


def test_a_reply_over_the_checks_budget_is_refused_unread(grade):
    result = grade("exercise_01", HOSTILE / "floods_the_grader", timeout_s=20)
    for check_id in ("corr2d_lecture_example", "corr2d_random"):
        (check,) = [c for c in result.checks if c.id == check_id]
        assert check.status is CheckStatus.ERROR
        assert "returned too much data (message of" in check.message
        assert f"exceeds the cap of {16 * 1024 * 1024}" in check.message
    assert result.points_earned == 16


def _interpreter_for(uid: int, scratch: Path) -> str:
    """This interpreter, where `uid` may run it; else (it lives under root's 0700 home, as on
    the CI machine) a venv of the system's Python of the same version that sees our
    site-packages, as that user's own install would."""
    def runs(python: str) -> bool:
        # As the grader does: it starts its zygote with sys.executable.
        probe = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--", python, "-I", "-c",
                 "import subprocess, sys, grader; subprocess.run([sys.executable, '-I', '-c', 'import torch'], check=True)"]
        return subprocess.run(probe, cwd="/", capture_output=True).returncode == 0

    if not runs(f"{sys.executable}"):
        readable = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--",
                                   "test", "-r", str(REPO_ROOT / "grader" / "__init__.py")]).returncode == 0
        if not readable:
            pytest.skip(f"uid {uid} cannot read this checkout ({REPO_ROOT}): its folders are closed to others")
    else:
        return sys.executable
    system = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    if not os.path.exists(system):
        pytest.skip(f"uid {uid} can run neither {sys.executable} nor {system}")
    venv = scratch / "venv"
    subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    (site_packages / "_grader_test.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    subprocess.run(["chmod", "-R", "a+rX", str(scratch)], check=True)
    if not runs(str(venv / "bin" / "python")):
        pytest.skip(f"uid {uid} cannot import torch and grader through {venv}")
    return str(venv / "bin" / "python")


@pytest.mark.skipif(os.getuid() != 0 or os.environ.get(_RERUN) == "1" or shutil.which("setpriv") is None,
                    reason="run as root, with setpriv, to run these again as an unprivileged user")
def test_the_same_hold_for_a_grader_run_by_an_unprivileged_user():
    scratch = Path(tempfile.mkdtemp(prefix="grader-unprivileged-"))  # not under root's 0700 pytest folder
    try:
        os.chmod(scratch, 0o755)
        python = _interpreter_for(UNPRIVILEGED_UID, scratch)
        home = scratch / "home"
        home.mkdir()
        os.chown(home, UNPRIVILEGED_UID, UNPRIVILEGED_UID)
        env = {**os.environ, _RERUN: "1", "HOME": str(home), "TMPDIR": str(home)}
        command = ["setpriv", f"--reuid={UNPRIVILEGED_UID}", f"--regid={UNPRIVILEGED_UID}", "--clear-groups",
                   "--inh-caps=-all", "--", python, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                   str(Path(__file__).relative_to(REPO_ROOT))]
        ran = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert "6 passed, 1 skipped" in ran.stdout, ran.stdout[-2000:]


def test_a_monkeypatched_probe_earns_nothing(grade):
    """The issue's case: the engine's `describe` replaced at import made nn.Sequential(nn.Identity())
    pass make_mlp's parameter count and structure. A description is now believed only when
    the network also computes what the grader computes from the reference."""
    result = grade("exercise_03", HOSTILE / "monkeypatches_the_probe", timeout_s=20)
    checks = {c.id: c for c in result.checks}
    for check_id in ("make_mlp_parameter_count", "make_mlp_structure"):
        assert checks[check_id].status is CheckStatus.FAILED, checks[check_id].message
        assert "looks right as described, but with the grader's weights loaded it does not compute" in \
            checks[check_id].message
        assert [m.id for m in checks[check_id].mistakes] == ["network.description_unconfirmed"]
    assert result.points_earned == 0
