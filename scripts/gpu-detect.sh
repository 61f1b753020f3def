#!/usr/bin/env bash
# Whole detection (`vigil run`) on a lent GPU machine, which has CUDA and torch but none of Debian's
# DCMTK/ITK/OpenCV: the full `vigil` built here travels with the shared libraries it needs.
# Here, after building build/bin/vigil:  scripts/gpu-detect.sh --prepare   (writes .gpupack/, git-excluded)
# There, through `device`:               scripts/gpu-detect.sh             (carry: [".gpupack"])
# Prints `vigil devices`, then times `vigil run` on a synthetic 512x512x300 CT (seed 9500, as
# vigil_detection_bench) with the networks on the GPU (three runs: the first pays CUDA's start-up),
# with the networks on the CPU of that machine, and classical; summaries land in $OUT.
#
# The pack is `vigil`, its LibTorch plugin and their ldd closure minus glibc, libstdc++ and LibTorch (the machine's own
# torch 2.11 is used: same version as the venv's). libgdal (94 MB with its own needs) is replaced by
# a shim defining the 14 functions OpenCV's imgcodecs binds to (its GDAL reader, which Vigil never
# calls; imgcodecs is linked BIND_NOW, so they must exist). Registering its drivers (imgcodecs does
# that when it writes a PNG) does nothing; any other call aborts with a message.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "--prepare" ]; then
  grep -qx '/.gpupack/' "$root/.git/info/exclude" 2>/dev/null || echo '/.gpupack/' >> "$root/.git/info/exclude"
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/bin" "$stage/lib/vigil"
  cp "$root/build/bin/vigil" "$stage/bin/" && strip "$stage/bin/vigil"
  # The LibTorch plugin, where `vigil` looks for it (../lib/vigil from its bin/).
  cp "$root/build/lib/vigil/libvigil_torch.so" "$stage/lib/vigil/" && strip "$stage/lib/vigil/libvigil_torch.so"
  python3 - "$stage/lib" "$root/build/bin/vigil" "$root/build/lib/vigil/libvigil_torch.so" <<'EOF'
import os, re, shutil, subprocess, sys
dest, binaries = sys.argv[1], sys.argv[2:]
base = {'libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2', 'librt.so.1', 'ld-linux-x86-64.so.2',
        'libstdc++.so.6', 'libgcc_s.so.1', 'libutil.so.1', 'libgdal.so.32'}
paths = {}
for binary in binaries:
    paths.update(re.findall(r'^\s*(\S+) => (/\S+)', subprocess.run(['ldd', binary], capture_output=True, text=True).stdout, re.M))
needed = lambda p: re.findall(r'NEEDED.*\[(.*)\]', subprocess.run(['readelf', '-d', p], capture_output=True, text=True).stdout)
seen, stack = set(), [name for binary in binaries for name in needed(binary)]
while stack:
    name = stack.pop()
    if name in seen or name in base or name not in paths or 'site-packages' in paths[name]:
        continue
    seen.add(name)
    stack += needed(paths[name])
for name in seen:
    shutil.copy(os.path.realpath(paths[name]), os.path.join(dest, name))
EOF
  imgcodecs="$(ldd "$root/build/bin/vigil" | awk '/libopencv_imgcodecs/ {print $3}')"
  gdal="$(ldd "$root/build/bin/vigil" | awk '/libgdal/ {print $3}')"
  {
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    echo 'static void gdal_absent(void) { fputs("vigil: GDAL is not carried to this machine\n", stderr); abort(); }'
    comm -12 <(nm -D --undefined-only "$imgcodecs" | awk '{print $2}' | sort) \
             <(nm -D --defined-only "$gdal" | awk '{print $3}' | sort) |
      awk '{printf "void s%d(void) __asm__(\"%s\");\nvoid s%d(void) { %s }\n", NR, $1, NR,
                  $1 == "GDALAllRegister" ? "" : "gdal_absent();"}'
  } > "$stage/gdal_shim.c"
  gcc -shared -fPIC "$stage/gdal_shim.c" -o "$stage/lib/libgdal.so.32" -Wl,-soname,libgdal.so.32
  rm "$stage/gdal_shim.c"
  # DCMTK's data dictionary is a file (Debian's DCMTK has none built in).
  mkdir -p "$stage/share" && cp /usr/share/libdcmtk*/dicom.dic /usr/share/libdcmtk*/private.dic "$stage/share/"
  LD_LIBRARY_PATH="$stage/lib" "$stage/bin/vigil" devices >/dev/null  # every library resolves, the plugin loads
  mkdir -p "$root/.gpupack"
  tar -cf - -C "$stage" . | xz -T"$(nproc)" -6 > "$root/.gpupack/vigil.tar.xz"
  du -h "$root/.gpupack/vigil.tar.xz"
  exit 0
fi
out="${OUT:-/tmp/gpu-detect}"
mkdir -p "$out" /tmp/vigil-pack
tar -xJf "$root/.gpupack/vigil.tar.xz" -C /tmp/vigil-pack
torch_lib="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
# The carried libraries for `vigil` alone (not for python3 and the rest).
vigil() {
  DCMDICTPATH=/tmp/vigil-pack/share/dicom.dic:/tmp/vigil-pack/share/private.dic \
    LD_LIBRARY_PATH="/tmp/vigil-pack/lib:$torch_lib" /tmp/vigil-pack/bin/vigil "$@"
}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
vigil devices | tee "$out/devices.txt"
status=0
grep -q ") run on: cuda" "$out/devices.txt" || { echo "gpu-detect: the networks did not get CUDA" >&2; status=1; }
slices="${SLICES:-300}"  # fewer for a quick check here
study="/tmp/vigil-s$slices"
[ -d "$study" ] || vigil synth --out "$study" --studies 1 --seed 9500 --slices "$slices:$slices"
run() {  # name, extra arguments
  local name="$1"; shift
  local start end
  start=$(date +%s.%N)
  vigil run "$study" --out "/tmp/vigil-out-$name" --json --models "$root/models/weights" "$@" > "$out/$name.json" || status=1
  end=$(date +%s.%N)
  python3 - "$out/$name.json" "$name" "$start" "$end" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))[0]
t = s["timings_s"]
print(f'{sys.argv[2]:>10}: whole run {float(sys.argv[4]) - float(sys.argv[3]):.2f} s; ' +
      ', '.join(f'{k} {v:.2f}' for k, v in t.items()) + f'; findings {len(s["findings"])}')
EOF
}
start=$(date +%s.%N); vigil --version >/dev/null; end=$(date +%s.%N)
echo "start-up (vigil --version): $(python3 -c "print(f'{$end - $start:.2f}')") s"
for i in 1 2 3; do run "gpu$i"; done
run cpu-models --models-on-cpu
run classical --no-models
exit $status
