// batch_report.html: a self-contained page (inline SVG, no scripts, no external files) with a
// waterfall plot (best SPD change from baseline per case), a spider plot (SPD change over time per
// case) and a table of every case, timepoint and failure.
#pragma once

#include <string>
#include <vector>

#include "recap/batch/summary.h"

namespace recap::batch {

// The page for `rows` (as in batch_summary.csv); `title` heads it.
std::string htmlReport(const std::vector<SummaryRow>& rows, const std::string& title);

}  // namespace recap::batch
