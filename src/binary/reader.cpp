// Reader::name and the UTF-8 check used for every name in a module.
#include "binary/reader.hpp"

namespace hailmary::detail {

std::string Reader::name() {
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
  return std::string(bytes);
}

// https://webassembly.github.io/spec/core/binary/values.html#names (UTF-8 as in Unicode 3.9,
// table 3-7: the well-formed byte sequences).
bool is_valid_utf8(std::string_view bytes) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    const unsigned char b0 = *p;
    if (b0 < 0x80) {
      ++p;
      continue;
    }
    // Lead byte: how many continuation bytes follow, and the allowed range of the first one
    // (which is what rules out overlongs, surrogates and code points above U+10FFFF).
    size_t extra;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      extra = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      extra = 2;
      if (b0 == 0xE0) lo = 0xA0;  // overlong
      if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      extra = 3;
      if (b0 == 0xF0) lo = 0x90;  // overlong
      if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;  // continuation byte as lead, 0xC0/0xC1 overlongs, 0xF5..0xFF
    }
    if (static_cast<size_t>(end - p) <= extra) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t i = 2; i <= extra; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += extra + 1;
  }
  return true;
}

}  // namespace hailmary::detail
