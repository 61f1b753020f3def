#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine: system packages, the Python venv (LibTorch and
# test peers) and the build. Safe to run again; each step is skipped when already done.
# Caches live outside the clone: $VIGIL_CACHE (default ~/.cache/vigil) holds the venv and ccache.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${VIGIL_CACHE:-$HOME/.cache/vigil}"
build="${VIGIL_BUILD_DIR:-$root/build}"
mkdir -p "$cache"

apt_packages=(
  build-essential cmake pkgconf ccache clang libclang-rt-14-dev python3-venv
  libdcmtk-dev dcmtk libinsighttoolkit5-dev libfftw3-dev uuid-dev libgdcm-dev libgdcm-tools libopenjp2-7-dev
  libopencv-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev libssl-dev
  nlohmann-json3-dev libspdlog-dev libcpp-httplib-dev
  orthanc dicom3tools pixelmed-apps dcm2niix openssl iproute2 util-linux chromium chromium-driver
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian package(s): ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Orthanc's package starts a system service; Vigil's tests start their own instances.
  $sudo_cmd service orthanc stop >/dev/null 2>&1 || true
fi

# Python venv with LibTorch (torch wheel) and the test peers; rebuilt when requirements change.
venv="$cache/venv"
stamp="$venv/.vigil-requirements.sha256"
want="$(sha256sum "$root/scripts/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: creating Python venv at $venv (first time: downloads ~3 GB, cached in $cache/pip)"
  python_bin="$(command -v python3)"
  "$python_bin" -m venv "$venv"
  PIP_CACHE_DIR="$cache/pip" "$venv/bin/pip" install -q --upgrade pip
  PIP_CACHE_DIR="$cache/pip" "$venv/bin/pip" install -q -r "$root/scripts/requirements.txt"
  echo "$want" > "$stamp"
fi

# Configure and build (ccache outside the clone).
export CCACHE_DIR="$cache/ccache"
cmake_args=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
            -DCMAKE_C_COMPILER_LAUNCHER=ccache "-DVIGIL_PYTHON=$venv/bin/python")
[ "${CI:-}" = "true" ] && cmake_args+=(-DVIGIL_WERROR=ON)
cmake "${cmake_args[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
