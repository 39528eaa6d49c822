"""What a worker gives up before student code runs: its user, its capabilities, its mounts' flags.

The order matters, and each step is why the next one holds:

1. Become the worker user (a grader running as root): uid and gid 65534 ("nobody") on the
   host, mapped into the cell's user namespace by the cell (isolation.enter_namespaces).
   Nothing the grader owns is writable to it, even through a mount it could make
   writable, and it cannot ptrace or open /proc/N/mem of the cell's PID 1 (another uid).
   A grader run by an ordinary user cannot map any uid but its own (that takes a setuid
   helper such as newuidmap): its workers keep its uid, without any capability, behind
   read-only mounts they cannot change (step 2) and the syscall filter.
2. Enter a user namespace of our own with a mount and an IPC namespace: every mount the
   cell made is copied into a namespace owned by a less privileged user namespace, so
   the kernel locks its flags (read-only, nosuid, nodev, noexec) and its place: no
   capability in the new namespace can make a read-only bind writable again. The
   check's own /tmp/work and /dev/shm are mounted there, before step 3.
3. Drop every capability: effective, permitted, inheritable, ambient and bounding (the
   bounding set first, while we may: once we are the worker user we no longer can).
4. Non-dumpable: a sibling worker with the same uid cannot open our /proc/N/mem.
5. no_new_privs and the syscall filter (seccomp.py), last: irrevocable, and inherited
   by everything the student's code starts.
"""

from __future__ import annotations

import ctypes
import os
from typing import Callable

from grader.sandbox import isolation, seccomp

WORKER_UID, WORKER_GID = isolation.WORKER_UID, isolation.WORKER_GID  # "nobody"

_PR_SET_DUMPABLE = 4
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


class PrivilegeError(OSError):
    """A step a worker must take before student code runs failed: the worker stops."""


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def let_workers_read(path: str) -> None:
    """Make `path` (a file, or a folder and all in it) readable by the worker user: a
    grader running as root gives what it owns there to the worker group, with group
    read (and search, for folders). What it cannot change (a read-only mount) is left:
    the worker reads it if its mode lets anyone. A grader run by an ordinary user has
    nothing to do: its workers are that user."""
    if os.getuid() != 0:
        return
    targets = [(path, os.path.isdir(path))]
    if os.path.isdir(path):
        for folder, dirs, names in os.walk(path):
            targets += [(os.path.join(folder, d), True) for d in dirs]
            targets += [(os.path.join(folder, n), False) for n in names]
    for target, is_folder in targets:
        try:
            info = os.lstat(target)
            if info.st_uid == 0 and not os.path.islink(target):
                os.chown(target, -1, WORKER_GID)
                os.chmod(target, info.st_mode | (0o050 if is_folder else 0o040))
        except OSError:
            pass


def _read_last_capability() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as handle:
            return int(handle.read())
    except (OSError, ValueError):
        return 63


_LAST_CAPABILITY = _read_last_capability()  # the kernel's: the same for every worker


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def become_worker_user() -> None:
    """Root of the cell's namespace -> the worker user, for good (the saved ids too)."""
    os.setgroups([])
    os.setresgid(WORKER_GID, WORKER_GID, WORKER_GID)
    os.setresuid(WORKER_UID, WORKER_UID, WORKER_UID)


def enter_own_namespaces() -> None:
    """A user namespace of our own, mapping only who we are, with a mount namespace and an
    IPC namespace: the cell's mounts arrive here locked (step 2 above), and a SysV segment
    or message queue this check makes is gone with it."""
    libc = isolation.libc()
    uid, gid = os.getuid(), os.getgid()
    libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)  # our /proc/self/uid_map must stay ours to write
    if libc.unshare(isolation.CLONE_NEWUSER | isolation.CLONE_NEWNS | isolation.CLONE_NEWIPC) != 0:
        raise PrivilegeError(ctypes.get_errno(), "unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC)")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def _has_capabilities() -> bool:
    with open("/proc/self/status") as handle:
        return any(line.startswith("CapEff:") and int(line.split()[1], 16) for line in handle)


def drop_bounding_set() -> None:
    """Empty the bounding set (needs CAP_SETPCAP: done while we still hold it). A process
    that holds no capability at all (an ordinary user without namespaces) has nothing to
    bound: no_new_privs keeps it from gaining any."""
    if not _has_capabilities():
        return
    libc = isolation.libc()
    for capability in range(_LAST_CAPABILITY + 1):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0 and ctypes.get_errno() != 22:  # EINVAL: no such cap
            raise PrivilegeError(ctypes.get_errno(), f"dropping capability {capability} from the bounding set")


def drop_capabilities() -> None:
    """Effective, permitted, inheritable and ambient: none left."""
    libc = isolation.libc()
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise PrivilegeError(ctypes.get_errno(), "capset")


def give_up_everything(*, as_worker_user: bool, own_user_namespace: bool, syscall_filter: bool,
                       in_own_namespace: Callable[[], None] | None = None) -> None:
    """Steps 1-5, each where the cell said this machine allows it, or PrivilegeError: no
    student code may run in this process then. `in_own_namespace` runs in the worker's
    own namespaces while it still holds their capabilities (the check's working folder
    is mounted there: one mount namespace per worker, not two)."""
    if not own_user_namespace:
        drop_bounding_set()  # while we hold CAP_SETPCAP: becoming the worker user takes it
    if as_worker_user:
        become_worker_user()
    if own_user_namespace:
        enter_own_namespaces()
        if in_own_namespace is not None:
            in_own_namespace()
        drop_bounding_set()  # the namespace's own, full one (the one that counts from now on)
    drop_capabilities()
    libc = isolation.libc()
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    if syscall_filter:
        if not seccomp.install():
            raise PrivilegeError(ctypes.get_errno(), "installing the syscall filter")
    elif libc.prctl(seccomp.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise PrivilegeError(ctypes.get_errno(), "setting no_new_privs")
