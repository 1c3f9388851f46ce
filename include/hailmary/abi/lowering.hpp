// How a C++ function signature lowers to a core wasm function type under the wasm32 C ABI,
// and the contract text that names it. Shared by host and guest.
//
//   parameter kind    lowered to                      result kind       lowered to
//   scalar/bool/...   one value                       scalar/bool/...   one result
//   string, bytes     (i32 ptr, i32 len)               tuple             several results
//   struct            (i32 ptr to a copy)              string, bytes     hidden first param: i32
//   handle            i32                              struct, Fallible  pointer to the return
//                                                                        area; no results
#pragma once

#include "hailmary/abi/types.hpp"

namespace hailmary::abi {

/// A lowered value list (at most 32 entries: more is not a sensible boundary).
struct ValList {
  static constexpr size_t kMax = 32;
  WasmVal v[kMax] = {};
  size_t n = 0;
  constexpr void push(WasmVal x) {
    if (n < kMax) v[n++] = x;
  }
};

template <class T>
inline constexpr bool is_param_kind =
    kind_of<T> == Kind::Scalar || kind_of<T> == Kind::Bool || kind_of<T> == Kind::Status ||
    kind_of<T> == Kind::Handle || kind_of<T> == Kind::String || kind_of<T> == Kind::Bytes ||
    kind_of<T> == Kind::Struct;

/// A type that may be a parameter of a function crossing the boundary.
template <class T>
concept AbiParam = Described<T> && is_param_kind<T>;
/// A type that may be the result of a function crossing the boundary.
template <class T>
concept AbiResult = Described<T>;

/// Number of core values a parameter lowers to.
template <AbiParam T>
inline constexpr size_t param_width = (kind_of<T> == Kind::String || kind_of<T> == Kind::Bytes) ? 2
                                                                                                : 1;

template <AbiParam T>
constexpr void lower_param(ValList& out) {
  if constexpr (kind_of<T> == Kind::Scalar || kind_of<T> == Kind::Bool ||
                kind_of<T> == Kind::Status) {
    out.push(wasm_val_of<T>());
  } else if constexpr (kind_of<T> == Kind::String || kind_of<T> == Kind::Bytes) {
    out.push(WasmVal::I32);
    out.push(WasmVal::I32);
  } else {
    out.push(WasmVal::I32);  // handle, or pointer to a struct copy
  }
}

/// Whether a result is written through a hidden return-area pointer (the C ABI's sret).
template <AbiResult R>
inline constexpr bool uses_sret = kind_of<R> == Kind::String || kind_of<R> == Kind::Bytes ||
                                  kind_of<R> == Kind::Struct || kind_of<R> == Kind::Fallible;

/// Size and alignment of the return area.
template <AbiResult R>
constexpr uint32_t sret_size() {
  if constexpr (kind_of<R> == Kind::String || kind_of<R> == Kind::Bytes) {
    return sizeof(StringResult);
  } else if constexpr (uses_sret<R>) {
    return AbiOf<meta::remove_cvref_t<R>>::size;
  } else {
    return 0;
  }
}
template <AbiResult R>
constexpr uint32_t sret_align() {
  if constexpr (kind_of<R> == Kind::String || kind_of<R> == Kind::Bytes) {
    return alignof(StringResult);
  } else if constexpr (uses_sret<R>) {
    return AbiOf<meta::remove_cvref_t<R>>::align;
  } else {
    return 1;
  }
}

template <AbiResult R>
constexpr void lower_result(ValList& out) {
  using D = AbiOf<meta::remove_cvref_t<R>>;
  if constexpr (kind_of<R> == Kind::Void || uses_sret<R>) {
    // nothing: sret results come back through memory
  } else if constexpr (kind_of<R> == Kind::Tuple) {
    for (size_t i = 0; i < D::count; ++i) out.push(D::vals[i]);
  } else if constexpr (kind_of<R> == Kind::Handle) {
    out.push(WasmVal::I32);
  } else {
    out.push(wasm_val_of<R>());
  }
}

/// Everything both sides derive from a C++ signature R(A...).
template <class Sig>
struct Signature;

template <class R, class... A>
struct Signature<R(A...)> {
  static_assert(Described<R>,
                "unsupported result type: use void, a scalar (int32_t, uint32_t, int64_t, "
                "uint64_t, float, double, bool), HailMaryError, a string, a byte vector, a "
                "std::tuple of scalars, an HM_STRUCT type, Fallible<T> or Handle<T>");
  static_assert((Described<A> && ...),
                "unsupported parameter type: use a scalar (int32_t, uint32_t, int64_t, "
                "uint64_t, float, double, bool), HailMaryError, std::string_view, "
                "std::span<const uint8_t>, an HM_STRUCT type or Handle<T>");
  static_assert((is_param_kind<A> && ...), "a tuple, Fallible<T> or void cannot be a parameter");

  using result = R;
  static constexpr bool sret = uses_sret<R>;
  static constexpr size_t arity = sizeof...(A);

  static constexpr ValList params() {
    ValList l;
    if (sret) l.push(WasmVal::I32);
    (lower_param<A>(l), ...);
    return l;
  }
  static constexpr ValList results() {
    ValList l;
    lower_result<R>(l);
    return l;
  }
  static constexpr size_t param_count = params().n;
  static constexpr size_t result_count = results().n;
  /// Slots the raw call needs: max(params, results), at least 1.
  static constexpr size_t slot_count = param_count > result_count
                                           ? param_count
                                           : (result_count > 0 ? result_count : 1);

  /// "(string,i32)->result<i32>": the contract text of the signature.
  static constexpr meta::Text text() {
    meta::Text t("(");
    bool first = true;
    ((t.append(first ? "" : ",").append(AbiOf<meta::remove_cvref_t<A>>::name()), first = false),
     ...);
    (void)first;
    t.append(")->").append(AbiOf<meta::remove_cvref_t<R>>::name());
    return t;
  }
};

/// Slot offsets of each parameter in the lowered list (sret pointer first, when present).
template <bool Sret, class... A>
constexpr size_t param_offset(size_t index) {
  constexpr size_t widths[] = {0, param_width<A>...};
  size_t off = Sret ? 1 : 0;
  for (size_t i = 0; i < index; ++i) off += widths[i + 1];
  return off;
}

}  // namespace hailmary::abi
