#include "recap/core/error.h"
#include "recap/phantom/spec.h"

namespace recap::phantom {

const std::vector<std::pair<std::string, std::string>>& embeddedPresets();  // generated

std::vector<std::string> presetNames() {
  std::vector<std::string> names;
  for (const auto& [name, text] : embeddedPresets()) names.push_back(name);
  return names;
}

std::string presetYaml(const std::string& name) {
  for (const auto& [n, text] : embeddedPresets())
    if (n == name) return text;
  std::string list;
  for (const auto& n : presetNames()) list += (list.empty() ? "" : ", ") + n;
  throw Error(ErrorCode::Usage, "", "unknown preset '" + name + "' (presets: " + list + ")");
}

}  // namespace recap::phantom
