#!/usr/bin/env bash
# Installs what recap needs from Debian's packages (idempotent, quiet when all is present)
# and builds it in Release into build/ (or $RECAP_BUILD_DIR).
#   scripts/setup.sh            install + configure + build
#   RECAP_SANITIZE=ON scripts/setup.sh   build with AddressSanitizer + UBSan into build-asan/
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/deps-apt.txt | grep -v '^$')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian package(s): ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

sanitize="${RECAP_SANITIZE:-OFF}"
build="${RECAP_BUILD_DIR:-build}"
[ "$sanitize" = "ON" ] && build="${RECAP_BUILD_DIR:-build-asan}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRECAP_SANITIZE="$sanitize" \
  "${launcher[@]}" -Wno-dev >/dev/null
cmake --build "$build" -j"$(nproc)"
