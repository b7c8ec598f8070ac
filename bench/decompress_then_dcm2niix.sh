#!/usr/bin/env bash
# The reference conversion of a compressed series for bench/convert_vs_dcm2niix.sh, by tools that
# can read it: DCMTK's decoder (DECODER: dcmdjpls for JPEG-LS, dcmdjpeg for JPEG) on every file of
# DIR into OUT/decompressed, then dcm2niix -z y into OUT (as it runs by default); the decompressed
# copies are removed. Usage: bench/decompress_then_dcm2niix.sh DECODER OUT DIR
set -euo pipefail
decoder=$1 out=$2 dir=$3
mkdir -p "$out/decompressed"
for f in "$dir"/*; do "$decoder" "$f" "$out/decompressed/${f##*/}"; done
dcm2niix -z y -o "$out" "$out/decompressed" >/dev/null
rm -rf "$out/decompressed"
