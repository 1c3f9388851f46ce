// The guest side of the allocator protocol: exports hail_mary_alloc(size) -> ptr and
// hail_mary_free(ptr, size), as the seed defines them, plus hail_mary_live_allocations() for
// leak tests. Hosted guests forward to malloc/free; freestanding guests get a small
// size-class allocator over memory.grow that traps on a bad or double free instead of
// corrupting its heap. Define HM_GUEST_NO_ALLOCATOR to provide your own.
#pragma once

#include "hailmary/guest/config.hpp"

namespace hailmary::guest::detail {

inline uint32_t live_allocations = 0;

#if HM_GUEST_HOSTED

inline void* heap_alloc(uint32_t size) {
  if (size == 0) return nullptr;
  void* p = std::malloc(size);
  if (p != nullptr) ++live_allocations;
  return p;
}
inline void heap_free(void* p, uint32_t /*size*/) {
  if (p == nullptr) return;
  --live_allocations;
  std::free(p);
}

#else

extern "C" unsigned char __heap_base;

// Each block: an 8-byte header (tag, size class, state) then the user bytes, 8-aligned. The
// tag ties the header to its address, so a forged pointer is recognised.
struct BlockHeader {
  uint32_t tag;
  uint16_t size_class;
  uint16_t state;  // kLive or kFree
};
inline constexpr uint32_t kHeader = 8;
inline constexpr uint16_t kLive = 0xA11C, kFree = 0xF4EE;
inline constexpr uint32_t kTagSeed = 0x48A1'4D41u;  // "HM" "MA"

struct Heap {
  uint32_t top = 0;  // next unused byte (0: not initialised)
  uint32_t free_lists[32] = {};
};
inline Heap heap;

inline uint32_t size_class(uint32_t size) {
  if (size <= 8) return 3;
  return 32u - static_cast<uint32_t>(__builtin_clz(size - 1));
}
inline uint32_t tag_of(uint32_t user) {
  return kTagSeed ^ user;
}

inline void* heap_alloc(uint32_t size) {
  if (size == 0 || size > 0x7FFF'0000u) return nullptr;
  uint32_t c = size_class(size);
  uint32_t user = 0;
  if (heap.free_lists[c] != 0) {
    user = heap.free_lists[c];
    heap.free_lists[c] = *reinterpret_cast<uint32_t*>(static_cast<uintptr_t>(user));
  } else {
    if (heap.top == 0)
      heap.top = (static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&__heap_base)) + 7u) & ~7u;
    uint64_t block = kHeader + (uint64_t{1} << c);
    uint64_t end = heap.top + block;
    if (end > 0xFFFF'FFFFull) return nullptr;
    uint32_t have = memory_bytes();
    if (end > have) {
      uint64_t pages = (end - have + 65535) / 65536;
      if (__builtin_wasm_memory_grow(0, static_cast<uint32_t>(pages)) ==
          static_cast<__SIZE_TYPE__>(-1))
        return nullptr;
    }
    user = heap.top + kHeader;
    heap.top = static_cast<uint32_t>(end);
  }
  auto* h = reinterpret_cast<BlockHeader*>(static_cast<uintptr_t>(user - kHeader));
  *h = BlockHeader{tag_of(user), static_cast<uint16_t>(c), kLive};
  ++live_allocations;
  return reinterpret_cast<void*>(static_cast<uintptr_t>(user));
}

/// `size` 0 means unknown (free(ptr)); otherwise it must be the size given to alloc.
inline void heap_free(void* p, uint32_t size) {
  if (p == nullptr) return;
  auto user = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p));
  // A pointer that cannot be one of ours traps rather than corrupting the heap.
  if ((user & 7u) != 0 || user < kHeader + 8 || user >= heap.top) __builtin_trap();
  auto* h = reinterpret_cast<BlockHeader*>(static_cast<uintptr_t>(user - kHeader));
  if (h->tag != tag_of(user)) __builtin_trap();
  if (h->state != kLive) __builtin_trap();                               // double free
  if (size != 0 && size_class(size) != h->size_class) __builtin_trap();  // wrong size
  h->state = kFree;
  *reinterpret_cast<uint32_t*>(p) = heap.free_lists[h->size_class];
  heap.free_lists[h->size_class] = user;
  --live_allocations;
}

// Freestanding builds have no libc; clang still emits calls to these for struct copies.
extern "C" [[gnu::weak]] inline void* memcpy(void* dst, const void* src, __SIZE_TYPE__ n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  for (__SIZE_TYPE__ i = 0; i < n; ++i) d[i] = s[i];
  return dst;
}
extern "C" [[gnu::weak]] inline void* memmove(void* dst, const void* src, __SIZE_TYPE__ n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  if (d < s) {
    for (__SIZE_TYPE__ i = 0; i < n; ++i) d[i] = s[i];
  } else {
    for (__SIZE_TYPE__ i = n; i > 0; --i) d[i - 1] = s[i - 1];
  }
  return dst;
}
extern "C" [[gnu::weak]] inline void* memset(void* dst, int c, __SIZE_TYPE__ n) {
  auto* d = static_cast<unsigned char*>(dst);
  for (__SIZE_TYPE__ i = 0; i < n; ++i) d[i] = static_cast<unsigned char>(c);
  return dst;
}

#endif

}  // namespace hailmary::guest::detail

#if !defined(HM_GUEST_NO_ALLOCATOR)
/// The seed's allocator protocol. Null for size 0, like the seed.
extern "C" [[gnu::weak, gnu::used, clang::export_name("hail_mary_alloc")]] inline void*
hail_mary_alloc(uint32_t size) {
  return hailmary::guest::detail::heap_alloc(size);
}
extern "C" [[gnu::weak, gnu::used, clang::export_name("hail_mary_free")]] inline void
hail_mary_free(void* ptr, uint32_t size) {
  hailmary::guest::detail::heap_free(ptr, size);
}
/// Live allocations made through hail_mary_alloc (for leak tests).
extern "C"
    [[gnu::weak, gnu::used, clang::export_name("hail_mary_live_allocations")]] inline uint32_t
    hail_mary_live_allocations() {
  return hailmary::guest::detail::live_allocations;
}
#endif
