#!/usr/bin/env bash
# Runs one libFuzzer harness: fuzz/run.sh HARNESS SECONDS [BUILD_DIR]
#   HARNESS: header | volume | casefile; BUILD_DIR: the clang build of fuzz/ (default build-fuzz).
# First replays every input in fuzz/regressions/HARNESS/ (crashes found and fixed before), then
# fuzzes for SECONDS from fuzz/corpus/HARNESS/ (the seeds) into BUILD_DIR/corpus-HARNESS/ (the
# grown corpus, kept between runs). Crashes land in BUILD_DIR/artifacts-HARNESS/; the exit code is
# libFuzzer's (non-zero on a crash, leak, timeout or out-of-memory).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
h="${1:?usage: fuzz/run.sh header|volume|casefile SECONDS [BUILD_DIR]}"
secs="${2:-60}"
build="$(cd "${3:-$here/build-fuzz}" && pwd)"
bin="$build/${h}_fuzz"
[ -x "$bin" ] || { echo "fuzz/run.sh: $bin is not built (see fuzz/CMakeLists.txt)" >&2; exit 2; }
# A DICOM length field may declare up to 4 GiB, and DCMTK allocates a value's declared length
# before reading it where it cannot skip it (deflated files): that allocation is virtual, its pages
# are never touched (recap info on such a file peaks at 66 MB), so the DICOM harnesses allow single
# mallocs up to 4 GiB and rely on -rss_limit_mb for memory really used.
# RECAP_FUZZ_TIMEOUT: seconds per input before libFuzzer calls it a hang (25; more on a loaded machine).
# RECAP_FUZZ_SEED: libFuzzer's random seed (default: a new one each run, for finding new inputs);
# a fixed seed makes the run mutate the same inputs in the same order (fuzz/smoke.sh).
t="${RECAP_FUZZ_TIMEOUT:-25}"
limits=(-rss_limit_mb=2048 -malloc_limit_mb=4096 -timeout=$t)
seed=()
[ -n "${RECAP_FUZZ_SEED:-}" ] && seed=(-seed="$RECAP_FUZZ_SEED")
max_len=65536
if [ "$h" = casefile ]; then
  limits=(-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=$t)
  max_len=8192
fi
# Leaks inside third-party libraries (each with its reason in scripts/lsan.supp).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/scripts/lsan.supp:print_suppressions=0}"
if compgen -G "$here/fuzz/regressions/$h/*" >/dev/null; then
  "$bin" "${limits[@]}" "$here/fuzz/regressions/$h/"*
fi
mkdir -p "$build/corpus-$h" "$build/artifacts-$h"
exec "$bin" "${limits[@]}" "${seed[@]}" -max_len=$max_len -max_total_time="$secs" -print_final_stats=1 \
  -artifact_prefix="$build/artifacts-$h/" "$build/corpus-$h" "$here/fuzz/corpus/$h"
