// Reader::name and the UTF-8 check used for every name in a module.
#include "binary/reader.hpp"

#include "hailmary/abi/utf8.hpp"

namespace hailmary::detail {

std::string_view Reader::name_view() {
  const uint64_t start = pos_;
  const uint32_t length = u32();
  if (failed_) return {};
  // Check the length against what is left before touching memory: a hostile length is an
  // error, not an allocation.
  if (length > remaining()) {
    fail("length out of bounds", start);
    return {};
  }
  std::string_view bytes(reinterpret_cast<const char*>(data_ + pos_), length);
  if (!is_valid_utf8(bytes)) {
    fail("malformed UTF-8 encoding", start);
    return {};
  }
  pos_ += length;
  return bytes;
}

std::string Reader::name() {
  return std::string(name_view());
}

bool is_valid_utf8(std::string_view bytes) noexcept {
  return abi::is_valid_utf8(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace hailmary::detail
