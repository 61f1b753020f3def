#!/usr/bin/env bash
# Trains the shipped networks on a lent GPU machine (CUDA + CMake + torch, no package registry).
# Here, once per session:   scripts/gpu-train.sh --prepare   (copies CLI11, nlohmann-json and OpenSSL
#                                                             headers to .vendor/include)
# There, through `device`:  scripts/gpu-train.sh             (carry: [".vendor"])
# Builds the compute-only `vigil` (train + devices) and runs the named configs of models/configs/
# side by side on the one GPU (default: classifier-gpu segmenter-gpu; a name starting with
# "segmenter" trains the segmenter, any other the classifier); the model folders (weights.pt,
# manifest.json, training_log.csv) land in $OUT/<config name>.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "--prepare" ]; then
  grep -qx '/.vendor/' "$root/.git/info/exclude" 2>/dev/null || echo '/.vendor/' >> "$root/.git/info/exclude"
  rm -rf "$root/.vendor" && mkdir -p "$root/.vendor/include"
  cp -r /usr/include/CLI /usr/include/nlohmann /usr/include/openssl "$root/.vendor/include/"
  cp /usr/include/x86_64-linux-gnu/openssl/* "$root/.vendor/include/openssl/"
  exit 0
fi
build="$root/build-gpu"
out="${OUT:-$build/trained}"
cmake -S "$root" -B "$build" -DVIGIL_ONLY_COMPUTE=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DVIGIL_BUILD_TESTS=OFF -DVIGIL_PYTHON="$(command -v python3)" -DVIGIL_VENDOR_INCLUDE="$root/.vendor/include" \
  ${CMAKE_GENERATOR:+-G "$CMAKE_GENERATOR"}
cmake --build "$build" -j"$(nproc)" --target vigil
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
# The networks' device: LibTorch's CUDA backend is loaded at run time, so this line must say cuda.
"$build/bin/vigil" devices
"$build/bin/vigil" devices | grep -q ") run on: cuda" || echo "gpu-train: the networks did not get CUDA: training on the CPU" >&2
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(classifier-gpu segmenter-gpu)
pids=()
for name in "${configs[@]}"; do
  model=classifier
  case "$name" in segmenter*) model=segmenter ;; esac
  mkdir -p "$out/$name"
  # Paths in the configs (init-weights) are relative to the repository root.
  (cd "$root" && "$build/bin/vigil" --config "models/configs/$name.toml" train "$model" --out "$build/train-$name") \
    > "$out/$name/train.log" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
for name in "${configs[@]}"; do
  cp "$build/train-$name"/{weights.pt,manifest.json,training_log.csv} "$out/$name/" 2>/dev/null || status=1
  tail -3 "$out/$name/train.log"
done
exit $status
