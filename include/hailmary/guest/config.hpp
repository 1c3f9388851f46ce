// Guest SDK configuration: which environment the guest is compiled for.
#pragma once

#if !defined(__wasm32__)
#error "hailmary/guest.hpp is for guests: compile with clang --target=wasm32 or wasm32-wasi"
#endif

#if defined(__wasi__)
// wasm32-wasi with wasi-libc and libc++: std::string_view, std::string and friends map too.
#define HM_GUEST_HOSTED 1
#else
#define HM_GUEST_HOSTED 0
#endif

#include "hailmary/abi/abi.hpp"
#include "hailmary/abi/utf8.hpp"

#if HM_GUEST_HOSTED
#include <cstdlib>
#include <cstring>
#include <new>

#include "hailmary/abi/std.hpp"
#endif

namespace hailmary::guest {

using abi::Fallible;
using abi::HailMaryError;
using abi::Handle;
using abi::Ptr;
using abi::StringResult;
/// `return Error::InvalidInput;` reads better in guest code.
using Error = abi::HailMaryError;

namespace detail {

inline uint32_t memory_bytes() {
  return static_cast<uint32_t>(__builtin_wasm_memory_size(0)) * 65536u;
}

/// [ptr, ptr+len) lies in linear memory (64-bit sum: cannot wrap).
inline bool in_bounds(uint32_t ptr, uint32_t len) {
  return static_cast<uint64_t>(ptr) + len <= memory_bytes();
}

inline void copy_bytes(void* dst, const void* src, uint32_t n) {
#if defined(__wasm_bulk_memory__)
  // One memory.copy instruction: the engine copies natively instead of interpreting a loop.
  __builtin_memcpy(dst, src, n);
  return;
#endif
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  for (uint32_t i = 0; i < n; ++i) d[i] = s[i];
}

inline bool is_valid_utf8(const unsigned char* s, uint32_t n) {
  return abi::is_valid_utf8(s, n);
}

}  // namespace detail
}  // namespace hailmary::guest
