// SHA-256 for the input digests of recap batch: OpenSSL's libcrypto (Debian's libssl-dev, already
// a dependency of DCMTK's) behind a small incremental interface.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace recap::batch {

class Sha256 {
 public:
  Sha256();  // throws recap::Error(Internal) if OpenSSL cannot start a SHA-256
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  void update(const void* data, size_t size);
  // The digest as 64 lowercase hex digits. The object must not be updated afterwards.
  std::string hexDigest();

 private:
  evp_md_ctx_st* ctx_;
};

// SHA-256 of `data` as hex.
std::string sha256Hex(std::string_view data);

}  // namespace recap::batch
