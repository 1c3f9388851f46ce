// HM_IMPORT: a typed host function, called like a C++ function; the lowering is the same one
// the host's ffi::define derives from its callable.
#pragma once

#include "hailmary/guest/marshal.hpp"

namespace hailmary::guest::detail {

/// What a guest gets back from an import declared with result R.
template <class R, Kind K = kind_of<R>>
struct ImportReturn {
  using type = bare_t<R>;
};
template <class R>
struct ImportReturn<R, Kind::String> {
  using type = Result<String>;
};
template <class R>
struct ImportReturn<R, Kind::Bytes> {
  using type = Result<String>;
};
template <class R>
struct ImportReturn<R, Kind::Fallible> {
  using type = Result<typename abi::AbiOf<bare_t<R>>::value_type>;
};

template <template <class> class Raw, class Sig>
struct Import;

template <template <class> class Raw, class R, class... A>
struct Import<Raw, R(A...)> {
  using sig = abi::Signature<bare_t<R>(bare_t<A>...)>;
  using lowered = lowered_t<sig>;
  using Ret = typename ImportReturn<R>::type;

  template <class F>
  struct Fn;
  template <class LR, class... P>
  struct Fn<LR(P...)> {
    template <size_t... I>
    static LR call(const uint64_t* raw, abi::meta::IndexSeq<I...>) {
      return Raw<LR(P...)>::call(from_raw<P>(raw[I])...);
    }
  };

  Ret operator()(const A&... args) const {
    uint64_t raw[sig::param_count + 1] = {};
    alignas(8) unsigned char area[abi::sret_size<R>() + 1];
    size_t off = 0;
    if constexpr (sig::sret) raw[off++] = reinterpret_cast<uintptr_t>(area);
    (lower<A>(raw, off, args), ...);
    constexpr Kind k = kind_of<R>;
    auto seq = abi::meta::make_index_seq<sig::param_count>{};
    if constexpr (sig::sret) {
      Fn<lowered>::call(raw, seq);
      if constexpr (k == Kind::String || k == Kind::Bytes) {
        StringResult sr;
        copy_bytes(&sr, area, sizeof sr);
        if (sr.error != HailMaryError::Success) return Ret(sr.error);
        return Ret(String::adopt(sr.ptr.get(), sr.len));
      } else if constexpr (k == Kind::Fallible) {
        using V = typename abi::AbiOf<bare_t<R>>::value_type;
        Fallible<V> f;
        copy_bytes(&f, area, sizeof f);
        if (f.error != HailMaryError::Success) return Ret(f.error);
        return Ret(f.value);
      } else {
        bare_t<R> r;
        copy_bytes(&r, area, sizeof r);
        return r;
      }
    } else if constexpr (k == Kind::Void) {
      Fn<lowered>::call(raw, seq);
    } else {
      return from_raw<bare_t<R>>(to_raw(Fn<lowered>::call(raw, seq)));
    }
  }

  template <class T>
  static void lower(uint64_t* raw, size_t& off, const T& a) {
    constexpr Kind k = kind_of<T>;
    if constexpr (k == Kind::String || k == Kind::Bytes) {
      raw[off++] = reinterpret_cast<uintptr_t>(a.data());
      raw[off++] = static_cast<uint32_t>(a.size());
    } else if constexpr (k == Kind::Struct) {
      raw[off++] = reinterpret_cast<uintptr_t>(&a);  // the C ABI passes structs by pointer
    } else {
      raw[off++] = to_raw(a);
    }
  }
};

}  // namespace hailmary::guest::detail

/// Declares `cname`, a callable for the host function module.name of C++ signature Sig (the
/// same signature the host passes to ffi::define). String and byte results arrive as
/// guest::Result<guest::String>. Use at namespace scope.
#define HM_IMPORT(module, name, cname, ...)                                           \
  namespace hm_import_##cname {                                                       \
    template <class Sig>                                                              \
    struct Raw;                                                                       \
    template <class R, class... P>                                                    \
    struct Raw<R(P...)> {                                                             \
      [[clang::import_module(module), clang::import_name(name)]] static R call(P...); \
    };                                                                                \
  }                                                                                   \
  inline constexpr ::hailmary::guest::detail::Import<hm_import_##cname::Raw, __VA_ARGS__> cname {}
