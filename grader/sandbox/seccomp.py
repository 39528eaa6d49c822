"""The system-call filter every worker installs before student code runs (seccomp-BPF).

A deny-list, not an allow-list: torch, its BLAS and OpenMP runtimes, CUDA's driver and
whatever a student's installed package needs use a wide, version-dependent set of
calls, and a call missing from an allow-list would fail a correct submission on one
machine and not another. What is denied is what a student's code has no use for and
what an escape needs: the mount API old and new, namespaces (unshare, setns, clone with
a namespace flag), another process's memory (ptrace, process_vm_*, pidfd_getfd,
process_madvise), SysV IPC (per-worker IPC namespaces make it harmless; nothing in
the course needs it), keyrings, bpf, perf, userfaultfd, io_uring (its requests bypass
this filter), modules, kexec, and the machine-wide knobs (clock, swap, reboot,
hostname, quotas, accounting).

A denied call fails with EPERM, an ordinary OSError in Python. clone3 fails with ENOSYS:
its flags live in memory a filter cannot read, and glibc falls back to clone (whose
flags it can) when clone3 is missing. A call from another ABI (x32, or i386 through
int 0x80) is denied outright: its numbers differ and would slip past the list.

Linux's seccomp_data, which the filter reads:
    offset 0   int  nr        the system call number
    offset 4   u32  arch      AUDIT_ARCH_*
    offset 16  u64  args[6]   (the low 32 bits of args[0] at offset 16 on little-endian)
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os

from grader.sandbox import isolation

# Classic BPF opcodes (linux/filter.h, linux/bpf_common.h).
_LD_W_ABS = 0x00 | 0x00 | 0x20
_JMP_JEQ_K = 0x05 | 0x10 | 0x00
_JMP_JGE_K = 0x05 | 0x30 | 0x00
_JMP_JSET_K = 0x05 | 0x40 | 0x00
_RET_K = 0x06 | 0x00

_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000

PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_PR_GET_SECCOMP = 21
_SECCOMP_MODE_FILTER = 2

# Every namespace flag clone(2) accepts in its first argument.
_CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

# The denied calls, by name: numbers per architecture below.
DENIED = (
    # mounts, old API and new
    "mount", "umount2", "pivot_root", "chroot", "open_tree", "open_tree_attr", "move_mount", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr",
    # namespaces
    "unshare", "setns",
    # other processes' memory and file descriptors
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "process_madvise", "kcmp",
    # SysV IPC
    "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semctl", "semtimedop",
    "msgget", "msgsnd", "msgrcv", "msgctl",
    # kernel facilities an escape leans on
    "bpf", "perf_event_open", "add_key", "request_key", "keyctl", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "open_by_handle_at", "name_to_handle_at", "fanotify_init", "lookup_dcookie", "uselib",
    # the machine's own settings
    "swapon", "swapoff", "reboot", "acct", "quotactl", "quotactl_fd", "syslog", "settimeofday",
    "clock_settime", "adjtimex", "clock_adjtime", "vhangup", "sethostname", "setdomainname",
    "iopl", "ioperm",
)

# From the kernel's unistd_64.h (x86-64) and asm-generic/unistd.h (arm64).
_X86_64 = {
    "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "open_tree": 428, "open_tree_attr": 467,
    "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
    "unshare": 272, "setns": 308, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
    "pidfd_getfd": 438, "process_madvise": 440, "kcmp": 312, "shmget": 29, "shmat": 30, "shmctl": 31,
    "shmdt": 67, "semget": 64, "semop": 65, "semctl": 66, "semtimedop": 220, "msgget": 68, "msgsnd": 69,
    "msgrcv": 70, "msgctl": 71, "bpf": 321, "perf_event_open": 298, "add_key": 248, "request_key": 249,
    "keyctl": 250, "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "kexec_load": 246, "kexec_file_load": 320, "open_by_handle_at": 304, "name_to_handle_at": 303,
    "fanotify_init": 300, "lookup_dcookie": 212, "uselib": 134, "swapon": 167, "swapoff": 168,
    "reboot": 169, "acct": 163, "quotactl": 179, "quotactl_fd": 443, "syslog": 103, "settimeofday": 164,
    "clock_settime": 227, "adjtimex": 159, "clock_adjtime": 305, "vhangup": 153, "sethostname": 170,
    "setdomainname": 171, "iopl": 172, "ioperm": 173,
    "clone": 56, "clone3": 435,
}
_AARCH64 = {
    "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "open_tree": 428, "open_tree_attr": 467,
    "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
    "unshare": 97, "setns": 268, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
    "pidfd_getfd": 438, "process_madvise": 440, "kcmp": 272, "shmget": 194, "shmat": 196, "shmctl": 195,
    "shmdt": 197, "semget": 190, "semop": 193, "semctl": 191, "semtimedop": 192, "msgget": 186,
    "msgsnd": 189, "msgrcv": 188, "msgctl": 187, "bpf": 280, "perf_event_open": 241, "add_key": 217,
    "request_key": 218, "keyctl": 219, "userfaultfd": 282, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "init_module": 105, "finit_module": 273, "delete_module": 106,
    "kexec_load": 104, "kexec_file_load": 294, "open_by_handle_at": 265, "name_to_handle_at": 264,
    "fanotify_init": 262, "lookup_dcookie": 18, "swapon": 224, "swapoff": 225, "reboot": 142, "acct": 89,
    "quotactl": 60, "quotactl_fd": 443, "syslog": 116, "settimeofday": 170, "clock_settime": 112,
    "adjtimex": 171, "clock_adjtime": 266, "vhangup": 58, "sethostname": 161, "setdomainname": 162,
    "clone": 220, "clone3": 435,
}
# machine -> (AUDIT_ARCH value, numbers, the first number of a foreign ABI sharing the arch)
_ARCHES = {
    "x86_64": (0xC000003E, _X86_64, 0x40000000),  # x32 calls carry __X32_SYSCALL_BIT
    "aarch64": (0xC00000B7, _AARCH64, None),
}


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def supported() -> bool:
    """Whether this machine's architecture is one we have numbers for, and its kernel filters."""
    if os.uname().machine not in _ARCHES:
        return False
    if isolation.libc().prctl(_PR_GET_SECCOMP, 0, 0, 0, 0) < 0:
        return False
    _compiled()  # now, in the cell: every worker forked from it inherits the filter ready-made
    return True


def program() -> list[tuple[int, int, int, int]]:
    """This machine's filter as (code, jt, jf, k) instructions."""
    arch, numbers, foreign_from = _ARCHES[os.uname().machine]
    eperm = _RET_ERRNO | errno.EPERM
    body: list[tuple[int, int, int, int]] = []
    for name in DENIED:
        if name in numbers:
            body += [(_JMP_JEQ_K, 0, 1, numbers[name]), (_RET_K, 0, 0, eperm)]
    body += [(_JMP_JEQ_K, 0, 1, numbers["clone3"]), (_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS)]
    # clone with a namespace flag: load args[0]'s low word (the flags) and test them.
    body += [
        (_JMP_JEQ_K, 0, 3, numbers["clone"]),
        (_LD_W_ABS, 0, 0, 16),
        (_JMP_JSET_K, 0, 1, _CLONE_NAMESPACE_FLAGS),
        (_RET_K, 0, 0, eperm),
        (_RET_K, 0, 0, _RET_ALLOW),
    ]
    head = [(_LD_W_ABS, 0, 0, 4), (_JMP_JEQ_K, 1, 0, arch), (_RET_K, 0, 0, eperm), (_LD_W_ABS, 0, 0, 0)]
    if foreign_from is not None:
        head += [(_JMP_JGE_K, 0, 1, foreign_from), (_RET_K, 0, 0, eperm)]
    return head + body


@functools.cache
def _compiled() -> tuple[ctypes.Array[_Instruction], _Program]:
    """This machine's filter as the kernel takes it: built once per process (the zygote's,
    where its workers inherit it), not once per worker."""
    instructions = program()
    array = (_Instruction * len(instructions))(*(_Instruction(*i) for i in instructions))
    return array, _Program(len(instructions), array)


def install() -> bool:
    """Set no_new_privs and install the filter on this (single-threaded) process; inherited
    by everything it starts, and irrevocable. False where the kernel refused."""
    _array, prog = _compiled()
    libc = isolation.libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0
