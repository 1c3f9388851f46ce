// Guest-side lowering: raw core values <-> the C++ types of exported and imported functions.
#pragma once

#include "hailmary/guest/types.hpp"

namespace hailmary::guest::detail {

using abi::Kind;
using abi::kind_of;
using abi::WasmVal;
template <class T>
using bare_t = abi::meta::remove_cvref_t<T>;

/// The C type clang uses for each core type at the wasm32 C ABI level.
template <WasmVal V>
struct CType;
template <>
struct CType<WasmVal::I32> {
  using type = uint32_t;
};
template <>
struct CType<WasmVal::I64> {
  using type = uint64_t;
};
template <>
struct CType<WasmVal::F32> {
  using type = float;
};
template <>
struct CType<WasmVal::F64> {
  using type = double;
};

/// The core-level function type of a lowered signature.
template <class S, class Seq>
struct LoweredImpl;
template <class S, size_t... I>
struct LoweredImpl<S, abi::meta::IndexSeq<I...>> {
  static constexpr abi::ValList p = S::params();
  static constexpr abi::ValList r = S::results();
  static_assert(r.n <= 1,
                "multi-value results cannot cross the guest's C ABI (clang's wasm32 ABI returns "
                "one value); return an HM_STRUCT instead");
  template <size_t N, bool = (N > 0)>
  struct Ret {
    using type = void;
  };
  template <size_t N>
  struct Ret<N, true> {
    using type = typename CType<r.v[0]>::type;
  };
  using type = typename Ret<r.n>::type(typename CType<p.v[I]>::type...);
};
template <class S>
using lowered_t = typename LoweredImpl<S, abi::meta::make_index_seq<S::param_count>>::type;

template <class T>
inline uint64_t to_raw(T v) {
  if constexpr (abi::meta::is_same<T, float>) {
    return __builtin_bit_cast(uint32_t, v);
  } else if constexpr (abi::meta::is_same<T, double>) {
    return __builtin_bit_cast(uint64_t, v);
  } else if constexpr (abi::meta::is_same<T, bool>) {
    return v ? 1 : 0;
  } else if constexpr (abi::meta::is_same<T, HailMaryError>) {
    return static_cast<uint32_t>(v);
  } else if constexpr (requires { v.bits; }) {
    return v.bits;
  } else if constexpr (requires { v.offset; }) {
    return v.offset;
  } else if constexpr (sizeof(T) <= 4) {
    return static_cast<uint32_t>(v);
  } else {
    return static_cast<uint64_t>(v);
  }
}

template <class T>
inline T from_raw(uint64_t r) {
  if constexpr (abi::meta::is_same<T, float>) {
    return __builtin_bit_cast(float, static_cast<uint32_t>(r));
  } else if constexpr (abi::meta::is_same<T, double>) {
    return __builtin_bit_cast(double, r);
  } else if constexpr (abi::meta::is_same<T, bool>) {
    return static_cast<uint32_t>(r) != 0;
  } else if constexpr (abi::meta::is_same<T, HailMaryError>) {
    return static_cast<HailMaryError>(static_cast<uint32_t>(r));
  } else if constexpr (
      requires { T().bits; } || requires { T().offset; }) {
    return T(static_cast<uint32_t>(r));
  } else if constexpr (sizeof(T) <= 4) {
    return static_cast<T>(static_cast<uint32_t>(r));
  } else {
    return static_cast<T>(r);
  }
}

/// A minimal tuple (freestanding guests have no <tuple>).
template <size_t I, class T>
struct Leaf {
  T value{};
};
template <class Seq, class... T>
struct TupleImpl;
template <size_t... I, class... T>
struct TupleImpl<abi::meta::IndexSeq<I...>, T...> : Leaf<I, T>... {};
template <class... T>
using Tuple = TupleImpl<abi::meta::make_index_seq<sizeof...(T)>, T...>;
template <size_t I, class T>
T& get(Leaf<I, T>& leaf) {
  return leaf.value;
}

/// Decodes one argument; returns Success or the error code to report.
template <class A>
HailMaryError decode(const uint64_t* raw, size_t off, bare_t<A>& out) {
  using B = bare_t<A>;
  constexpr Kind k = kind_of<A>;
  if constexpr (k == Kind::String || k == Kind::Bytes) {
    auto ptr = static_cast<uint32_t>(raw[off]);
    auto len = static_cast<uint32_t>(raw[off + 1]);
    if (ptr == 0 && len != 0) return HailMaryError::NullPointer;
    if (!in_bounds(ptr, len)) return HailMaryError::OutOfBounds;
    const auto* p = reinterpret_cast<const unsigned char*>(static_cast<uintptr_t>(ptr));
    if constexpr (k == Kind::String) {
      if (!is_valid_utf8(p, len)) return HailMaryError::InvalidUtf8;
      const char* c = reinterpret_cast<const char*>(p);
      if constexpr (abi::meta::is_same<B, String>) {
        out = String(c, len);
      } else {
        out = B(c, len);
      }
    } else {
      if constexpr (abi::meta::is_same<B, Bytes>) {
        out = Bytes{p, len};
      } else {
        out = B(p, p + len);  // std::span / std::vector
      }
    }
  } else if constexpr (k == Kind::Struct) {
    auto ptr = static_cast<uint32_t>(raw[off]);
    if (ptr == 0) return HailMaryError::NullPointer;
    if (ptr % alignof(B) != 0) return HailMaryError::Unaligned;
    if (!in_bounds(ptr, sizeof(B))) return HailMaryError::OutOfBounds;
    copy_bytes(&out, reinterpret_cast<const void*>(static_cast<uintptr_t>(ptr)), sizeof(B));
  } else {
    out = from_raw<B>(raw[off]);
  }
  return HailMaryError::Success;
}

inline bool same_size_class(uint32_t a, uint32_t b) {
#if HM_GUEST_HOSTED
  (void)a, (void)b;
  return true;
#else
  return size_class(a) == size_class(b);
#endif
}

/// Fills a StringResult with a fresh copy of [p, p+n) (or hands over an owned String).
inline void write_string(StringResult* out, const char* p, uint32_t n) {
  *out = StringResult{};
  if (n == 0) return;
  auto* buf = static_cast<char*>(heap_alloc(n));
  if (buf == nullptr) {
    out->error = HailMaryError::AllocationFailed;
    return;
  }
  copy_bytes(buf, p, n);
  out->ptr = Ptr<char>(buf);
  out->len = n;
}
inline void write_string(StringResult* out, String&& s) {
  // The host frees with the length, so the allocation must be of that size class.
  if (s.size() != 0 && same_size_class(s.size(), s.capacity())) {
    uint32_t n = s.size();
    *out = StringResult{Ptr<char>(s.release()), n, HailMaryError::Success};
    return;
  }
  write_string(out, s.data(), s.size());
}

template <class U>
inline void write_text_result(StringResult* out, U&& u) {
  using B = bare_t<U>;
  if constexpr (requires {
                  u.ok();
                  u.value();
                }) {  // guest::Result<T>
    if (!u.ok()) {
      *out = StringResult{Ptr<char>(), 0, u.error()};
      return;
    }
    write_text_result(out, static_cast<decltype(u.value())&&>(u.value()));
  } else if constexpr (abi::meta::is_same<B, String>) {
    write_string(out, static_cast<String&&>(u));
  } else {
    write_string(out, reinterpret_cast<const char*>(u.data()), static_cast<uint32_t>(u.size()));
  }
}

}  // namespace hailmary::guest::detail
