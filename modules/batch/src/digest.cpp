#include "recap/batch/digest.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "recap/batch/sha256.h"
#include "recap/casefile/casefile.h"
#include "recap/core/error.h"

namespace fs = std::filesystem;

namespace recap::batch {

namespace {

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Length-prefixed, so that no two different inputs hash the same byte stream.
void field(Sha256& h, const std::string& s) {
  h.update(std::to_string(s.size()) + ":");
  h.update(s);
}

}  // namespace

InputDigest inputDigest(const fs::path& case_file, const std::string& recap_version) {
  InputDigest d;
  casefile::CaseFile c;
  try {
    c = casefile::loadCaseFile(case_file);
  } catch (const Error& e) {
    d.problem = e.what();
    return d;
  }
  Sha256 h;
  field(h, "recap-batch-digest-1");
  field(h, recap_version);
  field(h, readFile(case_file));
  d.profile = c.profile.name + " " + c.profile.version;
  field(h, d.profile);
  field(h, c.profile_path ? readFile(*c.profile_path) : std::string());
  // The baseline SR the targets come from (only when given, so that other cases keep their digests).
  if (c.target_lesions_from) field(h, "target_lesions_from " + readFile(*c.target_lesions_from));
  for (const auto& tp : c.timepoints) {
    field(h, tp.label);
    std::vector<std::pair<std::string, std::string>> files;  // relative path, "size mtime"
    std::error_code ec;
    for (fs::recursive_directory_iterator it(tp.dicom, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      std::error_code fe;
      if (!it->is_regular_file(fe)) continue;
      const auto size = it->file_size(fe);
      const auto mtime = fs::last_write_time(it->path(), fe).time_since_epoch();
      files.emplace_back(it->path().lexically_relative(tp.dicom).generic_string(),
                         std::to_string(size) + " " +
                             std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(mtime).count()));
    }
    std::sort(files.begin(), files.end());
    field(h, std::to_string(files.size()));
    for (const auto& [path, stat] : files) {
      field(h, path);
      field(h, stat);
    }
  }
  d.sha256 = h.hexDigest();
  return d;
}

}  // namespace recap::batch
