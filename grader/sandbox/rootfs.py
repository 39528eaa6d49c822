"""The file system student code sees: an allow-list, built once per cell.

A fresh tmpfs becomes the root. Into it go read-only binds of only what the
interpreter, torch and the engine's sandbox code need, the data files a check
exposes, and nothing else: no home folders, no /srv or /opt beyond the runtime, no
/run (sockets), no course folder, no other checkout. An editable install puts the
engine's repository on sys.path: only its `grader` package folder is bound.

    /                      tmpfs, read-only once built
    <interpreter prefix>   the venv's and the base interpreter's (their whole prefix
                           unless it is a system one such as /usr, then their library dirs)
    <site-packages>        every sys.path entry of the zygote, but the repository
                           (a wheel install's site-packages is bound whole)
    <grader package>       this package's folder, never its repository
    /lib*, /usr/lib*, ...  the shared library folders (ld.so.conf, LD_LIBRARY_PATH)
    /bin, /usr/bin         the runtime's programs (a student's subprocess)
    /etc                   ld.so.cache, localtime, and a passwd/group naming only us
    /dev                   null, zero, full, random, urandom, the NVIDIA nodes if any
    /proc                  the cell's own (its PID namespace)
    /sys                   only where NVIDIA devices exist (the driver reads it)
    /tmp                   empty, but for the exposed data; each check mounts its own
                           writable /tmp/work (and /dev/shm)
Paths in `hide` (solutions, checks, the batch's folders) are covered again if an
allowed path happens to hold them (a course installed in site-packages).
"""

from __future__ import annotations

import glob
import os
import sys
import sysconfig
from pathlib import Path

from grader.sandbox import isolation, privileges

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the grader package folder
_SYSTEM_PREFIXES = {"/", "/usr", "/usr/local"}
_LIBRARY_DIRS = ("/lib", "/lib32", "/lib64", "/libx32", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/local/lib")
_PROGRAM_DIRS = ("/bin", "/usr/bin")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime")
_DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
WORK = "/tmp/work"  # each check's own writable folder


def _ld_so_conf_dirs(conf: str = "/etc/ld.so.conf", seen: set[str] | None = None) -> list[str]:
    """Library folders named by ld.so.conf and the files it includes (CUDA drivers add theirs)."""
    seen = seen if seen is not None else set()
    if conf in seen:
        return []
    seen.add(conf)
    found: list[str] = []
    try:
        lines = Path(conf).read_text(errors="replace").splitlines()
    except OSError:
        return found
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line.startswith("include "):
            for included in sorted(glob.glob(line.split(None, 1)[1])):
                found += _ld_so_conf_dirs(included, seen)
        elif line.startswith("/"):
            found.append(line)
    return found


def _is_inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _installed_package_folders() -> set[str]:
    """The folders installed packages live in (site-packages), however the engine came."""
    folders = {sysconfig.get_paths()[name] for name in ("purelib", "platlib")}
    try:
        import site

        folders.update(site.getsitepackages())
        folders.add(site.getusersitepackages())
    except (AttributeError, ImportError):  # an embedded interpreter without site
        pass
    return {os.path.realpath(folder) for folder in folders if folder}


def source_checkout() -> str | None:
    """The engine's repository when it runs from one (an editable install, a checkout on
    sys.path): bound no further than its `grader` folder. None for an install from the
    wheel, whose parent is site-packages: that is bound whole, as every package in it
    (nbformat, or whatever a student's file imports) may be needed."""
    parent = os.path.realpath(PACKAGE_DIR.parent)
    return None if parent in _installed_package_folders() else str(PACKAGE_DIR.parent)


def runtime_paths() -> list[str]:
    """What the interpreter, torch and the sandbox code need: absolute host paths."""
    repository = source_checkout()

    def holds_no_repository(path: str) -> bool:  # never / or the repository's own folder
        return repository is None or not _is_inside(repository, path)

    wanted: list[str] = [str(PACKAGE_DIR)]
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        if os.path.realpath(prefix) not in _SYSTEM_PREFIXES:
            wanted.append(prefix)
    for scheme_path in ("stdlib", "platstdlib", "purelib", "platlib"):
        wanted.append(sysconfig.get_paths()[scheme_path])
    for entry in sys.path:
        # Never an entry that holds the repository (an editable install's, or /).
        if entry and os.path.isabs(entry) and holds_no_repository(entry):
            wanted.append(entry)
    wanted += [sys.executable, os.path.realpath(sys.executable)]
    wanted += [*_LIBRARY_DIRS, *_ld_so_conf_dirs(), *os.environ.get("LD_LIBRARY_PATH", "").split(":")]
    wanted += [*_PROGRAM_DIRS, *_ETC_FILES]
    return _outermost(
        p for p in wanted
        if p and os.path.isabs(p) and os.path.exists(p) and holds_no_repository(os.path.normpath(p))
    )


def _outermost(paths: object) -> list[str]:
    """Each path once, leaving out those inside another (bound with it)."""
    kept: list[str] = []
    for path in sorted({os.path.normpath(p) for p in paths}, key=lambda p: (p.count("/"), p)):  # type: ignore[attr-defined]
        if not any(_is_inside(path, outer) for outer in kept):
            kept.append(path)
    return kept


def nvidia_devices() -> list[str]:
    return sorted(glob.glob("/dev/nvidia*"))


def _mount_point(root: str, path: str, like: str) -> str:
    """Create `root + path` as an empty folder or file (as `like` is on the host)."""
    target = root + path
    if os.path.isdir(like):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "a").close()
    return target


def _bind(root: str, path: str) -> bool:
    """Bind the host's `path` read-only at the same path under `root`. A link is bound as
    what it leads to (a merged /lib -> usr/lib simply appears twice)."""
    if not os.path.exists(path):
        return True
    return isolation.bind_read_only(path, _mount_point(root, path, path))


def _write_etc(root: str) -> None:
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:  # workers become the worker user (privileges.py)
        uid, gid = privileges.WORKER_UID, privileges.WORKER_GID
    os.makedirs(f"{root}/etc", exist_ok=True)
    # getpass.getuser() and a few libraries look the user up; name no one else.
    Path(f"{root}/etc/passwd").write_text(f"student:x:{uid}:{gid}:student:{WORK}:/bin/sh\n")
    Path(f"{root}/etc/group").write_text(f"student:x:{gid}:\n")


def _make_dev(root: str, gpu: list[str]) -> bool:
    os.makedirs(f"{root}/dev/shm", exist_ok=True)
    ok = all(_bind(root, node) for node in (*_DEVICES, *gpu))
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    return ok


def build(root: str, expose: tuple[str, ...], hide: tuple[str, ...]) -> bool:
    """Build the allow-listed tree at `root` (a folder in our own mount namespace, in
    our own PID namespace) and pivot into it. False if any step failed: the caller then
    falls back to the host's tree with the deny-list."""
    if not isolation.mount_tmpfs(root, 16):
        return False
    gpu = nvidia_devices()
    ok = all(_bind(root, path) for path in runtime_paths())
    _write_etc(root)
    ok = ok and _make_dev(root, gpu)
    os.makedirs(f"{root}/proc", exist_ok=True)
    ok = ok and isolation.mount_proc_at(f"{root}/proc")
    if gpu:
        ok = ok and _bind(root, "/sys")
    os.makedirs(f"{root}/tmp", mode=0o1777, exist_ok=True)
    os.chmod(f"{root}/tmp", 0o1777)
    os.makedirs(f"{root}{WORK}", exist_ok=True)
    ok = ok and all(_bind(root, path) for path in expose)
    ok = ok and all(isolation.hide(root + path) for path in hide if os.path.lexists(root + path))
    return ok and isolation.pivot_into(root) and isolation.remount_read_only("/")


def visible_roots() -> set[str]:
    """The top-level names of the tree student code would see (for tests and reports)."""
    return {p.split("/")[1] for p in (*runtime_paths(), "/dev", "/proc", "/tmp", "/etc")}
