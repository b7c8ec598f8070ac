#!/usr/bin/env bash
# Sets up (installs what is missing, builds in Release) and runs every test with CTest.
#   scripts/test.sh                     the suite CI runs (.ci/run)
#   RECAP_SANITIZE=ON scripts/test.sh   the same suite built with AddressSanitizer + UBSan (build-asan/)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
scripts/setup.sh
# Test-only packages (headless Chromium for the report test), not needed to build or run recap.
source scripts/apt-install.sh
install_missing scripts/deps-apt-test.txt
build="${RECAP_BUILD_DIR:-build}"
[ "${RECAP_SANITIZE:-OFF}" = "ON" ] && build="${RECAP_BUILD_DIR:-build-asan}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/scripts/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
