// JSON forms of a phantom spec and its truth (format in docs/phantom.md). Private to the module.
#pragma once

#include <nlohmann/json.hpp>

#include "recap/phantom/spec.h"

namespace recap::phantom {

// "measured", "too_small" (LDi under 5 mm: Lugano counts 5 x 5 mm) or "absent".
std::string lesionStatus(const LesionTruth& truth);

nlohmann::json timepointTruthJson(const PhantomSpec& spec, size_t t, const TimepointSpec& tp, const TimepointTruth& truth);
nlohmann::json gridsJson(const Rendered& r);
nlohmann::json specJson(const PhantomSpec& spec);

}  // namespace recap::phantom
