#!/usr/bin/env bash
# The GPU confirmation, as one short run on a lent machine (prepared by
# benchmarks/gpu_prepare.sh; device run with carry [".gpu"], timeout_s 540):
#   1. the machine: GPU, Python, torch, CUDA;
#   2. exercise 05's tests on a machine with CUDA (every device mistake named with the
#      CPU's message and points; get_device in the CUDA world; real MNIST on the GPU);
#   3. `grader check 05` of the reference solution on real MNIST: 16/16;
#   4. benchmarks/gpu_class.py: a class of device mistakes through `grader grade --jobs 2`,
#      every student's points equal to a CPU's (docs/course.md, "One score on every machine").
# Everything it prints also goes to $OUT/gpu_check.log.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu_check.log") 2>&1
export PYTHONUNBUFFERED=1 GRADER_DATA_DIR="$PWD/.gpu/mnist" GRADER_LANG=en
status=0
step() { echo; echo "== $*"; }

step "machine"
nvidia-smi -L || true
PY=${GPU_CHECK_PY:-}  # set: an interpreter that has everything already (a dry run on a CPU machine)
if [ -z "$PY" ]; then
  # The image's python3 is itself a venv holding torch: a venv made from it would not see
  # its packages. The missing ones go to a folder of their own, on PYTHONPATH with this
  # checkout (the sandbox's side needs only torch and the standard library).
  PY=python3
  $PY -m pip install --quiet --no-index --find-links .gpu/wheels --target /tmp/grader-deps \
    "pydantic>=2.6,<3" "nbformat>=5.9" "packaging>=23"
  export PYTHONPATH="$PWD:/tmp/grader-deps"
fi
$PY -c "import sys, torch; print(sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.cuda.is_available(),
torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"

step "exercise 05's tests with CUDA present"
timeout 240 $PY -m pytest -q -p no:cacheprovider -n 0 tests/exercises/test_exercise_05.py || status=1

step "grader check 05 (reference solution, real MNIST)"
timeout 120 $PY -m grader --no-color check 05 --submission solutions --data-dir .gpu/mnist \
  --format json --output "$OUT/check05.json" || status=1
$PY -c "import json; r = json.load(open('$OUT/check05.json')); print('check 05:', r['points_earned'], '/', r['points_possible'])"

step "a class of device mistakes through grader grade --jobs 2"
timeout 200 $PY benchmarks/gpu_class.py --data-dir .gpu/mnist --jobs 2 || status=1

step "done: status $status"
exit $status
