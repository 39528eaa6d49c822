"""Show the fork hazard behind issue 9 part 4: OpenMP thread pools do not survive fork.

    python benchmarks/fork_threads.py [--threads 4] [--parent-work]

Forks a child from a process that has imported torch, sets the child's thread count
and runs parallel work in it, and prints whether the child finished within 20 s.
With --parent-work the parent first runs a parallel region itself, as a zygote must
never do: its OpenMP pool then exists in the child as threads that are not there, and
the child hangs with more than one thread (seen with the CPU build 2.13 and the CUDA
build 2.14.1 of torch). The sandbox sets the count once in the zygote before it forks
anything and runs no tensor work there; tests/sandbox/test_threads.py guards the result.
"""

from __future__ import annotations

import argparse
import os
import time

import torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--parent-work", action="store_true")
    args = parser.parse_args()
    print(f"torch {torch.__version__}; parent threads {torch.get_num_threads()}")
    if args.parent_work:
        torch.ones(1000, 1000) @ torch.ones(1000, 1000)
    pid = os.fork()
    if pid == 0:
        torch.set_num_threads(args.threads)
        x = torch.randn(2000, 2000)
        float((x @ x).sum())
        os._exit(0)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            print(f"child with {args.threads} threads finished")
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    print(f"child with {args.threads} threads HUNG (killed after 20 s)")


if __name__ == "__main__":
    main()
