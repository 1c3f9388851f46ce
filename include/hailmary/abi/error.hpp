// The error codes that cross the boundary, as the seed defines them (`#[repr(C)] enum
// HailMaryError`), extended. Shared by the host and the guest SDK.
#pragma once

#include <stdint.h>

namespace hailmary::abi {

/// A guest's error code. The first four values are the seed's and must never change; new
/// codes are appended. Guests may also return their own codes from kUserErrorBase upwards.
/// 4 bytes, like a `#[repr(C)]` Rust enum on wasm32.
enum class HailMaryError : uint32_t {
  Success = 0,
  NullPointer = 1,
  InvalidUtf8 = 2,
  AllocationFailed = 3,
  InvalidInput = 4,   ///< an argument was rejected by the guest's own validation
  InvalidHandle = 5,  ///< a stale, forged or already destroyed handle
  OutOfBounds = 6,    ///< a pointer/length pair does not fit in linear memory
  Unaligned = 7,      ///< a pointer is not aligned for its type
};
static_assert(sizeof(HailMaryError) == 4, "HailMaryError must be 4 bytes, like repr(C) on wasm32");

/// Codes at or above this value are application-defined and pass through the host unchanged.
inline constexpr uint32_t kUserErrorBase = 1000;
/// The highest code the host knows by name.
inline constexpr uint32_t kLastKnownError = 7;

/// The enumerator's name, or nullptr for a code the ABI does not define.
constexpr const char* error_name(uint32_t code) {
  switch (code) {
    case 0:
      return "Success";
    case 1:
      return "NullPointer";
    case 2:
      return "InvalidUtf8";
    case 3:
      return "AllocationFailed";
    case 4:
      return "InvalidInput";
    case 5:
      return "InvalidHandle";
    case 6:
      return "OutOfBounds";
    case 7:
      return "Unaligned";
    default:
      return nullptr;
  }
}

/// Known codes and user codes are valid; anything else is a broken guest.
constexpr bool is_valid_error_code(uint32_t code) {
  return code <= kLastKnownError || code >= kUserErrorBase;
}

}  // namespace hailmary::abi
