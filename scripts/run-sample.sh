#!/usr/bin/env bash
# Main job on sample data: setup + build, then `vigil run` (ingest -> detection -> SR, SEG, key
# images, summary.json) on a bundled sample: a synthetic chest CT with lesions made by
# `vigil synth` (fixed seed, so always the same study), plus the real LIDC chest CT from
# ../shared/data/real when it is there. Results go to build/sample/out/<hashed study UID>/.
# Send them to a PACS too with: scripts/run-sample.sh --pacs AET@HOST:PORT
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${VIGIL_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
vigil="$build/bin/vigil"
sample="$build/sample"
if [ ! -f "$sample/input/manifest.json" ]; then
  rm -rf "$sample/input"
  cat > "$build/sample-synth.json" <<'JSON'
{"lesions_per_study": [4, 5], "p_no_lesion": 0, "slices": [120, 120]}
JSON
  "$vigil" synth --out "$sample/input" --studies 1 --seed 2026 --config "$build/sample-synth.json"
fi
status=0
"$vigil" run "$sample/input" --out "$sample/out" "$@" || status=$?
real="${VIGIL_SAMPLE_DATA:-$root/../shared/data/real}/lidc0314-chest-ct-nodule"
if [ -d "$real" ]; then
  "$vigil" run "$real" --out "$sample/out" "$@" || status=$?
fi
echo "results: $sample/out (summary.json, sr.dcm, seg.dcm, key_images/ per study)"
exit $status
