// A table of guest objects addressed by typed handles. A handle packs a slot index and the
// slot's generation, so a stale (destroyed), forged or double-destroyed handle is detected
// and reported as InvalidHandle instead of touching freed memory.
#pragma once

#include "hailmary/guest/config.hpp"

#if !HM_GUEST_HOSTED
// Placement new without <new>.
inline void* operator new(__SIZE_TYPE__, void* p) noexcept {
  return p;
}
#endif

namespace hailmary::guest {

/// Objects of type T stored in place (no heap), at most Capacity (< 65535) at a time.
/// Constant-initialised, so it works as a global without running constructors.
template <class T, uint32_t Capacity = 256>
class HandleTable {
  static_assert(Capacity > 0 && Capacity < 0xFFFF, "HandleTable: 1..65534 slots");

 public:
  constexpr HandleTable() = default;

  /// Constructs a T in a free slot; the null handle if the table is full.
  template <class... Args>
  Handle<T> create(Args&&... args) {
    uint32_t i = 0;
    if (free_head_ != 0) {
      i = free_head_ - 1;
      free_head_ = slots_[i].next_free;
    } else if (used_ < Capacity) {
      i = used_++;
    } else {
      return Handle<T>();
    }
    Slot& s = slots_[i];
    if (s.generation == 0) s.generation = 1;
    new (static_cast<void*>(s.storage)) T(static_cast<Args&&>(args)...);
    s.live = true;
    return Handle<T>((static_cast<uint32_t>(s.generation) << 16) | (i + 1));
  }

  /// The object, or nullptr for a stale or forged handle.
  T* get(Handle<T> h) {
    Slot* s = slot(h);
    return s != nullptr ? reinterpret_cast<T*>(s->storage) : nullptr;
  }

  /// Destroys the object; InvalidHandle for a stale, forged or already destroyed handle.
  HailMaryError destroy(Handle<T> h) {
    Slot* s = slot(h);
    if (s == nullptr) return HailMaryError::InvalidHandle;
    reinterpret_cast<T*>(s->storage)->~T();
    s->live = false;
    // A new generation makes every copy of the old handle stale; skip 0 (never valid).
    s->generation = static_cast<uint16_t>(s->generation + 1 == 0 ? 1 : s->generation + 1);
    s->next_free = free_head_;
    free_head_ = static_cast<uint32_t>(s - slots_) + 1;
    return HailMaryError::Success;
  }

  uint32_t size() const { return used_ - free_count(); }

 private:
  struct Slot {
    alignas(T) unsigned char storage[sizeof(T)] = {};
    uint16_t generation = 0;
    bool live = false;
    uint32_t next_free = 0;
  };

  Slot* slot(Handle<T> h) {
    uint32_t index = h.bits & 0xFFFF;
    uint32_t gen = h.bits >> 16;
    if (index == 0 || index > used_) return nullptr;
    Slot& s = slots_[index - 1];
    if (!s.live || s.generation != gen) return nullptr;
    return &s;
  }
  uint32_t free_count() const {
    uint32_t n = 0;
    for (uint32_t f = free_head_; f != 0; f = slots_[f - 1].next_free) ++n;
    return n;
  }

  Slot slots_[Capacity] = {};
  uint32_t used_ = 0;
  uint32_t free_head_ = 0;
};

}  // namespace hailmary::guest
