#!/usr/bin/env bash
# Indexing benchmark: headers per second over a folder of at least 10 000 DICOM files, recap's
# indexPath against GDCM's gdcmscanner (the reference: a header scanner that stops at the tags it
# is asked for) in the same run, with the bytes recap reads and how often it opens each file.
# Run by hand, not a test; results and their reading: docs/performance.md.
#
# Usage: bench/index_rate.sh OUTDIR
#
#   Builds nothing: takes recap and recap_bench_index from $RECAP_BUILD_DIR (default build/).
#   In OUTDIR/corpus it generates, once, the phantom presets at full size (recap phantom --preset,
#   each a folder of 2-3 timepoints: CT, PET, NAC PET, localizer, stray non-DICOM files, several
#   transfer syntaxes and vendors) until the corpus holds at least $BENCH_INDEX_FILES files
#   (default 10 000). Then:
#     recap_bench_index CORPUS --runs $BENCH_RUNS    1 warm-up + runs: seconds, headers/s, bytes read
#     gdcmscanner -d CORPUS -r -t ... (the tags recap groups and sorts by), 1 warm-up + runs
#     strace -f -e trace=openat recap_bench_index CORPUS --runs 1   opens per file (2 = warm-up + 1 run)
#   and prints a Markdown table (also OUTDIR/results.md).
# Requires gdcmscanner (Debian libgdcm-tools) and strace (Debian strace).
# Environment: RECAP_BUILD_DIR, BENCH_RUNS (default 3), BENCH_INDEX_FILES (default 10000).
set -euo pipefail
die() { echo "error: $*" >&2; exit 1; }
[[ $# -eq 1 ]] || die "usage: $0 OUTDIR"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RECAP_BUILD_DIR:-$ROOT/build}
RECAP=$BUILD/pipeline/recap
INDEX=$BUILD/bench/recap_bench_index
RUNS=${BENCH_RUNS:-3}
WANT=${BENCH_INDEX_FILES:-10000}
for exe in "$RECAP" "$INDEX"; do [[ -x $exe ]] || die "$exe not found (build first, or set RECAP_BUILD_DIR)"; done
for tool in gdcmscanner strace; do command -v "$tool" >/dev/null || die "$tool not found (Debian libgdcm-tools, strace)"; done
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
CORPUS=$OUT/corpus
mkdir -p "$CORPUS"

count() { find "$CORPUS" -type f | wc -l; }
if (($(count) < WANT)); then
  for preset in $("$RECAP" phantom --list | awk '{print $1}'); do
    (($(count) >= WANT)) && break
    [[ -d $CORPUS/$preset ]] && continue
    echo "generating $preset into $CORPUS ..." >&2
    "$RECAP" -q phantom --preset "$preset" --out "$CORPUS/$preset.tmp" >/dev/null
    mv "$CORPUS/$preset.tmp" "$CORPUS/$preset"
  done
  # Past the presets: copies under other folder names (same instances: recap counts them as
  # duplicates, which it still has to read).
  i=0
  while (($(count) < WANT)); do
    i=$((i + 1))
    cp -r "$CORPUS/sample" "$CORPUS/copy$i"
  done
fi
files=$(count)
size=$(du -sh "$CORPUS" | cut -f1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# recap
"$INDEX" "$CORPUS" --runs "$RUNS" >"$OUT/recap.txt"
recap_min=$(sed -n 's/^seconds min \([0-9.]*\) mean.*/\1/p' "$OUT/recap.txt")
recap_mean=$(sed -n 's/.* mean \([0-9.]*\);.*/\1/p' "$OUT/recap.txt")
recap_rate=$(sed -n 's/.*headers per second \([0-9]*\).*/\1/p' "$OUT/recap.txt")
recap_read=$(grep '^read ' "$OUT/recap.txt")

# gdcmscanner: the tags recap groups, sorts and classifies by.
tags=(-t 0010,0020 -t 0020,000d -t 0020,000e -t 0008,0018 -t 0008,0016 -t 0008,0060 -t 0020,0013 -t 0020,0032
      -t 0020,0037 -t 0028,0030 -t 0028,0010 -t 0028,0011 -t 0008,0008 -t 0054,1001 -t 0054,1102)
gdcm_times=()
gdcmscanner -d "$CORPUS" -r "${tags[@]}" >/dev/null 2>&1  # warm-up
for ((r = 0; r < RUNS; ++r)); do
  s=$(date +%s.%N)
  gdcmscanner -d "$CORPUS" -r "${tags[@]}" >/dev/null 2>&1
  gdcm_times+=("$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')")
done
gdcm_min=$(printf '%s\n' "${gdcm_times[@]}" | sort -g | head -n1)
gdcm_mean=$(printf '%s\n' "${gdcm_times[@]}" | awk '{ s += $1 } END { printf "%.3f", s / NR }')

# Opens per file: one warm-up and one measured run, so 2 means each file is opened once per run.
strace -f -e trace=openat -o "$OUT/strace.txt" "$INDEX" "$CORPUS" --runs 1 >/dev/null
opens=$(grep -v ENOENT "$OUT/strace.txt" | grep -o "\"$CORPUS/[^\"]*\"" | sort | uniq -c |
        awk '{ n[$1]++ } END { for (k in n) printf "%s file(s) opened %d times; ", n[k], k }')
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# Indexing: headers per second"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores; recap git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "- corpus: $files files ($size) in $CORPUS; warm page cache; $RUNS runs after a warm-up"
  echo "- load average before: $load_before; after: $load_after"
  echo
  echo "| tool | min s | mean s | headers/s (files / min s) | recap / gdcmscanner |"
  echo "|---|---:|---:|---:|---:|"
  echo "| recap indexPath (all threads: header, group, classify, select) | $recap_min | $recap_mean | $recap_rate | $(awk -v a="$recap_min" -v b="$gdcm_min" 'BEGIN { printf "%.2f", a / b }') |"
  echo "| gdcmscanner -r (${#tags[@]} tags / 2 = $(( ${#tags[@]} / 2 )) tags, one thread) | $gdcm_min | $gdcm_mean | $(awk -v f="$files" -v b="$gdcm_min" 'BEGIN { printf "%.0f", f / b }') | |"
  echo
  echo "- recap $recap_read"
  echo "- opens (strace, warm-up + one run): $opens"
} | tee "$OUT/results.md"
# For bench/run.sh.
max_opens=$(grep -v ENOENT "$OUT/strace.txt" | grep -o "\"$CORPUS/[^\"]*\"" | sort | uniq -c | sort -n | tail -n1 | awk '{print $1}')
printf 'files\t%s\nrecap_s\t%s\nheaders_per_s\t%s\ngdcmscanner_s\t%s\nratio\t%s\nmax_opens_per_run\t%s\nbytes_read_pct\t%s\n' \
  "$files" "$recap_min" "$recap_rate" "$gdcm_min" "$(awk -v a="$recap_min" -v b="$gdcm_min" 'BEGIN { printf "%.2f", a / b }')" \
  "$((max_opens / 2))" "$(sed -n 's/.*(\([0-9.]*\) %).*/\1/p' <<<"$recap_read")" >"$OUT/summary.tsv"
