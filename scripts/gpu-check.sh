#!/usr/bin/env bash
# GPU-vs-CPU checks on a lent GPU machine (CUDA + CMake, no DCMTK/ITK/GoogleTest there).
# Here, once per session:   scripts/gpu-check.sh --prepare     (copies GoogleTest sources to .gtest-src/)
#                           scripts/gpu-train.sh --prepare     (optional: headers so that `vigil` is built too)
# There, through `device`:  scripts/gpu-check.sh                (carry: [".gtest-src", ".vendor"])
# Builds the compute-only tree for sm_90 (with the machine's own torch as LibTorch), runs every
# kernel and LibTorch test, the gpu-labelled ones included, then the GPU benchmark
# (benchmarks/gpu), whose table lands in $OUT/gpu-bench.md when $OUT is set.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "--prepare" ]; then
  grep -qx '/.gtest-src/' "$root/.git/info/exclude" 2>/dev/null || echo '/.gtest-src/' >> "$root/.git/info/exclude"
  rm -rf "$root/.gtest-src" && cp -r /usr/src/googletest "$root/.gtest-src"
  exit 0
fi
build="$root/build-gpu"
vendor=""  # CLI11/nlohmann/OpenSSL headers from `scripts/gpu-train.sh --prepare`: then `vigil` is built too
[ -d "$root/.vendor/include" ] && vendor="$root/.vendor/include"
cmake -S "$root" -B "$build" -DVIGIL_ONLY_COMPUTE=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DVIGIL_PYTHON="$(command -v python3)" \
  -DVIGIL_GTEST_SOURCE_DIR="$root/.gtest-src" ${CMAKE_GENERATOR:+-G "$CMAKE_GENERATOR"} \
  ${vendor:+-DVIGIL_VENDOR_INCLUDE="$vendor"}
cmake --build "$build" -j"$(nproc)"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
status=0
(cd "$build" && ctest --output-on-failure) || { status=$?; echo "gpu-check: ctest failed" >&2; }
# `vigil` (built when CLI11's headers are there: `scripts/gpu-train.sh --prepare`) loads LibTorch's
# CUDA backend at run time: on a GPU machine its networks must say cuda.
if [ -x "$build/bin/vigil" ]; then
  # (no `tee /dev/stderr`: when stderr is a file, tee reopens it truncated and the log is lost)
  devices="$("$build/bin/vigil" devices)"
  echo "$devices"
  grep -q ") run on: cuda" <<<"$devices" || { echo "gpu-check: vigil's networks did not get CUDA" >&2; status=1; }
fi
"$build/bin/vigil_gpu_bench" --markdown "${OUT:-$build}/gpu-bench.md" || status=$?
# Sliding-window inference against MONAI on the same TorchScript model, when MONAI is importable
# (carry its wheel: .whl/monai-*.whl, installed to /tmp/site by the caller; see docs/gpu.md).
if python3 -c "import monai" 2>/dev/null && [ -x "$build/bin/vigil_sliding_window_bench" ]; then
  "$build/bin/vigil_sliding_window_bench" --device cuda --size 256 512 512 --window 96 --channels 16 --batch 4 \
    --reps 5 || status=$?
fi
exit $status
