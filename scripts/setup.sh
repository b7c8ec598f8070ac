#!/usr/bin/env bash
# Installs what recap needs from Debian's packages (idempotent, quiet when all is present)
# and builds it in Release into build/ (or $RECAP_BUILD_DIR).
#   scripts/setup.sh            install + configure + build
#   RECAP_SANITIZE=ON scripts/setup.sh   build with AddressSanitizer + UBSan into build-asan/
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

source scripts/apt-install.sh
install_missing scripts/deps-apt.txt

sanitize="${RECAP_SANITIZE:-OFF}"
build="${RECAP_BUILD_DIR:-build}"
[ "$sanitize" = "ON" ] && build="${RECAP_BUILD_DIR:-build-asan}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRECAP_SANITIZE="$sanitize" \
  "${launcher[@]}" -Wno-dev >/dev/null
cmake --build "$build" -j"$(nproc)"
