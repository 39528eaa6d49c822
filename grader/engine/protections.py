"""Which of the sandbox's protections this machine gives, said to people, and required for a class.

A student checking their own work is told, once per report, what is missing. A class
is graded only with the essential ones (isolation.ESSENTIAL_PROTECTIONS): without
them one submission can reach the others', the grader's files or the machine, and
`grader grade` refuses unless the instructor says --insecure.
"""

from __future__ import annotations

from grader.errors import Unprotected
from grader.i18n import N_, tr
from grader.sandbox.client import Sandbox
from grader.sandbox.isolation import ESSENTIAL_PROTECTIONS, Protection

_PROTECTION_WORDS = {
    Protection.NETWORK: N_("network isolation (student code could open connections)"),
    Protection.FILESYSTEM: N_("an allow-listed file system (student code could read any file the grading user can, "
                     "such as other copies of the course, and where even a mount namespace is missing, the "
                     "reference solutions)"),
    Protection.PROCESSES: N_("process isolation (student code could see and signal other processes)"),
    Protection.PROCESS_COUNT: N_("a cap on the number of processes (a fork bomb is stopped only by the timeout)"),
    Protection.UNPRIVILEGED: N_("workers without privileges (student code could keep capabilities in its sandbox "
                       "and, with a grader run as root, act as root on the machine's files)"),
    Protection.SYSCALL_FILTER: N_("the system-call filter (student code could call mount, ptrace and other calls "
                         "an escape needs)"),
}


def missing_protections(sandbox: Sandbox) -> list[str]:
    """The ids of the protections this machine could not give (none known yet: none), as
    a report stores them."""
    if sandbox.protections is None:
        return []
    return [protection.value for protection in Protection if protection not in sandbox.protections]


def protection_notes(sandbox: Sandbox) -> list[str]:
    """One note per protection this machine could not give (said once per report)."""
    return notes_for(missing_protections(sandbox))


def notes_for(missing: list[str]) -> list[str]:
    """protection_notes for the ids a report stores (a report assembled without a sandbox)."""
    return [tr("not available on this machine: {protection}", protection=tr(_PROTECTION_WORDS[Protection(name)]))
            for name in missing]


def require_essential(missing: list[str]) -> None:
    """Unprotected, naming what is missing and what it exposes, if an essential one is.
    `missing`: ids, as a report stores them (a Dask worker's report among them)."""
    lacking = [protection for protection in ESSENTIAL_PROTECTIONS if protection.value in missing]
    if not lacking:
        return
    words = "; ".join(tr(_PROTECTION_WORDS[protection]) for protection in lacking)
    raise Unprotected(
        tr("this machine cannot sandbox student code well enough to grade a class; missing: {protections}",
           protections=words),
        hint=tr("run the grader where user namespaces and seccomp are allowed (a container started with "
                "--security-opt seccomp=unconfined, or a VM), or pass --insecure to grade anyway"),
        missing=[protection.value for protection in lacking],
    )
