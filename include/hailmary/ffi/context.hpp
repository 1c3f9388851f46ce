// Per-instance FFI state: the guest's memory, its allocator protocol, and RAII ownership of
// guest allocations (GuestBuffer).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hailmary/ffi/memory.hpp"
#include "hailmary/instance.hpp"

namespace hailmary::ffi {

/// How the host asks a guest for memory. Auto picks the first the module exports, in order:
/// the seed's hail_mary_alloc/hail_mary_free, C's malloc/free, the Component Model's
/// cabi_realloc (paired with `free` when present).
enum class AllocProtocol : uint8_t { Auto, HailMary, Malloc, CabiRealloc, None };

struct GuestOptions {
  AllocProtocol protocol = AllocProtocol::Auto;
  /// Override the export names of the chosen protocol (empty: the protocol's defaults).
  std::string alloc_name;
  std::string free_name;
  /// Run the module's `_initialize` (WASI reactors) or `__wasm_call_ctors` once at attach.
  bool initialize = true;
};

/// How a release function takes what it frees (checked from its wasm type).
enum class ReleaseShape : uint8_t {
  None,       ///< no release: the guest keeps ownership
  PtrLen,     ///< (ptr, len) -> ()          e.g. hail_mary_free
  Ptr,        ///< (ptr) -> ()                e.g. free, free_string
  PtrStatus,  ///< (ptr) -> HailMaryError     e.g. free_string_safe
};

namespace detail {

/// One guest allocation: `ptr` is aligned as requested; `raw`/`raw_size` is what to free.
struct GuestAlloc {
  uint32_t ptr = 0;
  uint32_t raw = 0;
  uint32_t raw_size = 0;
};

struct GuestContext {
  Instance instance;
  Memory memory;
  AllocProtocol protocol = AllocProtocol::None;
  Func alloc;
  Func free;
  ReleaseShape free_shape = ReleaseShape::None;
  std::string alloc_name;
  std::string free_name;
  /// Bumped on every typed call into the guest (GuestView validity).
  std::shared_ptr<uint64_t> epoch = std::make_shared<uint64_t>(0);
  /// Where calls put what the guest borrows for the call only (string, bytes and struct
  /// arguments, the return area of a struct or string result): used as a stack, a call nested
  /// in another (from a host function) taking its part above the outer call's. `arena_used`
  /// bytes are taken; what does not fit gets an allocation of its own.
  GuestAlloc arena;
  uint32_t arena_used = 0;
  /// Contract records of the module: export name -> signature text.
  std::vector<std::pair<std::string, std::string>> contract;
  bool has_contract = false;

  GuestContext() = default;
  GuestContext(const GuestContext&) = delete;
  GuestContext& operator=(const GuestContext&) = delete;
  ~GuestContext();

  GuestMemory guest_memory() const { return GuestMemory(memory, epoch); }
  const std::string* contract_of(std::string_view name) const;
};

/// Allocates `size` bytes aligned to `align` through the guest's allocator, checking what it
/// returns (null, out of bounds, trap: each a specific error).
Result<GuestAlloc> guest_alloc(GuestContext& ctx, uint32_t size, uint32_t align);
/// Frees an allocation made by guest_alloc.
Result<void> guest_free(GuestContext& ctx, const GuestAlloc& a);
/// Releases a guest-owned (ptr, len) buffer with `fn` of the given shape.
Result<void> release(GuestContext& ctx, const Func& fn, ReleaseShape shape, uint32_t ptr,
                     uint32_t len, std::string_view fn_name);
/// The shape of a release export, or nullopt if its type fits none.
std::optional<ReleaseShape> release_shape_of(const FuncType& type);

/// Copies `bytes` (zeros if null) into a fresh guest buffer (at least one byte, so that even an
/// empty string has a valid non-null pointer).
Result<GuestAlloc> copy_to_guest(GuestContext& ctx, const void* bytes, size_t size, uint32_t align);
/// Copies `bytes` (zeros if null) into the context's argument arena (allocated on first use)
/// and returns their guest address, or nullopt when they do not fit (the caller allocates
/// instead).
std::optional<uint32_t> copy_to_arena(GuestContext& ctx, const void* bytes, size_t size,
                                      uint32_t align);

/// The guest memory one call borrows: parts of the arena, given back when the call ends, and
/// allocations for what does not fit there, freed then, on every path.
class CallBuffers {
 public:
  explicit CallBuffers(GuestContext& ctx) : ctx_(ctx), arena_mark_(ctx.arena_used) {}
  CallBuffers(const CallBuffers&) = delete;
  CallBuffers& operator=(const CallBuffers&) = delete;
  ~CallBuffers() { (void)free_all(); }
  /// Copies an argument into guest memory for the call (zeros if `bytes` is null: a return
  /// area, which a guest that forgets to write its result then reads as zeros, not as stale
  /// data). Returns its guest address.
  Result<uint32_t> copy_in(const void* bytes, size_t size, uint32_t align) {
    if (auto at = copy_to_arena(ctx_, bytes, size, align)) return *at;
    auto a = copy_to_guest(ctx_, bytes, size, align);
    if (!a) return std::move(a).error();
    fresh_.push_back(*a);
    return a->ptr;
  }
  /// Frees now; the first failure (e.g. the guest's free trapping on a double free) is
  /// returned, the remaining buffers are still freed.
  Result<void> free_all() {
    Result<void> first;
    for (const GuestAlloc& a : fresh_) {
      auto r = guest_free(ctx_, a);
      if (!r && first) first = std::move(r);
    }
    fresh_.clear();
    ctx_.arena_used = arena_mark_;
    return first;
  }

 private:
  GuestContext& ctx_;
  uint32_t arena_mark_;            // the arena's use when the call began, restored when it ends
  std::vector<GuestAlloc> fresh_;  // empty (no heap) unless something did not fit the arena
};

}  // namespace detail

/// A guest allocation owned by the host: freed through the guest's allocator when destroyed.
/// Move-only. Must not outlive the Store of its instance.
class GuestBuffer {
 public:
  GuestBuffer() = default;
  GuestBuffer(std::shared_ptr<detail::GuestContext> ctx, detail::GuestAlloc a, uint32_t size)
      : ctx_(std::move(ctx)), alloc_(a), size_(size) {}
  GuestBuffer(GuestBuffer&& o) noexcept
      : ctx_(std::move(o.ctx_)), alloc_(o.alloc_), size_(o.size_) {
    o.alloc_ = {};
  }
  GuestBuffer& operator=(GuestBuffer&& o) noexcept {
    if (this != &o) {
      (void)reset();
      ctx_ = std::move(o.ctx_);
      alloc_ = o.alloc_;
      size_ = o.size_;
      o.alloc_ = {};
    }
    return *this;
  }
  GuestBuffer(const GuestBuffer&) = delete;
  GuestBuffer& operator=(const GuestBuffer&) = delete;
  ~GuestBuffer() { (void)reset(); }

  uint32_t ptr() const noexcept { return alloc_.ptr; }
  uint32_t size() const noexcept { return size_; }
  explicit operator bool() const noexcept { return alloc_.raw != 0; }
  /// Free now, reporting a failing free (e.g. a trap in the guest's free).
  Result<void> reset();
  /// Give up ownership (the guest now owns the memory); returns the pointer.
  uint32_t release() noexcept {
    uint32_t p = alloc_.ptr;
    alloc_ = {};
    return p;
  }

 private:
  std::shared_ptr<detail::GuestContext> ctx_;
  detail::GuestAlloc alloc_;
  uint32_t size_ = 0;
};

}  // namespace hailmary::ffi
