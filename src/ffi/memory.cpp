// Bounds-checked guest memory access and UTF-8 validation.
#include <cstring>

#include "hailmary/ffi/memory.hpp"

namespace hailmary::ffi {

namespace {
std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
}  // namespace

bool is_valid_utf8(const uint8_t* s, size_t n) noexcept {
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time: most strings are mostly ASCII.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080ull) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong encodings, surrogates and values past U+10FFFF are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

Result<void> GuestMemory::check(uint64_t ptr, uint64_t len, uint32_t align) const {
  if (!memory_) return ffi_error("the guest has no linear memory");
  uint64_t size = memory_.size();
  // 64-bit arithmetic on 32-bit guest values cannot wrap; larger values are rejected first.
  if (ptr > size || len > size - ptr) {
    return ffi_error("guest range [" + hex(ptr) + ", +" + std::to_string(len) +
                     ") is outside linear memory (" + std::to_string(size) + " bytes)");
  }
  if (align > 1 && ptr % align != 0) {
    return ffi_error("guest pointer " + hex(ptr) + " is not aligned to " + std::to_string(align) +
                     " bytes");
  }
  return {};
}

Result<std::vector<uint8_t>> GuestMemory::read_bytes(uint64_t ptr, uint64_t len) const {
  if (auto ok = check(ptr, len); !ok) return std::move(ok).error();
  const uint8_t* p = memory_.data() + ptr;
  return std::vector<uint8_t>(p, p + len);
}

Result<std::string> GuestMemory::read_string(uint64_t ptr, uint64_t len) const {
  if (auto ok = check(ptr, len); !ok) return std::move(ok).error();
  const uint8_t* p = memory_.data() + ptr;
  if (!is_valid_utf8(p, len))
    return ffi_error("guest string at " + hex(ptr) + " is not valid UTF-8");
  return std::string(reinterpret_cast<const char*>(p), len);
}

Result<void> GuestMemory::write_bytes(uint64_t ptr, std::span<const uint8_t> bytes) const {
  if (auto ok = check(ptr, bytes.size()); !ok) return ok;
  if (!bytes.empty()) std::memcpy(memory_.data() + ptr, bytes.data(), bytes.size());
  return {};
}

Result<GuestView> GuestMemory::view(uint64_t ptr, uint64_t len) const {
  if (auto ok = check(ptr, len); !ok) return std::move(ok).error();
  return GuestView(memory_, static_cast<uint32_t>(ptr), static_cast<uint32_t>(len), epoch_);
}

Result<std::span<uint8_t>> GuestView::bytes() const {
  if (memory_.generation() != generation_) {
    return ffi_error("guest memory view is stale: the memory has grown since it was made");
  }
  if (epoch_src_ && *epoch_src_ != epoch_) {
    return ffi_error("guest memory view is stale: the guest has run since it was made");
  }
  return std::span<uint8_t>(memory_.data() + ptr_, len_);
}

Result<std::string_view> GuestView::text() const {
  auto b = bytes();
  if (!b) return std::move(b).error();
  if (!is_valid_utf8(b->data(), b->size())) return ffi_error("guest view is not valid UTF-8");
  return std::string_view(reinterpret_cast<const char*>(b->data()), b->size());
}

}  // namespace hailmary::ffi
