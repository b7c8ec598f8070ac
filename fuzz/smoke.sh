#!/usr/bin/env bash
# The fuzzing smoke test of recap's suite (ctest: fuzz_smoke): builds the libFuzzer harnesses with
# clang into BUILD_DIR (a project of its own, fuzz/CMakeLists.txt), then for each harness replays
# fuzz/regressions/HARNESS/ and fuzzes SECONDS (default 20) from the seed corpus: about a minute in
# all. Fails on any crash, sanitizer report, leak, hang (60 s per input) or out-of-memory.
# The seed is fixed (RECAP_FUZZ_SEED, default 1), so that the suite mutates the same inputs in the
# same order on every run (a slower machine runs fewer of them) and fails only on a change, not on a
# new draw; finding new inputs is fuzz/campaign.sh's work (docs/robustness.md).
#   fuzz/smoke.sh BUILD_DIR [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:?usage: fuzz/smoke.sh BUILD_DIR [SECONDS]}"
secs="${2:-20}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S "$here/fuzz" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRECAP_FUZZ_SMOKE=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" >/dev/null
# A fresh grown corpus each time: the smoke run starts from the committed seeds.
rm -rf "$build"/corpus-* "$build"/artifacts-*
for h in header volume casefile; do
  echo "== $h: regressions, then ${secs} s of fuzzing"
  status=0
  RECAP_FUZZ_TIMEOUT=60 RECAP_FUZZ_SEED="${RECAP_FUZZ_SEED:-1}" "$here/fuzz/run.sh" "$h" "$secs" "$build" >"$build/smoke-$h.log" 2>&1 || status=$?
  grep -E "^(Executed|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" "$build/smoke-$h.log" || true
  # run.sh's status is libFuzzer's: non-zero on any finding.
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$build/smoke-$h.log"
    echo "fuzz_smoke: $h: libFuzzer exited $status (a crash, sanitizer report, leak, hang or out-of-memory; the input is in $build/artifacts-$h/)"
    exit 1
  fi
done
