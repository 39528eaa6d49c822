"""Linux isolation primitives for a cell and its workers: namespaces, mounts, cgroups, staging.

What we can get without asking the user for anything, in order:
  * namespaces (unshare): network (no network), mount, PID (the child cannot see or
    signal the grader; every process it starts dies with it), IPC, UTS, inside a user
    namespace where the kernel allows one (root included: enter_namespaces says why);
    directly where it refuses one to root. rootfs.py builds the allow-listed
    root from the mount primitives here; `hide` and `make_everything_read_only` are the
    fallback where no such root can be built.
  * a pids cgroup (v1 or v2, where writable) capping the processes of a cell.
Whatever is not available is reported back as missing, once, by the grading process;
the rlimits in worker.py apply everywhere.
"""

from __future__ import annotations

import ctypes
import os
from enum import Enum
from pathlib import Path
from typing import Callable

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

# The user a worker becomes when the grader runs as root: "nobody", who owns nothing of
# the grader's. The cell maps it into its user namespace; privileges.py switches to it.
WORKER_UID = 65534
WORKER_GID = 65534


class Protection(str, Enum):
    """What a cell can give student code, each where the machine allows it (CellReady
    carries their values; docs/security.md says what each needs)."""

    NETWORK = "network"  # no network: a network namespace
    FILESYSTEM = "filesystem"  # the allow-listed root (rootfs.py)
    PROCESSES = "processes"  # a PID namespace with its own /proc
    PROCESS_COUNT = "process-count"  # a pids cgroup
    UNPRIVILEGED = "unprivileged"  # workers without capabilities, not root on the host (privileges.py)
    SYSCALL_FILTER = "syscall-filter"  # the seccomp filter (seccomp.py)


# Without these a class is not graded (`grader grade` refuses unless --insecure): each
# missing one lets a submission reach another's work, the grader, or the machine.
# process-count (a pids cgroup) is often closed to a container; the timeout still
# stops a fork bomb.
ESSENTIAL_PROTECTIONS = (Protection.NETWORK, Protection.FILESYSTEM, Protection.PROCESSES, Protection.UNPRIVILEGED,
                         Protection.SYSCALL_FILTER)

_libc: ctypes.CDLL | None = None


def libc() -> ctypes.CDLL:
    global _libc  # a handle to libc, loaded once per process: not mutable state
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def unshare(flags: int) -> bool:
    return libc().unshare(flags) == 0


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> bool:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    return libc().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) == 0


def _write(path: str, text: str) -> bool:
    try:
        with open(path, "w") as handle:
            handle.write(text)
        return True
    except OSError:
        return False


def enter_namespaces() -> set[str]:
    """Unshare what we can; returns {'network', 'mount', 'pid'} for what succeeded, with
    'user' for a user namespace and 'worker-user' where it maps WORKER_UID.

    Always inside a new user namespace where the kernel allows it, root included: a
    grader running as root (CI, containers) would otherwise run student code as real
    root, whose capabilities (mknod, mounting a disk) reach past any mount namespace.
    Inside, we map ourselves to ourselves (files keep their owners, so the cell can
    build its root), and, when we are root, the worker user too: a second id only a
    process outside the namespace may map, so a helper forked before the unshare
    writes the maps (as newuidmap does).
    """
    uid, gid = os.getuid(), os.getgid()
    attempts = [
        (CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS, {"mount", "network", "pid"}),
        (CLONE_NEWNS | CLONE_NEWNET, {"mount", "network"}),
        (CLONE_NEWNET, {"network"}),
    ]
    for flags, gained in attempts:
        if uid == 0:
            if _unshare_mapping_worker_user(flags | CLONE_NEWUSER):
                return gained | {"user", "worker-user"}
        elif unshare(flags | CLONE_NEWUSER):
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
            return gained | {"user"}
    if uid == 0:  # no user namespaces: real root, which can still become the worker user
        for flags, gained in attempts:
            if unshare(flags):
                return gained | {"worker-user"}
        return {"worker-user"}
    return set()


def _unshare_mapping_worker_user(flags: int) -> bool:
    """unshare(flags), a new user namespace among them, with root and the worker user
    mapped to themselves by a helper that stays outside. False if nothing was unshared;
    OSError if it was but the helper could not map it (the cell then fails to build)."""
    go_read, go_write = os.pipe()
    helper = os.fork()
    if helper == 0:
        os.close(go_write)
        ok = os.read(go_read, 1) == b"1"
        parent = os.getppid()
        ok = ok and _write(f"/proc/{parent}/uid_map", f"0 0 1\n{WORKER_UID} {WORKER_UID} 1\n")
        ok = ok and _write(f"/proc/{parent}/gid_map", f"0 0 1\n{WORKER_GID} {WORKER_GID} 1\n")
        os._exit(0 if ok else 1)
    os.close(go_read)
    unshared = unshare(flags)
    os.write(go_write, b"1" if unshared else b"0")
    os.close(go_write)
    _, status = os.waitpid(helper, 0)
    if unshared and not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        # Inside a namespace that maps no one: nothing here could work, and trying fewer
        # flags would nest another namespace inside it.
        raise OSError("the cell's user namespace could not be mapped")
    return unshared


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


_SYS_MOUNT_SETATTR = 442  # the same number on x86-64 and arm64
_AT_FDCWD = -100
_AT_RECURSIVE = 0x8000
_MOUNT_ATTR_RDONLY = 0x1
_MOUNT_ATTR_NOSUID = 0x2


def _set_read_only_recursively(path: str) -> bool:
    """mount_setattr (Linux 5.12+): read-only and nosuid, the mount and all below it."""
    attr = _MountAttr(_MOUNT_ATTR_RDONLY | _MOUNT_ATTR_NOSUID, 0, 0, 0)
    result = libc().syscall(
        ctypes.c_long(_SYS_MOUNT_SETATTR), ctypes.c_int(_AT_FDCWD), path.encode(),
        ctypes.c_uint(_AT_RECURSIVE), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
    )
    return result == 0


def make_everything_read_only() -> bool:
    """Every mount read-only, recursively (Linux 5.12+); /tmp and /dev/shm come back as tmpfs."""
    return _set_read_only_recursively("/")


def bind_read_only(source: str, target: str) -> bool:
    """Bind `source` (and the mounts below it) at `target`, read-only.

    mount_setattr only adds flags; the remount fallback must repeat the flags the
    source mount already has (nodev, noexec...), or a user namespace refuses it.
    """
    if not _mount(source, target, None, MS_BIND | MS_REC):
        return False
    if _set_read_only_recursively(target):
        return True
    kept = os.statvfs(target).f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC)
    return _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | kept)


def mount_tmpfs(path: str, size_mb: int, mode: str = "0755") -> bool:
    return _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size_mb}m,mode={mode}")


def remount_read_only(path: str) -> bool:
    """A tmpfs we mounted ourselves, read-only from now on (its mounts stay as they are)."""
    return _mount(None, path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(os.uname().machine)
_MNT_DETACH = 2


def pivot_into(new_root: str) -> bool:
    """Make `new_root` the root of this mount namespace and drop the old one entirely.

    pivot_root(".", ".") stacks the old root on top of the new one; detaching it then
    leaves nothing of the host's tree reachable (the trick runc uses).
    """
    if _SYS_PIVOT_ROOT is None:
        return False
    os.chdir(new_root)
    if libc().syscall(ctypes.c_long(_SYS_PIVOT_ROOT), b".", b".") != 0:
        return False
    if libc().umount2(b".", ctypes.c_int(_MNT_DETACH)) != 0:
        return False
    os.chdir("/")
    return True


def private_tmp(size_mb: int, keep: list[str]) -> bool:
    """A fresh, size-limited /tmp (and /dev/shm): nothing of the host's /tmp is visible.

    `keep` lists paths under /tmp that must stay readable (data files prepared for
    the checks); each is bound back read-only at the same place.
    """
    handles = []
    for path in keep:
        try:
            handles.append((path, os.open(path, os.O_PATH)))
        except OSError:
            pass
    if not _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={size_mb}m,mode=1777"):
        return False
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777")
    for path, fd in handles:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "a").close()
        make_read_only_from(f"/proc/self/fd/{fd}", path)
        os.close(fd)
    return True


def make_read_only_from(source: str, target: str) -> bool:
    return _mount(source, target, None, MS_BIND | MS_REC) and _mount(
        None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
    )


def make_mounts_private() -> bool:
    return _mount(None, "/", None, MS_REC | MS_PRIVATE)


def mount_workdir(path: str, size_mb: int) -> bool:
    """A tmpfs of bounded size as the working folder: a full disk there stops at size_mb."""
    return _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size_mb}m,mode=0700")


def hide(path: str) -> bool:
    """Cover a folder with an empty read-only tmpfs, or a file with /dev/null."""
    if os.path.isdir(path):
        return _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555")
    if os.path.exists(path):
        return _mount("/dev/null", path, None, MS_BIND)
    return True


def make_read_only(path: str) -> bool:
    """The fallback where mount_setattr is missing: one path read-only, in place."""
    return not os.path.exists(path) or make_read_only_from(path, path)


def mount_proc_at(path: str = "/proc") -> bool:
    """In a new PID namespace: a /proc that shows only our own processes."""
    return _mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


# -- the pids cgroup -------------------------------------------------------------------

_CGROUP_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup")


def _cgroup_base() -> str:
    for root in _CGROUP_ROOTS:
        if os.path.exists(os.path.join(root, "cgroup.procs")) and os.access(root, os.W_OK):
            if root == "/sys/fs/cgroup" and not os.path.exists(os.path.join(root, "pids.max")) and not os.path.exists(os.path.join(root, "cgroup.subtree_control")):
                continue
            return root
    return ""


def join_pids_cgroup(tmp_root: str, max_pids: int) -> bool:
    """Put this process in a fresh cgroup with pids.max; False where cgroups are not writable."""
    base = _cgroup_base()
    if not base:
        return False
    group = Path(base) / f"{Path(tmp_root).name}-w{os.getpid()}"
    try:
        group.mkdir(exist_ok=True)
        (group / "pids.max").write_text(str(max_pids))
        (group / "cgroup.procs").write_text(str(os.getpid()))
        return True
    except OSError:
        return False


def remove_pids_cgroup(tmp_root: str, pid: int) -> bool:
    """Kill whatever is left in a cell's cgroup and try once to remove it. False while
    it cannot be removed yet: killed processes stay in it until they have exited (EBUSY).
    Called by the zygote, which tries again later."""
    base = _cgroup_base()
    if not base:
        return True
    group = Path(base) / f"{Path(tmp_root).name}-w{pid}"
    if not group.exists():
        return True
    for _ in range(50):
        try:
            pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
        except OSError:
            return not group.exists()
        if not pids:
            break
        for leftover in pids:
            try:
                os.kill(leftover, 9)
            except OSError:
                pass
    try:
        group.rmdir()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


# -- staging the submission ------------------------------------------------------------

MAX_STAGED_BYTES = 64 * 1024 * 1024
MAX_STAGED_FILES = 2000
TOO_LARGE = "the submission folder is too large; some files were left out"  # the note read_submission gives
_SKIPPED_DIRS = {".git", "__pycache__", ".ipynb_checkpoints", ".venv", "node_modules"}


def read_submission(source: Path, note: Callable[[str], None]) -> list[tuple[Path, bytes]]:
    """Read the submission's regular files (relative path, content) into memory.

    Read before the mounts change, because the submission may live where the child
    will see nothing (under /tmp, or in the hidden solutions folder). Links that lead
    outside the submission are not followed (a link to the reference solution must
    not be graded as the student's work); size and count are capped.
    """
    root = source.resolve()
    found: list[tuple[Path, bytes]] = []
    total = files = 0
    for folder, dirs, names in os.walk(source, followlinks=False):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS and not os.path.islink(os.path.join(folder, d))]
        for name in names:
            path = Path(folder) / name
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                note(f"{path.relative_to(source)}: a broken link, skipped")
                continue
            if not real.is_relative_to(root) or not real.is_file():
                note(f"{path.relative_to(source)}: links outside the submission folder, not used")
                continue
            size = real.stat().st_size
            if total + size > MAX_STAGED_BYTES or files >= MAX_STAGED_FILES:
                note(TOO_LARGE)
                return found
            found.append((path.relative_to(source), real.read_bytes()))
            total += size
            files += 1
    return found


def write_submission(files: list[tuple[Path, bytes]], dest: Path) -> None:
    for relative, content in files:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
