"""The environment a child gets: an allow-list, so tokens and secrets never reach student code."""

from __future__ import annotations

import os

# Only what Python, torch and the BLAS libraries need to behave; nothing that names
# credentials, CI tokens or the grader's own output paths.
_ALLOWED = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "LD_LIBRARY_PATH",
    "CUDA_VISIBLE_DEVICES",
    # The thread policy (grader/cores): the zygote's libgomp must wait as the grading
    # process's does, which decides each training's threads knowing how they will wait.
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OMP_WAIT_POLICY",
    "GOMP_SPINCOUNT",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
)


def child_environment(home: str, threads: int | None = None) -> dict[str, str]:
    """`threads`: torch's thread count in the child, read once when it imports torch (the
    zygote's way to set it without making a thread pool: zygote.py says why)."""
    env = {name: os.environ[name] for name in _ALLOWED if name in os.environ}
    if threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads)
    env["HOME"] = home
    env["TMPDIR"] = home
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    return env
