"""The autograder.py Classroom 50's runner runs, as text (filled by grader/release/classroom50.py).

Stdlib only: it runs before the engine is installed. Markers @@NAME@@ are replaced.
"""

from __future__ import annotations

AUTOGRADER = '''#!/usr/bin/env python3
"""Classroom 50 autograder for the assignment @@ASSIGNMENT@@ (@@EXERCISES@@).

Written by `grader autograder classroom50` (grader @@GRADER_VERSION@@); regenerate it
rather than editing it. Classroom 50's runner runs it once per submission with the
student's checkout as the working directory. It

1. uses the grading engine this interpreter already has (a self-hosted runner's image,
   a test) when `import grader.version` works, else installs the pinned CPU build of
   torch and the engine named in assignment.json (set GRADER_AUTOGRADER_INSTALL=always
   to install regardless);
2. runs the course's checks (course/ beside this file: the public checks and recorded
   reference values of a `grader release` kit, never the solutions) on the student's
   exercise files: `grader check EXERCISE... --course course/ --format classroom50`;
3. leaves ./result.json (schema classroom50/result/v1) and exits 0; a non-zero exit is
   an infrastructure error, which the runner reports as status=error.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = json.loads((HERE / "assignment.json").read_text(encoding="utf-8"))
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def engine_installed():
    if os.environ.get("GRADER_AUTOGRADER_INSTALL") == "always":
        return False
    probe = [sys.executable, "-c", "import grader.version; print(grader.version.__version__)"]
    found = subprocess.run(probe, capture_output=True, text=True, check=False)
    if found.returncode == 0:
        print("grader " + found.stdout.strip() + " is installed: using it", flush=True)
    return found.returncode == 0


def install_engine():
    engine = CONFIG["engine"]
    if engine.startswith("./wheels/"):
        engine = str(HERE / engine)
    constraints = HERE / "constraints.txt"
    constraints.write_text("torch==" + CONFIG["torch"] + "\\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # The CPU index: the default torch on Linux is a multi-GB CUDA build.
    subprocess.run(pip + ["-c", str(constraints), "--index-url", CPU_INDEX, "torch"], check=True)
    subprocess.run(pip + ["-c", str(constraints), engine], check=True)


def committer_date():
    """The graded commit's committer date: result.json's `datetime`."""
    shown = subprocess.run(["git", "log", "-1", "--format=%cI", "HEAD"], capture_output=True, text=True,
                           check=False)
    return shown.stdout.strip() if shown.returncode == 0 else ""


def main():
    if not engine_installed():
        install_engine()
    result = Path("result.json")
    if result.exists():
        result.unlink()  # a student's own result.json must not stand in for the grade
    env = dict(os.environ, GRADER_SUBMITTED_AT=committer_date())
    command = [sys.executable, "-m", "grader", "--no-color", "check", *CONFIG["exercises"],
               "--course", str(HERE / "course"), "--format", "classroom50", "--output", str(result)]
    finished = subprocess.run(command, env=env, check=False)
    if finished.returncode != 0 or not result.is_file():
        print("::error::grader check did not finish (exit status " + str(finished.returncode) + ")",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''
