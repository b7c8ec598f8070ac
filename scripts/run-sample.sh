#!/usr/bin/env bash
# Sets up recap and runs its main job on the bundled sample patient: the sample (3 timepoints) is
# generated from dicom_samples/presets/sample.yaml into build/sample on first use; then recap lists
# what it finds, converts every CT and PET volume to NIfTI in build/sample-out, and assesses the
# patient from its case file (dicom_samples/sample-case.yaml) into build/sample-assessment
# (assessment.json, lesions.csv and the reviewer's report.html).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
scripts/setup.sh
build="${RECAP_BUILD_DIR:-build}"
recap="$build/pipeline/recap"
sample="$build/sample"
if [ ! -f "$sample/phantom.json" ]; then
  echo "Generating the sample patient into $sample (about a minute)..."
  "$recap" phantom --preset sample --out "$sample" --force
fi
echo
"$recap" info "$sample"
echo
"$recap" convert "$sample" --out "$build/sample-out" --force
echo
echo "NIfTI volumes and JSON sidecars written to $build/sample-out:"
find "$build/sample-out" -name '*.nii.gz' | sort
echo
cp dicom_samples/sample-case.yaml "$sample/case.yaml"
"$recap" assess "$sample/case.yaml" --out "$build/sample-assessment" --force
echo
echo "Assessment written to $build/sample-assessment: assessment.json, lesions.csv, report.html (open it in a browser)"
