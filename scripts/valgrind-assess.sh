#!/usr/bin/env bash
# recap assess under valgrind's memcheck, end to end: the bundled sample patient (3 timepoints,
# 3 lesions) at coarser grids (recap phantom --fast, so that memcheck's 20-50x slowdown stays
# within minutes), assessed from its committed case file with every output, the DICOM SR/SEG
# included. Exit 0 when memcheck reports no error and no definitely lost byte; non-zero otherwise.
#   scripts/valgrind-assess.sh [WORK_DIR]     (default /tmp/recap-valgrind)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
scripts/setup.sh
source scripts/apt-install.sh
install_missing scripts/deps-apt-check.txt
recap="${RECAP_BUILD_DIR:-build}/pipeline/recap"
work="${1:-/tmp/recap-valgrind}"
mkdir -p "$work"
if [ ! -f "$work/sample/phantom.json" ]; then
  "$recap" phantom --preset sample --fast --out "$work/sample" --force
fi
cp dicom_samples/sample-case.yaml "$work/sample/case.yaml"
rm -rf "$work/out"
# One worker thread: memcheck serialises threads anyway, and one is the run it checks most simply.
status=0
ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS=1 valgrind --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-origins=no \
  --log-file="$work/memcheck.log" "$recap" assess "$work/sample/case.yaml" --out "$work/out" --dicom-out || status=$?
grep -E "ERROR SUMMARY|definitely lost" "$work/memcheck.log"
exit $status
