// Typed calls into the guest. The signature is checked once, at lookup (Guest::func); a call
// then packs its arguments into a stack array of raw slots, makes one Func::call_raw, and
// unpacks the results: nothing else for scalar signatures.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hailmary/ffi/context.hpp"
#include "hailmary/ffi/marshal.hpp"

namespace hailmary::ffi {

namespace detail {

/// Reads a StringResult at `ret`, copies the bytes out, releases the guest buffer, checks the
/// error code, bounds and UTF-8.
Result<std::string> take_string_result(GuestContext& ctx, uint32_t ret, const Func& release,
                                       ReleaseShape shape, std::string_view release_name,
                                       std::string_view where);
/// take_string_result for bytes: no UTF-8 check, and copied straight into the vector.
Result<std::vector<uint8_t>> take_bytes_result(GuestContext& ctx, uint32_t ret, const Func& release,
                                               ReleaseShape shape, std::string_view release_name,
                                               std::string_view where);

}  // namespace detail

/// How a typed function treats returned buffers.
struct FuncOptions {
  /// Export that frees returned strings/bytes: empty means the guest allocator's free. Its
  /// shape is checked: (ptr, len), (ptr), or (ptr) -> HailMaryError like the seed's
  /// free_string_safe.
  std::string release;
};

template <class Sig>
class TypedFunc;

/// A guest export callable as R(A...). Obtain from Guest::func or ffi::typed. Cheap to copy.
template <class R, class... A>
class TypedFunc<R(A...)> {
  using S = abi::Signature<R(A...)>;
  static constexpr size_t kBuffers = (detail::needs_buffer<A> + ... + 0);

 public:
  using Return = detail::host_return_t<R>;
  /// Whether calls need the guest's memory and allocator.
  static constexpr bool kNeedsGuest = S::sret || kBuffers > 0;

  TypedFunc() = default;
  TypedFunc(Func func, std::shared_ptr<detail::GuestContext> ctx, std::string name,
            Func release = {}, ReleaseShape shape = ReleaseShape::None,
            std::string release_name = {})
      : func_(func),
        stack_(func ? hailmary::detail::value_stack_of(func.inst()) : nullptr),
        ctx_(std::move(ctx)),
        epoch_(ctx_ ? ctx_->epoch : std::make_shared<uint64_t>(0)),
        name_(std::move(name)),
        release_(release),
        shape_(shape),
        release_name_(std::move(release_name)) {}

  /// The core type this signature lowers to.
  static FuncType wasm_type() { return detail::func_type_of<R(A...)>(); }
  /// The contract text of this signature.
  static std::string signature() { return detail::signature_text<R(A...)>(); }

  Func func() const noexcept { return func_; }
  const std::string& name() const noexcept { return name_; }

  /// Calls the export. Traps, guest error codes and marshalling failures come back as Error.
  Result<Return> operator()(detail::host_arg_t<A>... args) const {
    uint64_t slots_here[S::slot_count];
    if constexpr (!kNeedsGuest) {
      // Scalars go straight into the callee's frame (results come back there too).
      // A wasm function's arguments go at its stack's top, where its frame will start.
      uint64_t* slots = slots_here;
      const bool in_place =
          stack_ && (S::slot_count <= hailmary::detail::kValueStackRedZone ||
                     stack_->end - stack_->top >= static_cast<ptrdiff_t>(S::slot_count));
      if (in_place) slots = stack_->top;
      size_t off = 0;
      ((slots[off] = detail::to_slot(args), off += 1), ...);
      ++*epoch_;
      const bool ok = in_place ? hailmary::detail::invoke_wasm_raw(func_.inst(), slots)
                               : hailmary::detail::invoke_raw(func_.inst(), slots);
      if (ok) [[likely]]
        return lift(slots, 0);
      return hailmary::detail::take_call_error(func_.inst());
    } else {
      uint64_t* slots = slots_here;
      detail::GuestContext& ctx = *ctx_;
      detail::CallBuffers buffers(ctx);
      std::optional<Error> err;
      size_t off = S::sret ? 1 : 0;
      size_t index = 0;
      ((err ? void() : lower<A>(slots, off, index, args, buffers, err), ++index), ...);
      if (err) return std::move(*err);
      uint32_t ret = 0;
      if constexpr (S::sret) {
        // The return area goes after the arguments, which then start the arena's free part.
        auto area = buffers.copy_in(nullptr, abi::sret_size<R>(), abi::sret_align<R>());
        if (!area) return std::move(area).error();
        ret = *area;
        slots[0] = ret;
      }
      ++*ctx.epoch;
      if (auto r = func_.call_raw(slots); !r) return std::move(r).error();
      auto out = lift(slots, ret);
      auto freed = buffers.free_all();
      if (out && !freed) return std::move(freed).error();
      return out;
    }
  }

 private:
  template <class T>
  void lower(uint64_t* slots, size_t& off, size_t index, const detail::host_arg_t<T>& arg,
             detail::CallBuffers& buffers, std::optional<Error>& err) const {
    constexpr abi::Kind k = abi::kind_of<T>;
    if constexpr (k == abi::Kind::String || k == abi::Kind::Bytes) {
      auto* data = reinterpret_cast<const uint8_t*>(arg.data());
      if constexpr (k == abi::Kind::String) {
        if (!is_valid_utf8(data, arg.size())) {
          err = ffi_error("call to " + name_ + ": argument " + std::to_string(index + 1) +
                          " is not valid UTF-8");
          return;
        }
      }
      if (arg.size() > UINT32_MAX) {
        err = ffi_error("call to " + name_ + ": argument " + std::to_string(index + 1) +
                        " is larger than 4 GiB");
        return;
      }
      auto a = buffers.copy_in(data, arg.size(), 1);
      if (!a) {
        err = std::move(a).error();
        return;
      }
      slots[off++] = *a;
      slots[off++] = static_cast<uint32_t>(arg.size());
    } else if constexpr (k == abi::Kind::Struct) {
      auto a = buffers.copy_in(&arg, sizeof(arg), abi::AbiOf<detail::bare_t<T>>::align);
      if (!a) {
        err = std::move(a).error();
        return;
      }
      slots[off++] = *a;
    } else {
      slots[off++] = detail::to_slot(arg);
    }
  }

  Result<Return> lift(const uint64_t* slots, uint32_t ret) const {
    using B = detail::bare_t<R>;
    constexpr abi::Kind k = abi::kind_of<R>;
    if constexpr (k == abi::Kind::Void) {
      return {};
    } else if constexpr (k == abi::Kind::Status) {
      auto code = static_cast<uint32_t>(slots[0]);
      if (code != 0) return guest_code_error(code, name_);
      return {};
    } else if constexpr (k == abi::Kind::Tuple) {
      return detail::tuple_from_slots<B>(slots, std::make_index_sequence<std::tuple_size_v<B>>{});
    } else if constexpr (k == abi::Kind::String || k == abi::Kind::Bytes) {
      if constexpr (k == abi::Kind::String) {
        return detail::take_string_result(*ctx_, ret, release_, shape_, release_name_, name_);
      } else {
        return detail::take_bytes_result(*ctx_, ret, release_, shape_, release_name_, name_);
      }
    } else if constexpr (k == abi::Kind::Struct) {
      return ctx_->guest_memory().template read<B>(ret);
    } else if constexpr (k == abi::Kind::Fallible) {
      auto f = ctx_->guest_memory().template read<B>(ret);
      if (!f) return std::move(f).error();
      if (f->error != HailMaryError::Success) {
        return guest_code_error(static_cast<uint32_t>(f->error), name_);
      }
      return f->value;
    } else {
      return detail::from_slot<B>(slots[0]);
    }
  }

  Func func_;
  const hailmary::detail::ValueStack* stack_ = nullptr;  // null for host functions
  std::shared_ptr<detail::GuestContext> ctx_;
  // ctx_'s epoch, bumped by every call (held here too: one load less on the call path), or
  // one of its own that nothing reads (no test on the call path).
  std::shared_ptr<uint64_t> epoch_;
  std::string name_;
  Func release_;
  ReleaseShape shape_ = ReleaseShape::None;
  std::string release_name_;
};

namespace detail {
/// Checks that `name` is a function export of type `expected`; the error names both types.
Result<Func> lookup_func(const Instance& instance, std::string_view name, const FuncType& expected,
                         std::string_view signature);
}  // namespace detail

/// A typed handle to a scalar-only export, without a Guest (no memory or allocator needed).
template <class Sig>
Result<TypedFunc<Sig>> typed(const Instance& instance, std::string_view name) {
  static_assert(!TypedFunc<Sig>::kNeedsGuest,
                "this signature passes strings, bytes or structs, or returns through a return "
                "area: look it up with Guest::func, which knows the guest's memory and allocator");
  auto f =
      detail::lookup_func(instance, name, TypedFunc<Sig>::wasm_type(), TypedFunc<Sig>::signature());
  if (!f) return std::move(f).error();
  return TypedFunc<Sig>(*f, nullptr, std::string(name));
}

}  // namespace hailmary::ffi
