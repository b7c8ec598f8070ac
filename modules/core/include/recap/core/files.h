// File output that never leaves a half-written file behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace recap {

// Writes `content` to `path` atomically: to a temporary file in the same folder, flushed to
// disk, then renamed over `path`. On any failure the temporary file is removed, `path` is left
// as it was, and an Error(Output) naming `path` is thrown.
void writeFileAtomic(const std::filesystem::path& path, std::string_view content);

// A temporary sibling path for `path` ("<dir>/.<name>.tmp-<pid>-<n>"), for writers that must
// produce the file themselves (e.g. a library writing an image) before commitFile() renames it.
std::filesystem::path temporarySibling(const std::filesystem::path& path);

// Makes a file written at `tmp` durable and renames it to `path` (same folder). On failure
// removes `tmp` and throws Error(Output).
void commitFile(const std::filesystem::path& tmp, const std::filesystem::path& path);

// Creates `dir` (and parents) if needed and checks that a file can be created in it;
// throws Error(Output) naming the folder otherwise.
void ensureWritableDirectory(const std::filesystem::path& dir);

}  // namespace recap
