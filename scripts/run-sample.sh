#!/usr/bin/env bash
# Sets up recap and runs its main job on the bundled sample patient: the sample is generated
# (deterministically, from dicom_samples/) into build/sample on first use, then recap lists what
# it finds and converts every CT and PET volume to NIfTI in build/sample-out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
scripts/setup.sh
build="${RECAP_BUILD_DIR:-build}"
sample="$build/sample"
if [ ! -f "$sample/SAMPLE.md" ]; then
  rm -rf "$sample"
  "$build/dicom_samples/recap_make_sample" "$sample"
fi
"$build/pipeline/recap" info "$sample"
echo
"$build/pipeline/recap" convert "$sample" --out "$build/sample-out" --force
echo
echo "NIfTI volumes and JSON sidecars written to $build/sample-out:"
ls -l "$build/sample-out"
