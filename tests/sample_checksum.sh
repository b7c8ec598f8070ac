#!/usr/bin/env bash
# Generates the bundled sample patient and compares the SHA-256 of its files (paths and bytes, in
# path order) with dicom_samples/sample.sha256.   --update rewrites that file instead.
# Usage: sample_checksum.sh RECAP_EXE [--update]
set -euo pipefail
recap="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
expected_file="$here/dicom_samples/sample.sha256"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$recap" -q phantom --preset sample --out "$tmp/sample" >/dev/null
actual="$(cd "$tmp/sample" && find . -type f | LC_ALL=C sort | while read -r f; do echo "$f"; sha256sum < "$f"; done | sha256sum | cut -d' ' -f1)"
if [ "${2:-}" = "--update" ]; then
  echo "$actual" > "$expected_file"
  echo "updated $expected_file: $actual"
  exit 0
fi
expected="$(cat "$expected_file")"
if [ "$actual" != "$expected" ]; then
  echo "sample checksum differs: generated $actual, committed $expected" >&2
  echo "(if the generator changed on purpose: tests/sample_checksum.sh RECAP_EXE --update)" >&2
  exit 1
fi
echo "sample checksum ok: $actual"
