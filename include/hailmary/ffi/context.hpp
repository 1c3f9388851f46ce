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
  /// A small return area reused by sret calls; `scratch_busy` covers re-entrant calls.
  GuestAlloc scratch;
  bool scratch_busy = false;
  /// Where typed calls copy their string, bytes and struct arguments, which the guest borrows
  /// for the call only: used as a stack, a call nested in another (from a host function)
  /// taking its part above the outer call's. `arena_used` bytes are taken; arguments that do
  /// not fit get an allocation of their own.
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

/// Borrow of the scratch return area for one call (falls back to a fresh allocation when a
/// re-entrant call already holds it).
class ScratchLease {
 public:
  ScratchLease() = default;
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  ~ScratchLease() { release(); }
  Result<uint32_t> acquire(GuestContext& ctx, uint32_t size, uint32_t align);
  void release() noexcept;

 private:
  GuestContext* ctx_ = nullptr;
  bool owns_scratch_ = false;
  GuestAlloc fresh_;
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
