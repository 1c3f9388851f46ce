// Guest: the host's typed view of one instance. It owns the FFI state (memory, allocator,
// argument arena, contract) and hands out typed functions and owned handles.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "hailmary/ffi/context.hpp"
#include "hailmary/ffi/contract.hpp"
#include "hailmary/ffi/dynamic.hpp"
#include "hailmary/ffi/typed_func.hpp"
#include "hailmary/linker.hpp"

namespace hailmary::ffi {

class Guest;

/// Host-side owner of a guest object: move-only; destroys it through the guest's destroy
/// export (HM_HANDLE) when it goes out of scope. Must not outlive the Store.
template <class T>
class Owned {
 public:
  Owned() = default;
  Owned(std::shared_ptr<detail::GuestContext> ctx, Func destroy, Handle<T> handle)
      : ctx_(std::move(ctx)), destroy_(destroy), handle_(handle) {}
  Owned(Owned&& o) noexcept
      : ctx_(std::move(o.ctx_)), destroy_(o.destroy_), handle_(std::exchange(o.handle_, {})) {}
  Owned& operator=(Owned&& o) noexcept {
    if (this != &o) {
      (void)reset();
      ctx_ = std::move(o.ctx_);
      destroy_ = o.destroy_;
      handle_ = std::exchange(o.handle_, {});
    }
    return *this;
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() { (void)reset(); }

  /// The handle to pass to typed functions taking Handle<T>.
  Handle<T> get() const noexcept { return handle_; }
  explicit operator bool() const noexcept { return !handle_.is_null(); }

  /// Destroy now, reporting what the guest's destroy export says (trap or error code).
  Result<void> reset() {
    if (handle_.is_null()) return {};
    Handle<T> h = std::exchange(handle_, {});
    uint64_t slots[1] = {h.bits};
    ++*ctx_->epoch;
    if (auto r = destroy_.call_raw(slots); !r) return r;
    if (!destroy_.type().results.empty()) {
      auto code = static_cast<uint32_t>(slots[0]);
      if (code != 0) return guest_code_error(code, abi::HandleInfo<T>::destroy);
    }
    return {};
  }
  /// Stop owning the object (the caller destroys it); returns the handle.
  Handle<T> release() noexcept { return std::exchange(handle_, {}); }

 private:
  std::shared_ptr<detail::GuestContext> ctx_;
  Func destroy_;
  Handle<T> handle_;
};

class Guest {
 public:
  Guest() = default;

  /// Binds to an instantiated module: finds its memory and allocator, reads its contract and
  /// (unless disabled) runs `_initialize` or `__wasm_call_ctors`.
  static Result<Guest> attach(const Instance& instance, const GuestOptions& options = {});

  /// A typed export. The export's core type must be the lowering of Sig, and if the module
  /// has a contract, its record for `name` must match Sig; errors name both sides.
  template <class Sig>
  Result<TypedFunc<Sig>> func(std::string_view name, const FuncOptions& options = {}) const {
    using TF = TypedFunc<Sig>;
    auto f = check(name, TF::wasm_type(), TF::signature());
    if (!f) return std::move(f).error();
    auto release = release_for(options);
    if (!release) return std::move(release).error();
    return TF(*f, ctx_, std::string(name), release->func, release->shape, std::move(release->name));
  }

  /// An export called by a signature known only at run time (contract text, see
  /// ffi/dynamic.hpp). Checked like func(): core type, and the contract record if any.
  Result<DynamicFunc> dynamic_func(std::string_view name, DynSignature sig,
                                   const FuncOptions& options = {}) const;

  /// Creates a guest object with constructor export `ctor` (returning Handle<T>, null meaning
  /// failure) and wraps it in an Owned<T> that calls HM_HANDLE's destroy export.
  template <class T, class... Args>
  Result<Owned<T>> make(std::string_view ctor, Args&&... args) const {
    using Sig = Handle<T>(detail::bare_t<Args>...);
    auto destroy = destroy_func(abi::HandleInfo<T>::destroy, abi::Handle<T>{});
    if (!destroy) return std::move(destroy).error();
    auto f = func<Sig>(ctor);
    if (!f) return std::move(f).error();
    auto h = (*f)(std::forward<Args>(args)...);
    if (!h) return std::move(h).error();
    if (h->is_null()) return ffi_error(std::string(ctor) + " returned a null handle");
    return Owned<T>(ctx_, *destroy, *h);
  }

  /// A buffer in guest memory owned by the host.
  Result<GuestBuffer> alloc(uint32_t size, uint32_t align = 8) const;
  GuestMemory memory() const { return ctx_->guest_memory(); }
  const Instance& instance() const { return ctx_->instance; }
  /// Which allocator protocol was found (None: strings and structs cannot be passed).
  AllocProtocol protocol() const { return ctx_->protocol; }
  /// The module's contract records (empty when it has none).
  std::vector<ContractEntry> contract() const;

 private:
  explicit Guest(std::shared_ptr<detail::GuestContext> ctx) : ctx_(std::move(ctx)) {}
  Result<Func> check(std::string_view name, const FuncType& type,
                     const std::string& signature) const;
  /// How results of a function are freed: options.release if given (its type checked),
  /// else the guest's default free function.
  struct Release {
    Func func;
    ReleaseShape shape;
    std::string name;
  };
  Result<Release> release_for(const FuncOptions& options) const;
  template <class H>
  Result<Func> destroy_func(std::string_view name, H) const {
    return check_destroy(name, detail::signature_text<void(H)>(),
                         detail::signature_text<HailMaryError(H)>());
  }
  Result<Func> check_destroy(std::string_view name, const std::string& void_sig,
                             const std::string& status_sig) const;

  std::shared_ptr<detail::GuestContext> ctx_;
};

/// Verifies `module` against `iface` (all mismatches at once), instantiates it with `linker`
/// and attaches a Guest: the contract is checked before any guest code runs.
Result<Guest> instantiate(const Linker& linker, const Module& module, const Interface& iface,
                          const GuestOptions& options = {});

}  // namespace hailmary::ffi
