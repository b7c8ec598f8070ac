#include "recap/batch/cases.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "recap/batch/csv.h"
#include "recap/core/error.h"

namespace fs = std::filesystem;

namespace recap::batch {

namespace {

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(ErrorCode::NoInput, p.string(), "cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path resolve(const fs::path& base_dir, const std::string& p) {
  const fs::path path(p);
  return path.is_absolute() ? path : (base_dir / path).lexically_normal();
}

// Sorts by name and refuses invalid or duplicate names.
std::vector<CaseEntry> finish(std::vector<CaseEntry> cases, const std::vector<std::string>& where,
                              const std::string& source) {
  std::map<std::string, std::string> seen;  // name -> where
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string& n = cases[i].name;
    if (!validCaseName(n))
      throw Error(ErrorCode::CaseFile, source,
                  where[i] + ": case name '" + n +
                      "' is not a valid folder name (letters, digits, '.', '_', '-'; not starting with '.')");
    const auto [it, fresh] = seen.emplace(n, where[i]);
    if (!fresh) throw Error(ErrorCode::CaseFile, source, where[i] + ": case name '" + n + "' already used at " + it->second);
  }
  std::sort(cases.begin(), cases.end(), [](const CaseEntry& a, const CaseEntry& b) { return a.name < b.name; });
  return cases;
}

}  // namespace

bool validCaseName(const std::string& name) {
  if (name.empty() || name.size() > 200 || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::string defaultCaseName(const fs::path& case_file) {
  const std::string file = case_file.filename().string();
  if (file == "case.yaml" || file == "case.yml") {
    const fs::path parent = case_file.parent_path().filename();
    if (!parent.empty() && parent != "." && parent != "..") return parent.string();
  }
  return case_file.stem().string();
}

std::vector<CaseEntry> parseCsvManifest(const std::string& text, const std::string& source, const fs::path& base_dir) {
  std::vector<std::vector<std::string>> rows;
  try {
    rows = parseCsv(text);
  } catch (const std::invalid_argument& e) {
    throw Error(ErrorCode::CaseFile, source, e.what());
  }
  if (rows.empty()) throw Error(ErrorCode::CaseFile, source, "empty manifest (expected a header row with a case_file column)");
  int file_col = -1, name_col = -1;
  for (size_t c = 0; c < rows[0].size(); ++c) {
    const std::string& h = rows[0][c];
    if (h == "case_file") file_col = int(c);
    else if (h == "name") name_col = int(c);
    else
      throw Error(ErrorCode::CaseFile, source, "line 1: unknown column '" + h + "' (allowed: case_file, name)");
  }
  if (file_col < 0) throw Error(ErrorCode::CaseFile, source, "line 1: no case_file column in the header");
  std::vector<CaseEntry> cases;
  std::vector<std::string> where;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string line = "line " + std::to_string(r + 1);
    if (row.size() == 1 && row[0].empty()) continue;  // a blank line
    if (row.size() != rows[0].size())
      throw Error(ErrorCode::CaseFile, source,
                  line + ": " + std::to_string(row.size()) + " cells, the header has " + std::to_string(rows[0].size()));
    const std::string& file = row[size_t(file_col)];
    if (file.empty()) throw Error(ErrorCode::CaseFile, source, line + ": empty case_file");
    CaseEntry e;
    e.case_file = resolve(base_dir, file);
    e.name = name_col >= 0 && !row[size_t(name_col)].empty() ? row[size_t(name_col)] : defaultCaseName(e.case_file);
    cases.push_back(e);
    where.push_back(line);
  }
  if (cases.empty()) throw Error(ErrorCode::NoInput, source, "the manifest lists no cases");
  return finish(std::move(cases), where, source);
}

std::vector<CaseEntry> parseYamlManifest(const std::string& text, const std::string& source, const fs::path& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::CaseFile, source, "not valid YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) + ")");
  }
  if (!root.IsMap() || !root["cases"])
    throw Error(ErrorCode::CaseFile, source,
                "not a batch manifest: expected a map with a 'cases' list (a single case file is run with recap assess)");
  for (const auto& kv : root)
    if (kv.first.as<std::string>() != "cases")
      throw Error(ErrorCode::CaseFile, source, kv.first.as<std::string>() + ": unknown key (allowed: cases)");
  const YAML::Node list = root["cases"];
  if (!list.IsSequence()) throw Error(ErrorCode::CaseFile, source, "cases: expected a list");
  std::vector<CaseEntry> cases;
  std::vector<std::string> where;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = "cases[" + std::to_string(i) + "]";
    const YAML::Node n = list[i];
    CaseEntry e;
    if (n.IsScalar()) {
      e.case_file = resolve(base_dir, n.as<std::string>());
      e.name = defaultCaseName(e.case_file);
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        const std::string k = kv.first.as<std::string>();
        if (k != "case_file" && k != "name")
          throw Error(ErrorCode::CaseFile, source, at + "." + k + ": unknown key (allowed: case_file, name)");
        if (!kv.second.IsScalar()) throw Error(ErrorCode::CaseFile, source, at + "." + k + ": expected a string");
      }
      if (!n["case_file"]) throw Error(ErrorCode::CaseFile, source, at + ": case_file missing");
      e.case_file = resolve(base_dir, n["case_file"].as<std::string>());
      e.name = n["name"] ? n["name"].as<std::string>() : defaultCaseName(e.case_file);
    } else {
      throw Error(ErrorCode::CaseFile, source, at + ": expected a path or {case_file, name}");
    }
    cases.push_back(e);
    where.push_back(at);
  }
  if (cases.empty()) throw Error(ErrorCode::NoInput, source, "the manifest lists no cases");
  return finish(std::move(cases), where, source);
}

std::vector<CaseEntry> discoverCases(const fs::path& input) {
  std::error_code ec;
  if (!fs::exists(input, ec)) throw Error(ErrorCode::NoInput, input.string(), "not found");
  if (fs::is_directory(input, ec)) {
    std::vector<CaseEntry> cases;
    std::vector<std::string> where;
    for (const auto& d : fs::directory_iterator(input)) {
      if (!d.is_directory()) continue;
      const std::string name = d.path().filename().string();
      if (name.empty() || name[0] == '.') continue;  // hidden folders
      for (const char* f : {"case.yaml", "case.yml"})
        if (fs::is_regular_file(d.path() / f)) {
          cases.push_back({name, d.path() / f});
          where.push_back(name + "/" + f);
          break;
        }
    }
    if (cases.empty())
      throw Error(ErrorCode::NoInput, input.string(), "no case: no subfolder holds a case.yaml (docs/batch.md)");
    return finish(std::move(cases), where, input.string());
  }
  const std::string ext = input.extension().string();
  const fs::path base = input.parent_path().empty() ? fs::path(".") : input.parent_path();
  if (ext == ".csv") return parseCsvManifest(readFile(input), input.string(), base);
  if (ext == ".yaml" || ext == ".yml") return parseYamlManifest(readFile(input), input.string(), base);
  throw Error(ErrorCode::NoInput, input.string(),
              "not a folder of cases nor a manifest (.csv, .yaml or .yml)");
}

Shard parseShard(const std::string& text) {
  const auto slash = text.find('/');
  auto number = [&](const std::string& s) -> int {
    if (s.empty() || s.size() > 6 || s.find_first_not_of("0123456789") != std::string::npos)
      throw Error(ErrorCode::Usage, "", "--shard " + text + ": expected K/N with 1 <= K <= N");
    return std::stoi(s);
  };
  if (slash == std::string::npos) number("");
  Shard s{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (s.count < 1 || s.index < 1 || s.index > s.count)
    throw Error(ErrorCode::Usage, "", "--shard " + text + ": expected K/N with 1 <= K <= N");
  return s;
}

std::vector<CaseEntry> shardCases(const std::vector<CaseEntry>& cases, const Shard& shard) {
  std::vector<CaseEntry> out;
  for (size_t i = 0; i < cases.size(); ++i)
    if (int(i % size_t(shard.count)) + 1 == shard.index) out.push_back(cases[i]);
  return out;
}

}  // namespace recap::batch
