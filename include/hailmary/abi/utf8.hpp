// UTF-8 validation shared by everything that checks text: the decoder (names), the host FFI
// (strings from guests) and the guest SDK (strings from the host). Freestanding, so guests
// built with --target=wasm32 can use it.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace hailmary::abi {

/// Well-formed UTF-8 as Unicode defines it (table 3-7): no overlongs, no surrogates, nothing
/// above U+10FFFF, no truncated sequence.
/// https://webassembly.github.io/spec/core/binary/values.html#names uses the same definition.
inline bool is_valid_utf8(const unsigned char* p, size_t n) noexcept {
  const unsigned char* end = p + n;
  while (p < end) {
    // ASCII fast path, 32 and then 8 bytes a step: most text is mostly ASCII, and inside a
    // guest an interpreted byte loop is what costs (one test of four words or-ed together
    // takes about half the instructions of four tests).
    while (end - p >= 32) {
      uint64_t w[4];
      __builtin_memcpy(w, p, 32);
      if (((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull) != 0) break;
      p += 32;
    }
    while (end - p >= 8) {
      uint64_t w;
      __builtin_memcpy(&w, p, 8);
      if ((w & 0x8080808080808080ull) != 0) break;
      p += 8;
    }
    if (p >= end) break;
    const unsigned char b0 = *p;
    if (b0 < 0x80) {
      ++p;
      continue;
    }
    // The lead byte fixes the sequence length and the allowed range of the second byte,
    // which is what rules out overlongs, surrogates and code points above U+10FFFF.
    size_t extra;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      extra = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      extra = 2;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      extra = 3;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return false;  // a continuation byte as lead, 0xC0/0xC1, 0xF5..0xFF
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

}  // namespace hailmary::abi
