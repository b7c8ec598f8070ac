#!/usr/bin/env bash
# Whole `recap assess` of a full-resolution 3-timepoint, 6-lesion patient (bench/assess-6-lesions.yaml:
# the sample with three more targets), per stage: ingest, alignment, tracking, lesions (segmentation +
# measurement), references, response, outputs (JSON, CSV, report); wall time and peak memory
# (GNU time). Issue 12's budget: under 20 s on 2 cores, under 2 GB. Run by hand, not a test;
# results: docs/performance.md.
#
# Usage: bench/assess_stages.sh OUTDIR [RUNS]      (RUNS assessments after one warm-up; default 3)
# Environment: RECAP_BUILD_DIR (default build/). Requires /usr/bin/time (Debian package time).
set -euo pipefail
die() { echo "error: $*" >&2; exit 1; }
[[ $# -ge 1 ]] || die "usage: $0 OUTDIR [RUNS]"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RECAP=${RECAP_BUILD_DIR:-$ROOT/build}/pipeline/recap
RUNS=${2:-3}
[[ -x $RECAP ]] || die "$RECAP not found (build first, or set RECAP_BUILD_DIR)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install -y time)"
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
patient=$OUT/bench-6-lesions
if [[ ! -f $patient/case.yaml ]]; then
  echo "generating the benchmark patient into $patient ..." >&2
  "$RECAP" phantom --spec "$ROOT/bench/assess-6-lesions.yaml" --out "$patient" --force >/dev/null
  # The case file: targets at their baseline centres (from the truth), as a reviewer marks them.
  {
    echo 'patient_id: "SAMPLE-001"'
    echo 'timepoints:'
    for tp in baseline fu1 fu2; do echo "  - {label: $tp, dicom: $tp}"; done
    echo 'target_lesions:'
  } > "$patient/case.yaml"
  python3 - "$patient" >> "$patient/case.yaml" <<'PY'
import json, sys
t = json.load(open(sys.argv[1] + "/baseline/truth.json"))
for l in t["lesions"]:
    if l["present"]:
        c = l["centre_mm"]
        print(f"  - {{id: {l['id']}, kind: {l['kind']}, seed_mm: [{c[0]!r}, {c[1]!r}, {c[2]!r}]}}")
PY
fi
files=$(find "$patient/" -type f | wc -l)
echo "warm-up assess (page cache) ..." >&2
"$RECAP" assess "$patient/case.yaml" --out "$OUT/run" --force >/dev/null 2>&1
rm -f "$OUT/runs.tsv"
{
  echo "| run | ingest s | analysis s (wall) | alignment s | tracking s | lesions s | references s | response s | outputs s | total s | wall s (time) | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for r in $(seq 1 "$RUNS"); do
    /usr/bin/time -v -o "$OUT/time-$r.txt" "$RECAP" assess "$patient/case.yaml" --out "$OUT/run" --force \
      >/dev/null 2>"$OUT/log-$r.txt"
    line=$(grep 'stage seconds:' "$OUT/log-$r.txt")
    get() { sed -n "s/.*$1 \([0-9.]*\).*/\1/p" <<<"$line"; }
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/\1/p' "$OUT/time-$r.txt")
    rss=$(( $(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\)/\1/p' "$OUT/time-$r.txt") / 1024 ))
    echo "| $r | $(get ingest) | $(get analysis) | $(get alignment) | $(get tracking) | $(get lesions) | $(get references) | $(get response) | $(get outputs) | $(get total) | $wall | $rss |"
    printf '%s\t%s\t%s\t%s\n' "$(get total)" "$rss" "$(get alignment)" "$(get lesions)" >>"$OUT/runs.tsv"
  done
  echo
  echo "Patient: 3 timepoints, 6 target lesions, $files files (CT 512 x 512, 0.9 mm, 2.5-3 mm slices; PET 180-200 matrix);"
  echo "$(nproc) cores; load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)."
} | tee "$OUT/results.md"
# For bench/run.sh: the mean total seconds and the largest peak RSS over the runs.
awk -F'\t' '{ t += $1; if ($2 > m) m = $2 } END { printf "total_s\t%.1f\npeak_rss_mb\t%d\n", t / NR, m }' \
  "$OUT/runs.tsv" >"$OUT/summary.tsv"
