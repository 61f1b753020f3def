#!/usr/bin/env bash
# The whole test suite: setup + build (scripts/setup.sh), a short libFuzzer run of the single-file
# DICOM path in its own clang build, then the main CTest suite (its summary prints last).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${VIGIL_CACHE:-$HOME/.cache/vigil}"
build="${VIGIL_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"

status=0
# libFuzzer target (clang only): separate build tree, core + dicom + the fuzzer.
fuzz_build="$build-fuzz"
export CCACHE_DIR="$cache/ccache"
cmake -S "$root" -B "$fuzz_build" -DVIGIL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$fuzz_build" -j"$(nproc)" >/dev/null
(cd "$fuzz_build" && ctest --output-on-failure --timeout 300) || status=$?

(cd "$build" && ctest --output-on-failure -j"$(nproc)" --timeout 900) || status=$?
exit $status
