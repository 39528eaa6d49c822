"""What a worker's reply costs the grading process: time and peak memory (issue 20).

    python benchmarks/bench_reply.py

A submission's function returns a float tensor of the given size. Over the check's
reply budget (`reply_mb`, 16 MiB unless an exercise asks for more, at most 128) the
reply (as sent: tensors travel base64-encoded, a third larger) is refused before a byte
of it is read; within it, it is read and decoded. Prints
the wall time of the call and how far the grading process's peak resident memory
(ru_maxrss) rose above its baseline. The target: under 1 GiB above the baseline, whatever
a submission sends.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.engine.student import StudentCode  # noqa: E402
from grader.models.manifest import CheckLimits  # noqa: E402
from grader.sandbox.client import Sandbox  # noqa: E402
from grader.sandbox.outcomes import StudentCodeError  # noqa: E402

SOURCE = "import torch\n\ndef send(mib):\n    return torch.ones(int(mib * 1024 * 1024 // 4))\n"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, Sandbox(threads=1) as box:
        path = Path(folder) / "exercise_01.py"
        path.write_text(SOURCE)

        def call(mib: float, reply_mb: int) -> str:
            code = StudentCode(box, path, "exercise_01", CheckLimits(timeout_s=120, memory_mb=8192, reply_mb=reply_mb))
            started = time.perf_counter()
            try:
                value = code.call("send", mib)
                outcome = f"read, {value.numel() * 4 / 2**20:.0f} MiB tensor"
            except StudentCodeError as exc:
                outcome = f"refused: {str(exc)[:70]}"
            finally:
                code.close()
            return f"{time.perf_counter() - started:6.2f} s  {outcome}"

        call(0.001, 16)
        baseline = peak_mib()
        print(f"grading process baseline peak RSS: {baseline:.0f} MiB")
        for mib, budget in ((8, 16), (90, 128), (480, 16), (480, 128)):
            told = call(mib, budget)
            print(f"reply of {mib:4} MiB, reply_mb={budget:3}: {told}; peak RSS +{peak_mib() - baseline:.0f} MiB")


if __name__ == "__main__":
    main()
