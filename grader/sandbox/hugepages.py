"""Cheaper forks for a long-lived zygote: its anonymous memory folded into huge pages.

A fork copies one page-table entry for every 4 KiB page of anonymous memory, and the
child's exit drops them all again. A zygote holding torch has ~200 MB of it, about
50,000 entries, paid twice per check (the cell forks each check's worker; benchmarks
showed half of a batch's CPU in the kernel). Folded into 2 MiB pages, the same memory
is ~100 entries. MADV_COLLAPSE (Linux 6.1+) does the folding at once, whatever the
machine's transparent-huge-page setting; elsewhere it is refused and nothing changes.

A page that a process writes after a fork is split back into small pages, in that
process only: what stays folded is what the zygote and its cells never touch again,
which is most of torch. Folding costs about half a second once, so only a zygote that
will open many cells (a batch) does it, after opening its first.
"""

from __future__ import annotations

import ctypes
import sys

_MADV_COLLAPSE = 25
_HUGE = 2 << 20


def _anonymous_ranges() -> list[tuple[int, int]]:
    """The private writable memory not backed by a file (the heap and anonymous maps),
    each cut to whole huge pages."""
    ranges = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) > 5 and fields[5] != "[heap]":
                continue  # a file, the stack, vdso...
            if not fields[1].startswith("rw") or fields[1][3] != "p":
                continue
            low, high = (int(address, 16) for address in fields[0].split("-"))
            low = (low + _HUGE - 1) & ~(_HUGE - 1)
            high &= ~(_HUGE - 1)
            if high > low:
                ranges.append((low, high))
    return ranges


def collapse_anonymous_memory() -> int:
    """Fold this process's anonymous memory into huge pages, where the kernel can; the
    number of bytes folded (0 where MADV_COLLAPSE does not exist)."""
    if not sys.platform.startswith("linux"):
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    folded = 0
    try:
        ranges = _anonymous_ranges()
    except OSError:
        return 0
    for low, high in ranges:
        # Refused (EINVAL: an older kernel, or a thread's stack marked no-huge-pages by
        # glibc; EAGAIN, ENOMEM): that range stays in small pages, which is only slower.
        if libc.madvise(low, high - low, _MADV_COLLAPSE) == 0:
            folded += high - low
    return folded
