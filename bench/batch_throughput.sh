#!/usr/bin/env bash
# recap batch throughput: cases per minute at --jobs 1 and --jobs 2, and the peak memory of one
# case (one `recap assess`, the per-case figure behind --memory-budget). Run by hand, not a test;
# results and their reading: docs/performance.md.
#
# Usage: bench/batch_throughput.sh OUTDIR
#
#   Builds nothing: takes recap from $RECAP_BUILD_DIR (default build/ in the repository).
#   In OUTDIR it generates the bundled sample patient once (recap phantom --preset $BENCH_PRESET,
#   with --fast unless BENCH_FAST=0) and copies it into $BENCH_CASES case folders with the
#   committed case file dicom_samples/sample-case.yaml; then it runs, after one warm-up assess:
#     /usr/bin/time -v recap assess CASE --out TMP        peak RSS and wall time of one case
#     recap batch CASES --out TMP --jobs 1                cases per minute
#     recap batch CASES --out TMP --jobs 2                cases per minute
#   and prints a Markdown table (also saved as OUTDIR/results.md) with the load averages.
# Requires GNU time (/usr/bin/time, Debian package time).
# Environment: RECAP_BUILD_DIR, BENCH_CASES (default 6), BENCH_FAST (default 1), BENCH_PRESET
# (default sample; its case file must be dicom_samples/<preset>-case.yaml).
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }
[[ $# -eq 1 ]] || die "usage: $0 OUTDIR"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RECAP_BUILD_DIR:-$ROOT/build}
RECAP=$BUILD/pipeline/recap
CASES=${BENCH_CASES:-6}
FAST=${BENCH_FAST:-1}
PRESET=${BENCH_PRESET:-sample}
CASE_FILE=$ROOT/dicom_samples/$PRESET-case.yaml
OUT=$1
[[ -x $RECAP ]] || die "$RECAP not found (build first, or set RECAP_BUILD_DIR)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install -y time)"
[[ -f $CASE_FILE ]] || die "$CASE_FILE not found"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

fast_flag=()
[[ $FAST == 1 ]] && fast_flag=(--fast)
phantom=$OUT/phantom-$PRESET-fast$FAST
if [[ ! -f $phantom/case.yaml ]]; then
  rm -rf "$phantom"
  "$RECAP" -q phantom --preset "$PRESET" "${fast_flag[@]}" --out "$phantom" >/dev/null
  cp "$CASE_FILE" "$phantom/case.yaml"
fi
rm -rf "$OUT/cases" && mkdir -p "$OUT/cases"
for i in $(seq -w 1 "$CASES"); do cp -r "$phantom" "$OUT/cases/C$i"; done

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

"$RECAP" -q assess "$phantom/case.yaml" --out "$OUT/warmup" --force >/dev/null  # page cache
load_before=$(load)
rm -rf "$OUT/one"
/usr/bin/time -v "$RECAP" -q assess "$phantom/case.yaml" --out "$OUT/one" 2>"$OUT/assess.time" >/dev/null
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/assess.time")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$OUT/assess.time")

declare -A secs
for jobs in 1 2; do
  rm -rf "$OUT/batch-j$jobs"
  t0=$(now)
  "$RECAP" batch "$OUT/cases" --out "$OUT/batch-j$jobs" --jobs "$jobs" --progress-interval 600 2>"$OUT/batch-j$jobs.log" ||
    die "recap batch --jobs $jobs failed (exit $?); see $OUT/batch-j$jobs.log"
  secs[$jobs]=$(awk -v a="$(now)" -v b="$t0" 'BEGIN {print a - b}')
done
load_after=$(load)

{
  echo "recap batch throughput: $CASES copies of the $PRESET preset$([[ $FAST == 1 ]] && echo ' (--fast grids)'), $(nproc) cores, git $(git -C "$ROOT" rev-parse --short HEAD), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "| run | wall time | cases per minute |"
  echo "|---|---:|---:|"
  for jobs in 1 2; do
    printf '| `recap batch --jobs %s` | %.1f s | %.2f |\n' "$jobs" "${secs[$jobs]}" "$(awk -v n="$CASES" -v s="${secs[$jobs]}" 'BEGIN {print n * 60 / s}')"
  done
  echo
  printf 'One case (`recap assess`, /usr/bin/time -v): wall %s, peak RSS %.0f MiB.\n' "$wall" "$(awk -v k="$rss_kb" 'BEGIN {print k / 1024}')"
  echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
} | tee "$OUT/results.md"
# For bench/run.sh: seconds at --jobs 1 and 2 and the speed-up.
printf 'jobs1_s\t%.1f\njobs2_s\t%.1f\nspeedup\t%.2f\ncases\t%s\n' "${secs[1]}" "${secs[2]}" \
  "$(awk -v a="${secs[1]}" -v b="${secs[2]}" 'BEGIN { print a / b }')" "$CASES" >"$OUT/summary.tsv"
