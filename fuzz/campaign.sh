#!/usr/bin/env bash
# A long fuzzing run that goes on after a finding: fuzz/campaign.sh HARNESS SECONDS [BUILD_DIR]
# libFuzzer stops at its first crash, leak, timeout or out-of-memory; this restarts fuzz/run.sh
# (which replays fuzz/regressions/HARNESS/ first) until SECONDS of wall time are spent, and prints
# one summary line: harness, wall seconds, restarts, executions summed over the runs, the last
# cov/ft libFuzzer reported, and the findings (files in BUILD_DIR/artifacts-HARNESS/ new this run).
# Logs go to BUILD_DIR/campaign-HARNESS.log.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
h="${1:?usage: fuzz/campaign.sh header|volume|casefile SECONDS [BUILD_DIR]}"
total="${2:?seconds}"
build="$(cd "${3:-$here/build-fuzz}" && pwd)"
log="$build/campaign-$h.log"
mkdir -p "$build/artifacts-$h"
before="$(ls "$build/artifacts-$h" | sort)"
start=$(date +%s); runs=0; execs=0; cov=""
: >"$log"
while :; do
  left=$(( total - ($(date +%s) - start) ))
  [ "$left" -gt 5 ] || break
  runs=$((runs + 1))
  out="$("$here/fuzz/run.sh" "$h" "$left" "$build" 2>&1)"
  printf '%s\n' "$out" >>"$log"
  n=$(printf '%s\n' "$out" | sed -n 's/^stat::number_of_executed_units: *//p' | tail -1)
  [ -z "$n" ] && n=$(printf '%s\n' "$out" | sed -n 's/^#\([0-9]*\).*/\1/p' | tail -1)
  execs=$((execs + ${n:-0}))
  c=$(printf '%s\n' "$out" | grep -o 'cov: [0-9]* ft: [0-9]*' | tail -1)
  [ -n "$c" ] && cov="$c"
done
after="$(ls "$build/artifacts-$h" | sort)"
new="$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | tr '\n' ' ')"
echo "$h: $(( $(date +%s) - start )) s, $runs run(s), $execs executions, $cov, findings: ${new:-none}"
