// SHA-256 (FIPS 180-4), for the input digests of recap batch. Small and dependency-free.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace recap::batch {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  void update(const void* data, size_t size);
  // The digest as 64 lowercase hex digits. The object must not be updated afterwards.
  std::string hexDigest();

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes hashed so far
};

// SHA-256 of `data` as hex.
std::string sha256Hex(std::string_view data);

}  // namespace recap::batch
