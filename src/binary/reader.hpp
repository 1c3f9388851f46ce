// Bounds-checked cursor over module bytes with LEB128 decoding. Keeps the first error; after
// an error every read returns 0 and ok() is false, so callers check once per construct.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "hailmary/error.hpp"

namespace hailmary::detail {

class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, uint64_t pos = 0, uint64_t end = UINT64_MAX)
      : data_(bytes.data()), pos_(pos), end_(end < bytes.size() ? end : bytes.size()) {}

  bool ok() const noexcept { return !failed_; }
  bool at_end() const noexcept { return pos_ >= end_; }
  uint64_t pos() const noexcept { return pos_; }
  uint64_t end() const noexcept { return end_; }
  uint64_t remaining() const noexcept { return failed_ || pos_ >= end_ ? 0 : end_ - pos_; }
  const uint8_t* data() const noexcept { return data_; }

  /// Record a Malformed error at `at` (the first one wins).
  void fail(std::string message, uint64_t at) {
    if (!failed_) {
      failed_ = true;
      error_ = Error(ErrorKind::Malformed, std::move(message), at);
    }
    pos_ = end_;
  }
  void fail(std::string message) { fail(std::move(message), pos_); }
  /// Record an error of another kind (e.g. an Invalid constant expression the decoder cannot
  /// step over), with the same first-error-wins rule.
  void fail(Error error) {
    if (!failed_) {
      failed_ = true;
      error_ = std::move(error);
    }
    pos_ = end_;
  }
  const Error& error() const noexcept { return error_; }
  Error take_error() { return std::move(error_); }

  uint8_t u8() {
    if (pos_ >= end_) {
      fail("unexpected end");
      return 0;
    }
    return data_[pos_++];
  }
  /// The next byte, which the caller has checked is there (!at_end()).
  uint8_t next_byte() noexcept { return data_[pos_++]; }
  uint8_t peek() const noexcept { return pos_ < end_ ? data_[pos_] : 0; }

  uint32_t u32_fixed() {
    if (remaining() < 4) {
      fail("unexpected end");
      return 0;
    }
    uint32_t v;
    std::memcpy(&v, data_ + pos_, 4);
    pos_ += 4;
    return v;
  }
  uint64_t u64_fixed() {
    if (remaining() < 8) {
      fail("unexpected end");
      return 0;
    }
    uint64_t v;
    std::memcpy(&v, data_ + pos_, 8);
    pos_ += 8;
    return v;
  }

  // LEB128: most values fit one byte (opcode immediates, local indices, small constants), so
  // that case is inline (always: the body pass's run() is too big for the inliner's budget)
  // and the longer ones are a call.
  [[gnu::always_inline]] uint32_t u32() {
    if (pos_ < end_ && data_[pos_] < 0x80) [[likely]]
      return data_[pos_++];
    return static_cast<uint32_t>(leb_unsigned<32>());
  }
  [[gnu::always_inline]] uint64_t u64() {
    if (pos_ < end_ && data_[pos_] < 0x80) [[likely]]
      return data_[pos_++];
    return leb_unsigned<64>();
  }
  int32_t s32() { return static_cast<int32_t>(s_any<32>()); }
  int64_t s64() { return s_any<64>(); }
  /// The signed 33-bit block type index.
  int64_t s33() { return s_any<33>(); }

  /// Skip `n` bytes; fails with "unexpected end" if fewer remain.
  bool skip(uint64_t n) {
    if (remaining() < n) {
      fail("unexpected end");
      return false;
    }
    pos_ += n;
    return true;
  }

  /// A length-prefixed UTF-8 name.
  std::string name();
  /// The same without a copy: a view into the bytes being read (empty on failure).
  std::string_view name_view();

 private:
  template <unsigned kBits>
  [[gnu::always_inline]] int64_t s_any() {
    if (pos_ < end_ && data_[pos_] < 0x80) [[likely]] {
      // One byte: 7 bits, sign-extended from bit 6.
      return static_cast<int8_t>(static_cast<uint8_t>(data_[pos_++] << 1)) >> 1;
    }
    return leb_signed<kBits>();
  }

  // Multi-byte LEBs are common in linker output, which pads relocated indices, offsets and
  // addresses to the full 5 bytes. With the longest encoding in bounds, a well-formed value
  // decodes without per-byte bounds checks; anything else (an error) takes the byte loop,
  // which reports it.
  template <unsigned kBits>
  uint64_t leb_unsigned() {
    return leb_unrolled<kBits, false>();
  }
  template <unsigned kBits>
  int64_t leb_signed() {
    return static_cast<int64_t>(leb_unrolled<kBits, true>());
  }
  template <unsigned kBits, bool kSigned>
  [[gnu::noinline]] uint64_t leb_unrolled() {
    constexpr unsigned kMaxBytes = (kBits + 6) / 7;
    if (pos_ + kMaxBytes <= end_) [[likely]] {
      const uint8_t* p = data_ + pos_;
      uint64_t result = 0;
#pragma GCC unroll 10
      for (unsigned k = 0; k < kMaxBytes; ++k) {
        const uint8_t b = p[k];
        if (k == kMaxBytes - 1) {
          if constexpr (kSigned) {
            // No continuation bit, and the bits beyond kBits all equal the sign bit.
            const int sign_and_unused = static_cast<int8_t>(b << 1) >> (kBits - 7 * k);
            if ((b & 0x80) || (sign_and_unused != 0 && sign_and_unused != -1)) break;
          } else {
            // No continuation bit, and the bits beyond kBits zero.
            if (b >> (kBits - 7 * k)) break;
          }
        }
        result |= static_cast<uint64_t>(b & 0x7f) << (7 * k);
        if (!(b & 0x80)) {
          pos_ += k + 1;
          if constexpr (kSigned) {
            if (7 * (k + 1) < 64 && (b & 0x40)) result |= ~uint64_t{0} << (7 * (k + 1) % 64);
          }
          return result;
        }
      }
    }
    if constexpr (kSigned) {
      return static_cast<uint64_t>(leb_signed_bytes(kBits));
    } else {
      return leb_unsigned_bytes(kBits);
    }
  }

  [[gnu::noinline]] uint64_t leb_unsigned_bytes(unsigned bits) {
    uint64_t result = 0;
    unsigned shift = 0;
    const uint64_t start = pos_;
    for (;;) {
      if (pos_ >= end_) {
        fail("unexpected end", pos_);
        return 0;
      }
      uint8_t b = data_[pos_++];
      unsigned remaining_bits = bits - shift;
      if (remaining_bits < 7) {
        // Last permitted byte: no continuation bit, and unused bits must be zero.
        if (b & 0x80) {
          fail("integer representation too long", start);
          return 0;
        }
        if ((b >> remaining_bits) != 0) {
          fail("integer too large", start);
          return 0;
        }
      }
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift >= bits) {
        fail("integer representation too long", start);
        return 0;
      }
    }
  }

  [[gnu::noinline]] int64_t leb_signed_bytes(unsigned bits) {
    int64_t result = 0;
    unsigned shift = 0;
    const uint64_t start = pos_;
    for (;;) {
      if (pos_ >= end_) {
        fail("unexpected end", pos_);
        return 0;
      }
      uint8_t b = data_[pos_++];
      unsigned remaining_bits = bits - shift;
      if (remaining_bits < 7) {
        if (b & 0x80) {
          fail("integer representation too long", start);
          return 0;
        }
        // The unused high bits must all equal the sign bit.
        int sign_and_unused = static_cast<int8_t>(b << 1) >> remaining_bits;
        if (sign_and_unused != 0 && sign_and_unused != -1) {
          fail("integer too large", start);
          return 0;
        }
      }
      result |= static_cast<int64_t>(static_cast<uint64_t>(b & 0x7f) << shift);
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) result |= static_cast<int64_t>(~uint64_t{0} << shift);
        return result;
      }
      if (shift >= bits) {
        fail("integer representation too long", start);
        return 0;
      }
    }
  }

  const uint8_t* data_;
  uint64_t pos_;
  uint64_t end_;
  bool failed_ = false;
  Error error_;
};

/// True if `bytes` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view bytes) noexcept;

}  // namespace hailmary::detail
