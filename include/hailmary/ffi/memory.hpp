// Bounds-checked access to guest linear memory. Every guest-supplied pointer and length goes
// through GuestMemory::check (64-bit arithmetic, so ptr + len cannot wrap) before use.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "hailmary/extern.hpp"
#include "hailmary/ffi/error.hpp"

namespace hailmary::ffi {

/// UTF-8 as the Unicode standard defines it (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(const uint8_t* data, size_t size) noexcept;

/// Types that may be copied to and from guest memory as bytes.
template <class T>
concept GuestCopyable = std::is_trivially_copyable_v<T> && !std::is_pointer_v<T>;

class GuestView;

/// Checked reads and writes at guest offsets. Cheap to copy.
class GuestMemory {
 public:
  GuestMemory() = default;
  /// `epoch`, when given, is a counter bumped on every call into the guest; views made from
  /// this object are invalidated when it changes.
  explicit GuestMemory(Memory memory, std::shared_ptr<const uint64_t> epoch = {})
      : memory_(memory), epoch_(std::move(epoch)) {}

  Memory memory() const noexcept { return memory_; }
  uint64_t size() const noexcept { return memory_.size(); }

  /// [ptr, ptr+len) lies inside memory and ptr is a multiple of `align`.
  Result<void> check(uint64_t ptr, uint64_t len, uint32_t align = 1) const;

  /// Reads a T at `ptr` (bounds and alignment checked).
  template <GuestCopyable T>
  Result<T> read(uint64_t ptr) const {
    if (auto ok = check(ptr, sizeof(T), alignof(T)); !ok) return std::move(ok).error();
    T value;
    std::memcpy(&value, memory_.data() + ptr, sizeof(T));
    return value;
  }
  template <GuestCopyable T>
  Result<void> write(uint64_t ptr, const T& value) const {
    if (auto ok = check(ptr, sizeof(T), alignof(T)); !ok) return ok;
    std::memcpy(memory_.data() + ptr, &value, sizeof(T));
    return {};
  }

  Result<std::vector<uint8_t>> read_bytes(uint64_t ptr, uint64_t len) const;
  /// Copies and validates UTF-8.
  Result<std::string> read_string(uint64_t ptr, uint64_t len) const;
  Result<void> write_bytes(uint64_t ptr, std::span<const uint8_t> bytes) const;

  /// A view that detects invalidation (see GuestView).
  Result<GuestView> view(uint64_t ptr, uint64_t len) const;

 private:
  Memory memory_;
  std::shared_ptr<const uint64_t> epoch_;
};

/// A window onto guest memory that cannot be used silently once it may be stale: bytes()
/// fails after the memory has grown or (for views made through a Guest) after any call into
/// the guest, since either can change what the window refers to. Re-create it then.
class GuestView {
 public:
  GuestView(Memory memory, uint32_t ptr, uint32_t len, std::shared_ptr<const uint64_t> epoch)
      : memory_(memory),
        ptr_(ptr),
        len_(len),
        generation_(memory.generation()),
        epoch_src_(std::move(epoch)),
        epoch_(epoch_src_ ? *epoch_src_ : 0) {}

  uint32_t offset() const noexcept { return ptr_; }
  uint32_t size() const noexcept { return len_; }
  bool valid() const noexcept {
    return memory_.generation() == generation_ && (!epoch_src_ || *epoch_src_ == epoch_);
  }
  /// The bytes, if the view is still valid.
  Result<std::span<uint8_t>> bytes() const;
  Result<std::string_view> text() const;

 private:
  Memory memory_;
  uint32_t ptr_;
  uint32_t len_;
  uint64_t generation_;
  std::shared_ptr<const uint64_t> epoch_src_;
  uint64_t epoch_;
};

}  // namespace hailmary::ffi
