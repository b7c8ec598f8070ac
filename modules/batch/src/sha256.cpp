#include "recap/batch/sha256.h"

#include <openssl/evp.h>

#include "recap/core/error.h"

namespace recap::batch {

namespace {
void check(int ok, const char* what) {
  if (ok != 1) throw Error(ErrorCode::Internal, "", std::string("SHA-256 (OpenSSL): ") + what + " failed");
}
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) throw Error(ErrorCode::Internal, "", "SHA-256 (OpenSSL): cannot allocate a digest context");
  if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_);
    throw Error(ErrorCode::Internal, "", "SHA-256 (OpenSSL): EVP_DigestInit_ex failed");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::update(std::string_view data) { update(data.data(), data.size()); }

void Sha256::update(const void* data, size_t size) { check(EVP_DigestUpdate(ctx_, data, size), "EVP_DigestUpdate"); }

std::string Sha256::hexDigest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  check(EVP_DigestFinal_ex(ctx_, md, &n), "EVP_DigestFinal_ex");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned int i = 0; i < n; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string sha256Hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hexDigest();
}

}  // namespace recap::batch
