// args_* and environ_* share one layout: an array of pointers plus a buffer of NUL-terminated
// strings.
#pragma once

#include "wasi/context.hpp"

namespace hailmary::detail::wasi {

inline Errno strings_sizes(Call& c, const std::vector<std::string>& v, uint32_t count_ptr,
                           uint32_t size_ptr) {
  uint64_t total = 0;
  for (auto& s : v) total += s.size() + 1;
  if (total > UINT32_MAX) return Errno::Overflow;
  if (!c.mem.store(count_ptr, static_cast<uint32_t>(v.size())) ||
      !c.mem.store(size_ptr, static_cast<uint32_t>(total))) {
    return Errno::Fault;
  }
  return Errno::Success;
}

inline Errno strings_get(Call& c, const std::vector<std::string>& v, uint32_t ptrs, uint32_t buf) {
  uint64_t total = 0;
  for (auto& s : v) total += s.size() + 1;
  // Check both whole ranges first so a bad pointer writes nothing.
  if (!c.mem.ok(ptrs, uint64_t{4} * v.size()) || !c.mem.ok(buf, total)) return Errno::Fault;
  uint64_t at = buf;
  for (size_t i = 0; i < v.size(); ++i) {
    c.mem.store(ptrs + 4 * i, static_cast<uint32_t>(at));
    uint8_t* dst = c.mem.at(at, v[i].size() + 1);
    std::memcpy(dst, v[i].data(), v[i].size());
    dst[v[i].size()] = 0;
    at += v[i].size() + 1;
  }
  return Errno::Success;
}

}  // namespace hailmary::detail::wasi
