#!/usr/bin/env bash
# Ready what benchmarks/gpu_check.sh needs on a lent GPU machine, which reaches nothing
# outside itself: its image has Python 3.12 with torch (CUDA), pytest and rich, but not
# pydantic or nbformat. Run here (with network to PyPI and MNIST beside the checkout);
# it fills .gpu/ (git-ignored, ~32 MB): wheels for what the image lacks, and MNIST.
# Then: device run, command "bash benchmarks/gpu_check.sh", carry [".gpu"].
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
PYVER=${PYVER:-3.12}  # the GPU image's Python (another only for a dry run elsewhere)
MNIST=${MNIST:-../shared/data/mnist}
rm -rf .gpu && mkdir -p .gpu/wheels .gpu/mnist
"$PYTHON" -m pip download --quiet --only-binary=:all: --python-version "$PYVER" --implementation cp \
  --abi "cp${PYVER/./}" --abi abi3 --abi none \
  --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 \
  -d .gpu/wheels "pydantic>=2.6,<3" "nbformat>=5.9" "packaging>=23"
cp "$MNIST"/*-ubyte.gz .gpu/mnist/
du -sh .gpu
