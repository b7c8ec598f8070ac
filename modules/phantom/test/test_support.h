// Helpers shared by the phantom module's tests: temporary folders and DCMTK read-back.
#pragma once

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace recap::phantom::test {

// A uniquely named folder under the system temporary folder, removed with its contents.
class TempDir {
 public:
  explicit TempDir(const std::string& label) {
    static std::atomic<int> counter{0};
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("recap-phantom-" + label + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
             "-" + std::to_string(now));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::unique_ptr<DcmFileFormat> loadDicom(const std::filesystem::path& p) {
  auto file = std::make_unique<DcmFileFormat>();
  const OFCondition c = file->loadFile(p.string().c_str());
  if (c.bad()) ADD_FAILURE() << "cannot load " << p << ": " << c.text();
  return file;
}

inline std::string getString(DcmItem& item, const DcmTagKey& tag) {
  OFString s;
  item.findAndGetOFStringArray(tag, s);
  return s.c_str();
}

inline double getDouble(DcmItem& item, const DcmTagKey& tag, unsigned long pos = 0) {
  Float64 v = 0;
  const OFCondition c = item.findAndGetFloat64(tag, v, pos);
  if (c.bad()) ADD_FAILURE() << "cannot read " << tag.toString() << "[" << pos << "]: " << c.text();
  return v;
}

inline long getInt(DcmItem& item, const DcmTagKey& tag) {
  Sint32 v = 0;
  const OFCondition c = item.findAndGetSint32(tag, v);
  if (c.bad()) ADD_FAILURE() << "cannot read " << tag.toString() << ": " << c.text();
  return v;
}

inline int getUs(DcmItem& item, const DcmTagKey& tag) {
  Uint16 v = 0;
  const OFCondition c = item.findAndGetUint16(tag, v);
  if (c.bad()) ADD_FAILURE() << "cannot read " << tag.toString() << ": " << c.text();
  return v;
}

inline std::string transferSyntaxOf(DcmFileFormat& file) {
  return getString(*file.getMetaInfo(), DCM_TransferSyntaxUID);
}

// Stored pixel values as a reader interprets them: BitsStored low bits, sign-extended when
// Pixel Representation is 1.
inline std::vector<long> storedPixels(DcmItem& item) {
  const Uint16* raw = nullptr;
  unsigned long count = 0;
  const OFCondition c = item.findAndGetUint16Array(DCM_PixelData, raw, &count);
  if (c.bad() || !raw) {
    ADD_FAILURE() << "no pixel data: " << c.text();
    return {};
  }
  const int bits = getUs(item, DCM_BitsStored);
  const bool is_signed = getUs(item, DCM_PixelRepresentation) == 1;
  const long mask = (1L << bits) - 1;
  std::vector<long> out(count);
  for (unsigned long i = 0; i < count; ++i) {
    long v = raw[i] & mask;
    if (is_signed && (v >> (bits - 1)) != 0) v -= (1L << bits);
    out[i] = v;
  }
  return out;
}

// The data element that `creator` reserved in `group`, found the way readers do: through the
// Private Creator element (gggg,00xx) holding `creator`, then element (gggg,xxee).
inline std::optional<DcmTagKey> privateTag(DcmItem& item, Uint16 group, const std::string& creator,
                                           Uint16 element_in_block) {
  for (Uint16 e = 0x10; e <= 0xFF; ++e) {
    OFString value;
    if (item.findAndGetOFString(DcmTagKey(group, e), value).good() && value == creator.c_str())
      return DcmTagKey(group, static_cast<Uint16>((e << 8) | element_in_block));
  }
  return std::nullopt;
}

}  // namespace recap::phantom::test
