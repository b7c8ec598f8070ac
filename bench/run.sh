#!/usr/bin/env bash
# Every benchmark of recap in one command, with one table of the targets at the end.
#
#   bench/run.sh OUTDIR [PART ...]      PART: index ingest assess batch kernels (default: all, in that order)
#
# It installs what the benchmarks need (scripts/deps-apt-bench.txt, if missing), builds recap and
# the bench executables in Release into $RECAP_BUILD_DIR (default build/), then runs:
#   index    bench/index_rate.sh        headers per second over >= 10 000 files, against gdcmscanner
#   ingest   bench/convert_vs_dcm2niix.sh   index + load / convert of a 512x512x300 CT and a
#                                       200x200x300 PET (uncompressed, JPEG-LS, JPEG lossless), against dcm2niix
#   assess   bench/assess_stages.sh     a full-resolution 3-timepoint, 6-lesion patient, per stage, peak memory
#   batch    bench/batch_throughput.sh  recap batch at --jobs 1 and 2
#   kernels  recap_bench_registration, recap_bench_reference (Google Benchmark), recap_bench_preset_lesions
# Each part writes OUTDIR/<part>/results.md; OUTDIR/results.md gathers the machine, the load, the
# targets table and every part's results. Generated inputs are kept in OUTDIR and reused.
# Environment: RECAP_BUILD_DIR; BENCH_RUNS (timed runs per measurement, default 3; 2 is quicker);
# the parts' own variables (see each script). The figures are meant for docs/performance.md.
set -euo pipefail
die() { echo "error: $*" >&2; exit 1; }
[[ $# -ge 1 ]] || die "usage: $0 OUTDIR [index|ingest|assess|batch|kernels ...]"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export RECAP_BUILD_DIR=${RECAP_BUILD_DIR:-$ROOT/build}
BUILD=$RECAP_BUILD_DIR
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
shift
PARTS=("$@")
((${#PARTS[@]})) || PARTS=(index ingest assess batch kernels)
for p in "${PARTS[@]}"; do
  case $p in index | ingest | assess | batch | kernels) ;; *) die "unknown part '$p'" ;; esac
done

# Setup: packages, configure, build.
"$ROOT/scripts/setup.sh"
# shellcheck source=../scripts/apt-install.sh
source "$ROOT/scripts/apt-install.sh"
install_missing "$ROOT/scripts/deps-apt-bench.txt"
cmake --build "$BUILD" -j"$(nproc)" --target recap recap_bench_index recap_bench_load recap_bench_make_series \
  recap_bench_registration recap_bench_reference recap_bench_preset_lesions >/dev/null

load() { cut -d' ' -f1-3 /proc/loadavg; }
start=$(date +%s)
load_start=$(load)
declare -A took
for p in "${PARTS[@]}"; do
  echo "== $p ==" >&2
  t0=$(date +%s)
  mkdir -p "$OUT/$p"
  case $p in
    index) "$ROOT/bench/index_rate.sh" "$OUT/$p" >/dev/null ;;
    ingest) "$ROOT/bench/convert_vs_dcm2niix.sh" "$OUT/$p" >/dev/null ;;
    assess) "$ROOT/bench/assess_stages.sh" "$OUT/$p" "${BENCH_RUNS:-3}" >/dev/null ;;
    batch) "$ROOT/bench/batch_throughput.sh" "$OUT/$p" >/dev/null ;;
    kernels)
      {
        echo "# Kernels"
        echo
        echo '## registration::alignRigid on a full-size moved pair (`recap_bench_registration`)'
        echo
        echo '```'
        "$BUILD/bench/recap_bench_registration" 2>&1
        echo '```'
        echo
        echo '## Reference regions on a full-resolution timepoint (`recap_bench_reference`, Google Benchmark)'
        echo
        echo '```'
        "$BUILD/bench/recap_bench_reference" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>&1
        echo '```'
        echo
        echo '## Every preset lesion segmented and measured (`recap_bench_preset_lesions`)'
        echo
        "$BUILD/bench/recap_bench_preset_lesions" 2>&1 | grep -v '^|' | grep -v '^$' || true
      } >"$OUT/$p/results.md"
      ;;
  esac
  took[$p]=$(($(date +%s) - t0))
done

# The targets, from each part's summary.tsv.
get() { [[ -f $OUT/$1/summary.tsv ]] && awk -F'\t' -v k="$2" '$1 == k { print $2 }' "$OUT/$1/summary.tsv" || true; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { if (v == "") print "not run"; else if ((op == "<=" && v + 0 <= t + 0) || (op == ">=" && v + 0 >= t + 0)) print "met"; else print "**not met**" }'; }
{
  echo "# recap benchmarks"
  echo
  echo "- command: \`bench/run.sh $OUT ${PARTS[*]}\`; $(date -u +%Y-%m-%dT%H:%MZ), $(( ($(date +%s) - start + 59) / 60 )) min"
  echo "- recap: git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'), $BUILD ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt"))"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r); $(g++ --version | head -n1)"
  echo "- load average (1, 5, 15 min) at the start: $load_start; at the end: $(load)"
  echo "- minutes per part: $(for p in "${PARTS[@]}"; do printf '%s %d; ' "$p" $(( (took[$p] + 59) / 60 )); done)"
  echo
  echo "## Targets"
  echo
  echo "| target | measured | verdict |"
  echo "|---|---|---|"
  if [[ -f $OUT/index/summary.tsv ]]; then
    echo "| indexing: headers/s over $(get index files) files, each file opened once, pixel data not read | $(get index headers_per_s) headers/s ($(get index ratio) x gdcmscanner's time); at most $(get index max_opens_per_run) open per file per run; $(get index bytes_read_pct) % of the bytes read | $(verdict "$(get index max_opens_per_run)" 1 '<=') (one open per file) |"
  fi
  if [[ -f $OUT/ingest/summary.tsv ]]; then
    while IFS=$'\t' read -r input series load_s ref ref_s ratio; do
      [[ $input == input ]] && continue
      refname='dcm2niix -z y'
      [[ $ref == dz_dec ]] && refname='DCMTK decoder + dcm2niix -z y'
      echo "| ingestion: recap's index + load <= the reference's conversion ($input $series) | ${load_s} s vs ${ref_s} s ($refname): ratio $ratio | $(verdict "$ratio" 1.0 '<=') |"
    done <"$OUT/ingest/summary.tsv"
  fi
  if [[ -f $OUT/assess/summary.tsv ]]; then
    echo "| \`recap assess\`, 3 timepoints x 6 lesions, full resolution: < 20 s | $(get assess total_s) s (mean of ${BENCH_RUNS:-3}) | $(verdict "$(get assess total_s)" 20 '<=') |"
    echo "| \`recap assess\` peak memory < 2 GB | $(get assess peak_rss_mb) MB | $(verdict "$(get assess peak_rss_mb)" 2048 '<=') |"
  fi
  if [[ -f $OUT/batch/summary.tsv ]]; then
    echo "| \`recap batch\` scaling from 1 to 2 jobs (near-linear: 2.0) | $(get batch cases) cases: $(get batch jobs1_s) s -> $(get batch jobs2_s) s, x$(get batch speedup) | $(verdict "$(get batch speedup)" 1.8 '>=') (x1.8 or more) |"
  fi
  echo
  for p in "${PARTS[@]}"; do
    echo "## $p"
    echo
    sed 's/^#/##/' "$OUT/$p/results.md"
    echo
  done
} >"$OUT/results.md"
sed -n '1,/^## index\|^## ingest\|^## assess\|^## batch\|^## kernels/p' "$OUT/results.md" | head -n -1
echo "full results: $OUT/results.md" >&2
