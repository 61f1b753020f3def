#!/usr/bin/env bash
# Main job on sample data: setup + build, then ingest every study of the bundled real CT/MR
# samples (../shared/data/real beside the clone, or $VIGIL_SAMPLE_DATA), check geometry and decode
# each volume. Later stages (detection, DICOM results) join here as they land.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${VIGIL_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
data="${VIGIL_SAMPLE_DATA:-$root/../shared/data/real}"
[ -d "$data" ] || { echo "run-sample: no sample data at $data (set VIGIL_SAMPLE_DATA)" >&2; exit 3; }
"$build/bin/vigil" inspect --decode "$data"
