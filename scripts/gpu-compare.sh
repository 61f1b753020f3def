#!/usr/bin/env bash
# Same machine, same study: `vigil run` of an older build against this one, interleaved (GPU
# timings are only comparable within one machine). Run after scripts/gpu-detect.sh, which
# unpacks this build to /tmp/vigil-pack and writes the study /tmp/vigil-s300.
# Here: build the older revision (e.g. in a git worktree), then
#   mkdir -p /tmp/bp/bin && cp OLD/build/bin/vigil /tmp/bp/bin && strip /tmp/bp/bin/vigil &&
#   tar -cJf .gpupack/base.tar.xz -C /tmp/bp .
# (the binary alone: it runs with this build's carried libraries). There, carry [".gpupack"]:
#   scripts/gpu-detect.sh > $OUT/detect.log 2>&1; scripts/gpu-compare.sh
set -u
torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
mkdir -p /tmp/base-bin && tar -xJf .gpupack/base.tar.xz -C /tmp/base-bin
run() {  # label binary [args]
  local label=$1 bin=$2; shift 2
  local s e
  s=$(date +%s.%N)
  DCMDICTPATH=/tmp/vigil-pack/share/dicom.dic:/tmp/vigil-pack/share/private.dic LD_LIBRARY_PATH="/tmp/vigil-pack/lib:$torch_lib" \
    "$bin" run /tmp/vigil-s300 --out "/tmp/o-$label" --json --models models/weights "$@" > "$OUT/$label.json" 2>/dev/null
  e=$(date +%s.%N)
  python3 -c "import json; s=json.load(open('$OUT/$label.json'))[0]; t=s['timings_s']; print('%-18s whole %.2f s, stages %.2f s, findings %d; %s' % ('$label', $e-$s, sum(t.values()), len(s['findings']), ', '.join('%s %.2f' % kv for kv in t.items())))"
}
for i in 1 2 3; do run "base$i" /tmp/base-bin/bin/vigil; run "new$i" /tmp/vigil-pack/bin/vigil; done
for i in 1 2; do run "base-classical$i" /tmp/base-bin/bin/vigil --no-models; run "new-classical$i" /tmp/vigil-pack/bin/vigil --no-models; done
