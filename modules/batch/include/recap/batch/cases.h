// The cases of a batch: found in a folder (one subfolder with a case.yaml per case) or listed in a
// manifest (CSV or YAML), named, ordered by name, and split into deterministic shards
// (docs/batch.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace recap::batch {

struct CaseEntry {
  std::string name;                 // unique; names the output folder DIR/<name>
  std::filesystem::path case_file;  // resolved (absolute when the input was)
};

// A case name must be usable as a folder name: letters, digits, '.', '_', '-', not starting with
// '.', at most 200 characters.
bool validCaseName(const std::string& name);

// The cases of INPUT, sorted by name: a folder (each subfolder holding case.yaml is a case named
// after the subfolder; others are ignored), or a manifest file (.csv, .yaml, .yml). Throws
// Error(NoInput) for a missing input or a folder without cases, Error(CaseFile) for a malformed
// manifest or duplicate/invalid names (naming the file and the line or entry).
std::vector<CaseEntry> discoverCases(const std::filesystem::path& input);

// Manifests, parsed from text; `source` names the file in errors and `base_dir` resolves relative
// paths. CSV: a header row with a `case_file` column and optionally `name`. YAML: `cases:` a list
// of paths or of {case_file, name}. A missing name defaults to defaultCaseName(case_file).
std::vector<CaseEntry> parseCsvManifest(const std::string& text, const std::string& source,
                                        const std::filesystem::path& base_dir);
std::vector<CaseEntry> parseYamlManifest(const std::string& text, const std::string& source,
                                         const std::filesystem::path& base_dir);

// The case name implied by a case file's path: its folder's name when the file is called
// case.yaml (or case.yml), else the file name without extension.
std::string defaultCaseName(const std::filesystem::path& case_file);

struct Shard {
  int index = 1;  // K, 1-based
  int count = 1;  // N
};

// "K/N" with 1 <= K <= N; throws Error(Usage) otherwise.
Shard parseShard(const std::string& text);

// The cases of shard K/N: of the cases sorted by name, the i-th (0-based) belongs to shard
// (i mod N) + 1. `cases` must be sorted by name (discoverCases returns them so).
std::vector<CaseEntry> shardCases(const std::vector<CaseEntry>& cases, const Shard& shard);

}  // namespace recap::batch
