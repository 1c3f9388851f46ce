// Bounds-checked guest memory access and UTF-8 validation.
#include <cstring>

#include "hailmary/ffi/memory.hpp"

#include "hailmary/abi/utf8.hpp"

namespace hailmary::ffi {

namespace {
std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
}  // namespace

bool is_valid_utf8(const uint8_t* s, size_t n) noexcept {
  return abi::is_valid_utf8(s, n);
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
