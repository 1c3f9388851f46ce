// Host-side marshalling primitives: the C++ types the host API uses for each ABI kind, and the
// conversion of scalars to and from the raw 64-bit slots of Func::call_raw / host_raw.
#pragma once

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "hailmary/abi/abi.hpp"
#include "hailmary/abi/std.hpp"
#include "hailmary/types.hpp"

namespace hailmary::ffi {

using abi::Fallible;
using abi::HailMaryError;
using abi::Handle;
using abi::Ptr;
using abi::StringResult;

namespace detail {

template <class T>
using bare_t = std::remove_cvref_t<T>;

/// What a host caller passes for a parameter of type A.
template <class A>
struct HostArg {
  using type = bare_t<A>;
};
template <class A>
requires(abi::kind_of<A> == abi::Kind::String) struct HostArg<A> {
  using type = std::string_view;
};
template <class A>
requires(abi::kind_of<A> == abi::Kind::Bytes) struct HostArg<A> {
  using type = std::span<const uint8_t>;
};
template <class A>
requires(abi::kind_of<A> == abi::Kind::Struct) struct HostArg<A> {
  using type = const bare_t<A>&;
};
template <class A>
using host_arg_t = typename HostArg<A>::type;

/// What a typed call returns (inside Result) for a declared result R.
template <class R>
struct HostReturn {
  using type = bare_t<R>;
};
template <class R>
requires(abi::kind_of<R> == abi::Kind::Void ||
         abi::kind_of<R> == abi::Kind::Status) struct HostReturn<R> {
  using type = void;
};
template <class R>
requires(abi::kind_of<R> == abi::Kind::String) struct HostReturn<R> {
  static_assert(std::is_same_v<bare_t<R>, std::string>,
                "declare string results as std::string: the host copies the guest's bytes out "
                "and frees them, so it cannot return a view");
  using type = std::string;
};
template <class R>
requires(abi::kind_of<R> == abi::Kind::Bytes) struct HostReturn<R> {
  static_assert(std::is_same_v<bare_t<R>, std::vector<uint8_t>>,
                "declare byte results as std::vector<uint8_t>: the host copies them out");
  using type = std::vector<uint8_t>;
};
template <class R>
requires(abi::kind_of<R> == abi::Kind::Fallible) struct HostReturn<R> {
  using type = typename abi::AbiOf<bare_t<R>>::value_type;
};
template <class R>
using host_return_t = typename HostReturn<R>::type;

/// Parameters that need a guest buffer (strings, bytes, struct copies).
template <class A>
inline constexpr size_t needs_buffer = (abi::kind_of<A> == abi::Kind::String ||
                                        abi::kind_of<A> == abi::Kind::Bytes ||
                                        abi::kind_of<A> == abi::Kind::Struct)
                                           ? 1
                                           : 0;

template <class T>
constexpr uint64_t to_slot(T v) noexcept {
  using B = bare_t<T>;
  if constexpr (std::is_same_v<B, bool>) {
    return v ? 1 : 0;
  } else if constexpr (std::is_same_v<B, float>) {
    return std::bit_cast<uint32_t>(v);
  } else if constexpr (std::is_same_v<B, double>) {
    return std::bit_cast<uint64_t>(v);
  } else if constexpr (std::is_same_v<B, HailMaryError>) {
    return static_cast<uint32_t>(v);
  } else if constexpr (abi::kind_of<B> == abi::Kind::Handle) {
    return v.bits;
  } else if constexpr (requires { v.offset; }) {
    return v.offset;  // Ptr<T>
  } else if constexpr (sizeof(B) == 4) {
    return static_cast<uint32_t>(v);  // i32 is zero-extended in its slot
  } else {
    return static_cast<uint64_t>(v);
  }
}

template <class T>
constexpr T from_slot(uint64_t s) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    return static_cast<uint32_t>(s) != 0;
  } else if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<float>(static_cast<uint32_t>(s));
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<double>(s);
  } else if constexpr (std::is_same_v<T, HailMaryError>) {
    return static_cast<HailMaryError>(static_cast<uint32_t>(s));
  } else if constexpr (abi::kind_of<T> == abi::Kind::Handle) {
    return T(static_cast<uint32_t>(s));
  } else if constexpr (requires { T().offset; }) {
    return T(static_cast<uint32_t>(s));
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<T>(static_cast<uint32_t>(s));
  } else {
    return static_cast<T>(s);
  }
}

template <class Tuple, size_t... I>
Tuple tuple_from_slots(const uint64_t* slots, std::index_sequence<I...>) {
  return Tuple{from_slot<std::tuple_element_t<I, Tuple>>(slots[I])...};
}

inline ValType to_val_type(abi::WasmVal v) {
  return static_cast<ValType>(v);
}

/// The core wasm type a C++ signature lowers to.
template <class Sig>
FuncType func_type_of() {
  using S = abi::Signature<Sig>;
  constexpr abi::ValList p = S::params();
  constexpr abi::ValList r = S::results();
  FuncType t;
  for (size_t i = 0; i < p.n; ++i) t.params.push_back(to_val_type(p.v[i]));
  for (size_t i = 0; i < r.n; ++i) t.results.push_back(to_val_type(r.v[i]));
  return t;
}

template <class Sig>
std::string signature_text() {
  constexpr abi::meta::Text t = abi::Signature<Sig>::text();
  return std::string(t.data, t.size);
}

}  // namespace detail
}  // namespace hailmary::ffi
