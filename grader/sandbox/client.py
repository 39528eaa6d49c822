"""Grading-process side of the sandbox: start the zygote, spawn workers, talk to them."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from grader.sandbox.environment import child_environment
from grader.sandbox.framing import (
    ChannelClosed,
    ChannelTimeout,
    MessageTooLarge,
    recv_message,
    send_message,
)
from grader.sandbox.outcomes import (
    StudentCrashed,
    StudentTimeout,
    UnreadableResult,
    describe_exit,
)
from grader.sandbox.zygote import CONTROL_MAX_BYTES

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
_ZYGOTE_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[2]); "
    "from grader.sandbox.zygote import main; main()"
)


class SandboxUnavailable(RuntimeError):
    """The zygote could not be started or died: a grader-side failure."""


class Sandbox:
    """Owns one zygote process. Start it early: it imports torch in parallel with us."""

    def __init__(
        self,
        threads: int | None = None,
        start_timeout_s: float = 120.0,
        hidden_paths: tuple[str, ...] = (),
        isolate: bool = True,
        prefetch: bool = True,
    ) -> None:
        """`hidden_paths`: folders or files student code must never see (report outputs,
        other students' submissions); each check adds its own (solutions, checks)."""
        self.threads = threads
        self.hidden_paths = tuple(str(p) for p in hidden_paths)
        self.isolate = isolate
        self.prefetch = prefetch
        self._prefetched: dict[str, tuple[int, socket.socket]] = {}  # spec -> a worker in waiting
        self.protections: set[str] | None = None  # as reported by the first worker
        self.isolation_notes: list[str] = []
        self.start_timeout_s = start_timeout_s
        self.tmp_root = tempfile.mkdtemp(prefix="grader-")
        os.chmod(self.tmp_root, 0o711)
        self._exits: dict[int, tuple[int | None, int | None]] = {}
        self._spawned: dict[int, int] = {}
        self._next_request = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._ready = False
        self.restarts = 0
        self._start()

    # -- zygote lifecycle -------------------------------------------------------
    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-c", _ZYGOTE_BOOT, str(theirs.fileno()), _PACKAGE_PARENT],
            pass_fds=[theirs.fileno()],
            env=child_environment(self.tmp_root),
            stdin=subprocess.DEVNULL,
            cwd=self.tmp_root,
            start_new_session=True,
        )
        theirs.close()
        self._control = ours
        self._ready = False

    def _read_control(self, deadline: float) -> dict[str, Any] | None:
        assert self._control is not None
        wait = max(0.0, deadline - time.monotonic())
        readable, _, _ = select.select([self._control], [], [], wait)
        if not readable:
            return None
        data = self._control.recv(CONTROL_MAX_BYTES)
        if not data:
            raise SandboxUnavailable("the sandbox process (zygote) exited")
        message = json.loads(data)
        if "exited" in message:
            self._exits[message["exited"]] = (message.get("code"), message.get("signal"))
        elif "spawned" in message:
            self._spawned[message["request"]] = message["spawned"]
        elif message.get("ready"):
            self._ready = True
        return message

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while not self._ready:
            if time.monotonic() > deadline:
                raise SandboxUnavailable("the sandbox process did not start in time")
            self._read_control(deadline)

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def close(self) -> None:
        self._drop_prefetched()
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.tmp_root, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- workers ------------------------------------------------------------------
    def spawn(self, spec: dict[str, Any], budget_s: float) -> "WorkerHandle":
        """Fork a worker for one check. Restarts the zygote once if a student killed it."""
        for attempt in range(2):
            try:
                if not self._alive():
                    raise SandboxUnavailable("the sandbox process (zygote) exited")
                return self._spawn_once(spec, budget_s)
            except (SandboxUnavailable, OSError):
                if attempt:
                    raise SandboxUnavailable("the sandbox process could not be restarted")
                self.restarts += 1
                self._drop_prefetched()
                self._spawned.clear()
                self._exits.clear()
                if self._control is not None:
                    self._control.close()
                if self._process is not None and self._process.poll() is None:
                    self._process.kill()
                    self._process.wait()
                self._start()
        raise AssertionError("unreachable")

    def _full_spec(self, spec: dict[str, Any]) -> dict[str, Any]:
        return dict(
            spec,
            tmp_root=self.tmp_root,
            threads=self.threads,
            isolate=self.isolate,
            hide=[*spec.get("hide", []), *self.hidden_paths],
            expose=[*spec.get("expose", [])],
        )

    def _request_fork(self, full_spec: dict[str, Any]) -> tuple[int, socket.socket]:
        """Ask the zygote for a worker; returns (request id, our end of its socket)."""
        assert self._control is not None
        self._next_request += 1
        request = self._next_request
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        message = json.dumps({"op": "spawn", "request": request, "spec": full_spec}).encode()
        try:
            socket.send_fds(self._control, [message], [theirs.fileno()])
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        return request, ours

    def _await_fork(self, request: int, ours: socket.socket) -> int:
        spawn_deadline = time.monotonic() + 30
        while request not in self._spawned:
            if time.monotonic() > spawn_deadline:
                ours.close()
                raise SandboxUnavailable("the sandbox did not fork a worker in time")
            self._read_control(spawn_deadline)
        return self._spawned.pop(request)

    def discard_prefetched(self) -> None:
        """Forget workers made in advance. A worker stages the submission's files when it
        is forked, so after the files change (a watch re-run) none made before may serve."""
        self._drop_prefetched()

    def _drop_prefetched(self) -> None:
        # Closing our end is enough: an idle worker exits when its channel closes.
        for _request, ours in self._prefetched.values():
            ours.close()
        self._prefetched.clear()

    def _spawn_once(self, spec: dict[str, Any], budget_s: float) -> "WorkerHandle":
        self._wait_ready()
        full_spec = self._full_spec(spec)
        key = json.dumps(full_spec, sort_keys=True)
        pending = self._prefetched.pop(key, None)
        self._drop_prefetched()  # a worker made for another spec will not be used
        request, ours = pending if pending is not None else self._request_fork(full_spec)
        pid = self._await_fork(request, ours)
        if self.prefetch:
            # The next check most likely wants the same spec: let a worker set up its
            # namespaces and mounts (~35 ms) while this check runs.
            self._prefetched[key] = self._request_fork(full_spec)
        # The check's clock starts once its worker is handed over, not while it was made.
        deadline = time.monotonic() + budget_s
        return WorkerHandle(self, pid, ours, deadline)

    def record_facts(self, facts: dict[str, Any]) -> None:
        """Remember which protections workers actually got (the same for every worker)."""
        if self.protections is None and isinstance(facts.get("protections"), list):
            self.protections = {str(p) for p in facts["protections"]}

    def exit_status(self, pid: int, wait_s: float = 2.0) -> tuple[int | None, int | None]:
        """How a worker ended, as reported by the zygote; (None, None) if unknown."""
        deadline = time.monotonic() + wait_s
        while pid not in self._exits and time.monotonic() < deadline:
            try:
                self._read_control(deadline)
            except SandboxUnavailable:
                break
        return self._exits.pop(pid, (None, None))


class WorkerHandle:
    """One forked worker serving the calls of one check, until `close`."""

    def __init__(self, sandbox: Sandbox, pid: int, channel: socket.socket, deadline: float) -> None:
        self.sandbox = sandbox
        self.pid = pid
        self.channel = channel
        self.deadline = deadline
        self._next_id = 0
        self.dead: str | None = None

    def request(self, payload: dict[str, Any], what: str, limit_note: str) -> dict[str, Any]:
        """Send one request and wait for its reply within the check's deadline."""
        if self.dead:
            raise StudentCrashed(self.dead)
        self._next_id += 1
        payload = dict(payload, id=self._next_id)
        try:
            send_message(self.channel, json.dumps(payload).encode("utf-8"))
            while True:
                raw = recv_message(self.channel, deadline=self.deadline)
                reply = json.loads(raw)
                if isinstance(reply, dict) and reply.get("id") == self._next_id:
                    return reply
                # A stale or forged message: ignore it; only the matching reply counts.
        except ChannelTimeout:
            self.kill()
            self.dead = f"{what} did not finish within the time limit ({limit_note})"
            raise StudentTimeout(self.dead) from None
        except (ChannelClosed, BrokenPipeError, ConnectionResetError):
            # Ask how it ended before killing it, or every death would read "SIGKILL".
            code, signum = self.sandbox.exit_status(self.pid)
            self.kill()
            self.dead = f"{what}: the process {describe_exit(code, signum)}"
            raise StudentCrashed(self.dead) from None
        except MessageTooLarge as exc:
            self.kill()
            self.dead = f"{what} returned too much data ({exc})"
            raise UnreadableResult(self.dead) from None
        except ValueError as exc:  # undecodable JSON from the child
            self.kill()
            self.dead = f"{what} sent back something that is not data ({exc})"
            raise UnreadableResult(self.dead) from None

    def kill(self) -> None:
        for kill in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
            try:
                kill()
            except OSError:
                pass

    def close(self) -> None:
        self.kill()
        try:
            self.channel.close()
        except OSError:
            pass
        # The worker's private folder (empty from here when it had its own tmpfs).
        shutil.rmtree(os.path.join(self.sandbox.tmp_root, f"w{self.pid}"), ignore_errors=True)
