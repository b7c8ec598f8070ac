#!/usr/bin/env bash
# Ingestion benchmark: recap against dcm2niix on a whole-body PET/CT of realistic size.
# A benchmark run by hand, not a test. Results and their reading: docs/performance.md.
#
# Usage: bench/convert_vs_dcm2niix.sh OUTDIR
#
#   Builds nothing: takes recap and the bench executables from $RECAP_BUILD_DIR (default build/
#   in the repository), configured with RECAP_BUILD_BENCH=ON (the default), e.g.
#     cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2
#   In OUTDIR it writes, once (kept for later runs; BENCH_REGENERATE=1 writes them again):
#     series/ct, series/pet                    512x512x300 CT and 200x200x300 PET, uncompressed
#     series/{ct,pet}-jpeg-ls-lossless         JPEG-LS lossless copies (dcmcjpls +el)
#     series/{ct,pet}-jpeg-lossless            JPEG lossless process 14 copies (dcmcjpeg +e1),
#                                              the lossless syntax every dcm2niix build decodes
#   then times, for every input and for CT and PET separately:
#     recap convert DIR --out TMP --force                      gzip level 6 (default), zlib, 1 thread
#     recap convert DIR --out TMP --force --compression-level 1
#     recap_bench_load DIR                                     index + decode into memory, no output
#     dcm2niix -z y -o TMP DIR                                 pigz -6 if installed, else internal
#     dcm2niix -z i -o TMP DIR                                 internal gzip (miniz), 1 thread
#     dcm2niix -z n -o TMP DIR                                 uncompressed .nii
#     dcmdjpls/dcmdjpeg every file, then dcm2niix -z y         the reference for compressed input
#                                                              (Debian's dcm2niix has no JPEG-LS decoder)
#   and prints a Markdown table (also saved as OUTDIR/results.md).
#
# Requires: dcm2niix, dcmcjpls and dcmcjpeg (Debian dcmtk), GNU time (/usr/bin/time, Debian
# package time) for peak RSS, and preferably hyperfine (Debian package hyperfine: apt-get install
# -y hyperfine), used with --warmup 1 --runs $BENCH_RUNS; without it a plain loop with the same
# warmup and run count is used. pigz (recommended by Debian's dcm2niix) changes dcm2niix -z y.
# Environment: RECAP_BUILD_DIR, BENCH_RUNS (default 3), BENCH_REGENERATE (default 0),
# BENCH_SERIES (default "ct pet"; "pet" alone for a quick trial).
# Every run reads the input from a warm page cache (the warmup run loads it).
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: $0 OUTDIR"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RECAP_BUILD_DIR:-$ROOT/build}
RUNS=${BENCH_RUNS:-3}
MODALITIES=${BENCH_SERIES:-ct pet}
OUT=$1
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SERIES=$OUT/series
WORK=$OUT/work
RESULTS=$OUT/results.md

RECAP=$BUILD/pipeline/recap
MAKE_SERIES=$BUILD/bench/recap_bench_make_series
LOAD=$BUILD/bench/recap_bench_load
for exe in "$RECAP" "$MAKE_SERIES" "$LOAD"; do
  [[ -x $exe ]] || die "$exe not found: build first (RECAP_BUILD_DIR=$BUILD, RECAP_BUILD_BENCH=ON)"
done
for tool in dcm2niix dcmcjpls dcmcjpeg; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian packages dcm2niix, dcmtk)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (Debian package time)"
HYPERFINE=$(command -v hyperfine || true)
[[ $RUNS -ge 2 ]] || die "BENCH_RUNS must be at least 2 (for a standard deviation)"

# ----------------------------------------------------------------------------------------------
# Inputs

STAMP=$SERIES/.complete
if [[ ${BENCH_REGENERATE:-0} != 0 || ! -f $STAMP ]]; then
  rm -rf "$SERIES"
  echo "generating the series in $SERIES ..." >&2
  start=$(date +%s.%N)
  "$MAKE_SERIES" "$SERIES" --jpeg-ls --jpeg-lossless
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "generated in %.1f s\n", b - a }' >&2
  touch "$STAMP"
fi

# ----------------------------------------------------------------------------------------------
# Measuring

rm -rf "$WORK"
mkdir -p "$WORK"

# measure ID TMPDIR CMD...: runs CMD (output into TMPDIR, emptied before each run) 1 + RUNS times
# and sets MEAN, SD, MIN (seconds), RSS (MB, the largest of all runs) and FAILED (empty on success).
measure() {
  local id=$1 tmp=$2
  shift 2
  local rss=$WORK/$id.rss log=$WORK/$id.log
  MEAN="" SD="" MIN="" RSS="" FAILED=""
  rm -f "$rss"
  local timed=(/usr/bin/time -a -o "$rss" -f %M "$@")
  local prepare
  prepare="rm -rf $(printf %q "$tmp") && mkdir -p $(printf %q "$tmp")"
  if [[ -n $HYPERFINE ]]; then
    if ! "$HYPERFINE" --warmup 1 --runs "$RUNS" --style basic --prepare "$prepare" \
        --export-csv "$WORK/$id.csv" "$(printf '%q ' "${timed[@]}")" >"$log" 2>&1; then
      FAILED=1
    else
      # command,mean,stddev,median,user,system,min,max
      MEAN=$(awk -F, 'NR == 2 { printf "%.3f", $2 }' "$WORK/$id.csv")
      SD=$(awk -F, 'NR == 2 { printf "%.3f", $3 }' "$WORK/$id.csv")
      MIN=$(awk -F, 'NR == 2 { printf "%.3f", $7 }' "$WORK/$id.csv")
    fi
  else
    local i times=$WORK/$id.times
    : >"$times"
    for ((i = 0; i <= RUNS; ++i)); do
      bash -c "$prepare"
      if ! /usr/bin/time -o "$WORK/$id.one" -f '%e' "${timed[@]}" >>"$log" 2>&1; then
        FAILED=1
        break
      fi
      ((i == 0)) || cat "$WORK/$id.one" >>"$times"  # run 0 is the warmup
    done
    if [[ -z $FAILED ]]; then
      MEAN=$(awk '{ s += $1; n++ } END { printf "%.3f", s / n }' "$times")
      SD=$(awk '{ x[n++] = $1; s += $1 } END { m = s / n; for (i = 0; i < n; i++) v += (x[i] - m) ^ 2;
                 printf "%.3f", sqrt(v / (n - 1)) }' "$times")
      MIN=$(sort -g "$times" | awk 'NR == 1 { printf "%.3f", $1 }')
    fi
  fi
  # The output must exist: a tool that exits 0 without writing anything has not converted.
  if [[ -z $FAILED && $id != *load* ]] && ! compgen -G "$tmp/*.nii*" >/dev/null; then FAILED=1; fi
  if [[ -n $FAILED ]]; then
    # Once more, unwrapped, for the tool's own message.
    bash -c "$prepare"
    local rc=0
    "$@" >"$log" 2>&1 || rc=$?
    local why
    why=$(grep -m1 -oiE "unsupported transfer syntax '[0-9.]*'" "$log" ||
          grep -m1 -iE 'error|warning' "$log" | cut -c1-80 || true)
    FAILED="exit $rc: ${why:-see $log}"
    return 0
  fi
  RSS=$(sort -n "$rss" | tail -n1 | awk '{ printf "%.0f", $1 / 1024 }')
}

# dcm2niix -z y's mean time, or where it failed (JPEG-LS), DCMTK's decoder followed by it.
reference() { local y=${mean[$1/$2/dz_y]:-}; [[ -n $y ]] && echo "$y" || echo "${mean[$1/$2/dz_dec]:-}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "—"; else printf "%.2f", a / b }'; }

declare -A mean sd min rss failed
INPUTS=(uncompressed jpeg-ls-lossless jpeg-lossless)
TOOLS=(recap6 recap1 load dz_y dz_i dz_n dz_dec)
# shellcheck disable=SC2016  # backquotes are Markdown here
declare -A label=(
  [recap6]='`recap convert` (gzip 6)'
  [recap1]='`recap convert --compression-level 1`'
  [load]='`recap_bench_load` (index + decode, no output)'
  [dz_y]='`dcm2niix -z y`'
  [dz_i]='`dcm2niix -z i` (internal gzip)'
  [dz_n]='`dcm2niix -z n` (no gzip)'
  [dz_dec]='DCMTK decompresses every file, then `dcm2niix -z y`'
)
folder() { [[ $1 == uncompressed ]] && echo "$SERIES/$2" || echo "$SERIES/$2-$1"; }

STAGES=$WORK/stages.txt
: >"$STAGES"
# Other work on the machine inflates the figures (the min column suffers least): the load
# average before and after the measurements goes into the report.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
timing_start=$(date +%s)
for input in "${INPUTS[@]}"; do
  for mod in $MODALITIES; do
    dir=$(folder "$input" "$mod")
    [[ -d $dir ]] || die "$dir missing: remove $STAMP or set BENCH_REGENERATE=1"
    # Stage split of one recap run (index, decode, NIfTI write), for the reading of the figures.
    { echo "## $input $mod"; "$LOAD" "$dir" --write "$WORK/stages-out"; } >>"$STAGES" 2>&1 || true
    for tool in "${TOOLS[@]}"; do
      [[ $tool == dz_dec && $input == uncompressed ]] && continue
      key=$input/$mod/$tool
      id=${input}_${mod}_$tool
      tmp=$WORK/out_$id
      echo "timing $key ..." >&2
      case $tool in
        recap6) measure "$id" "$tmp" "$RECAP" convert "$dir" --out "$tmp" --force ;;
        recap1) measure "$id" "$tmp" "$RECAP" convert "$dir" --out "$tmp" --force --compression-level 1 ;;
        load) measure "$id" "$tmp" "$LOAD" "$dir" ;;
        dz_y) measure "$id" "$tmp" dcm2niix -z y -o "$tmp" "$dir" ;;
        dz_i) measure "$id" "$tmp" dcm2niix -z i -o "$tmp" "$dir" ;;
        dz_n) measure "$id" "$tmp" dcm2niix -z n -o "$tmp" "$dir" ;;
        dz_dec) measure "$id" "$tmp" "$ROOT/bench/decompress_then_dcm2niix.sh" \
                  "$([[ $input == jpeg-ls-lossless ]] && echo dcmdjpls || echo dcmdjpeg)" "$tmp" "$dir" ;;
      esac
      mean[$key]=$MEAN sd[$key]=$SD min[$key]=$MIN rss[$key]=$RSS failed[$key]=$FAILED
      rm -rf "$tmp"
    done
  done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
timing_minutes=$(( ($(date +%s) - timing_start + 59) / 60 ))

# ----------------------------------------------------------------------------------------------
# Report

# Which gzip dcm2niix -z y uses: it says so on stdout ("Compress: pigz ...") when it finds pigz.
mkdir -p "$WORK/which-gzip"
dz_gzip=$(dcm2niix -z y -o "$WORK/which-gzip" "$(folder uncompressed pet)" 2>&1 | grep -m1 '^Compress:' |
          sed 's/^Compress: //' || true)
[[ -n $dz_gzip ]] || dz_gzip="its internal gzip (pigz not found)"
dz_version=$({ dcm2niix -h 2>&1 || true; } | head -n1)

{
  echo "# recap vs dcm2niix: ingestion benchmark"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
  echo "- recap: $("$RECAP" --version 2>/dev/null | head -n1) (git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $BUILD)"
  echo "- dcm2niix: $dz_version"
  echo "- dcm2niix -z y compresses with: $dz_gzip"
  echo "- timing: $( [[ -n $HYPERFINE ]] && "$HYPERFINE" --version || echo 'shell loop with /usr/bin/time' ), 1 warmup + $RUNS runs, warm page cache; peak RSS from GNU time (%M, the largest over all runs)"
  echo "- load average (1, 5, 15 min) before the measurements: $load_before; after ($timing_minutes min): $load_after"
  echo "- input sizes: $(for d in "$SERIES"/*/; do printf '%s %s; ' "$(basename "$d")" "$(du -sh "$d" | cut -f1)"; done)"
  echo
  echo "Ratio columns: recap's time divided by dcm2niix's. *vs -z y*: dcm2niix as it runs by default for .nii.gz"
  echo "(where dcm2niix cannot decode the input, DCMTK's decoder on every file followed by dcm2niix -z y)."
  echo "*vs matched*: \`recap convert\` (gzip 6) against \`dcm2niix -z i\` (both gzip level 6 on one thread);"
  echo "\`recap_bench_load\` against \`dcm2niix -z n\` (read and decode, no gzip; dcm2niix still writes the .nii)."
  echo
  echo "| input | series | tool | mean s | ± sd | min s | peak RSS MB | recap/dcm2niix vs -z y | recap/dcm2niix vs matched |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
  for input in "${INPUTS[@]}"; do
    for mod in $MODALITIES; do
      for tool in "${TOOLS[@]}"; do
        [[ $tool == dz_dec && $input == uncompressed ]] && continue
        key=$input/$mod/$tool
        if [[ -n ${failed[$key]} ]]; then
          echo "| $input | ${mod^^} | ${label[$tool]} | failed | | | | | ${failed[$key]//|/\\|} |"
          continue
        fi
        r_y="" r_m=""
        case $tool in
          recap6 | recap1 | load) r_y=$(ratio "${mean[$key]}" "$(reference "$input" "$mod")") ;;
        esac
        case $tool in
          recap6) r_m=$(ratio "${mean[$key]}" "${mean[$input/$mod/dz_i]}") ;;
          load) r_m=$(ratio "${mean[$key]}" "${mean[$input/$mod/dz_n]}") ;;
        esac
        echo "| $input | ${mod^^} | ${label[$tool]} | ${mean[$key]} | ${sd[$key]} | ${min[$key]} | ${rss[$key]} | $r_y | $r_m |"
      done
    done
  done
  echo
  echo "Stage split of one \`recap_bench_load DIR --write\` run (index, decode into memory, writeNifti at gzip 6):"
  echo
  echo '```'
  grep -v '^$' "$STAGES" | sed "s|$WORK/||g"
  echo '```'
} | tee "$RESULTS"
{
  printf 'input\tseries\trecap_load_s\treference\treference_s\tratio\n'
  for input in "${INPUTS[@]}"; do
    for mod in $MODALITIES; do
      ref_tool=dz_y
      [[ -z ${mean[$input/$mod/dz_y]:-} ]] && ref_tool=dz_dec
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$input" "${mod^^}" "${mean[$input/$mod/load]:-}" "$ref_tool" \
        "$(reference "$input" "$mod")" "$(ratio "${mean[$input/$mod/load]:-}" "$(reference "$input" "$mod")")"
    done
  done
} >"$OUT/summary.tsv"
rm -rf "$WORK/stages-out" "$WORK/which-gzip"
echo "results written to $RESULTS" >&2
