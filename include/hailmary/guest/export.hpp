// HM_EXPORT: one line turns a C++ function (lambda or function name) into a wasm export with
// the lowering both sides derive from abi/, and records its signature in the module's
// "hailmary.abi" custom section (the ABI contract the host verifies).
#pragma once

#include "hailmary/guest/marshal.hpp"

namespace hailmary::guest::detail {

template <class F>
struct ExportTraits {
  using C = abi::meta::Callable<bare_t<F>>;
  using R = bare_t<typename C::result>;

  template <class List>
  struct Build;
  template <class... A>
  struct Build<abi::meta::TypeList<A...>> {
    using sig = abi::Signature<R(bare_t<A>...)>;
    using lowered = lowered_t<sig>;

    template <class Ret, class... P>
    static Ret invoke(const F& fn, P... p) {
      const uint64_t raw[sizeof...(P) + 1] = {to_raw(p)...};
      auto* sret = reinterpret_cast<void*>(static_cast<uintptr_t>(sig::sret ? raw[0] : 0));
      Tuple<bare_t<A>...> args;
      HailMaryError err = decode_all(raw, args, abi::meta::make_index_seq<sizeof...(A)>{});
      if (err != HailMaryError::Success) return fail<Ret>(sret, err);
      return call<Ret>(fn, sret, args, abi::meta::make_index_seq<sizeof...(A)>{});
    }

    template <size_t... I>
    static HailMaryError decode_all(const uint64_t* raw, Tuple<bare_t<A>...>& args,
                                    abi::meta::IndexSeq<I...>) {
      HailMaryError err = HailMaryError::Success;
      ((err == HailMaryError::Success
            ? void(err =
                       decode<A>(raw, abi::param_offset<sig::sret, bare_t<A>...>(I), get<I>(args)))
            : void()),
       ...);
      return err;
    }

    // An argument the guest cannot accept: report through the result when it can carry an
    // error code, otherwise trap (the host sees a trap, never a half-decoded call).
    template <class Ret>
    static Ret fail(void* sret, HailMaryError err) {
      constexpr Kind k = kind_of<R>;
      if constexpr (k == Kind::String || k == Kind::Bytes) {
        *static_cast<StringResult*>(sret) = StringResult{Ptr<char>(), 0, err};
      } else if constexpr (k == Kind::Fallible) {
        using V = typename abi::AbiOf<R>::value_type;
        *static_cast<Fallible<V>*>(sret) = Fallible<V>{V{}, err};
      } else if constexpr (k == Kind::Status) {
        return static_cast<Ret>(err);
      } else {
        __builtin_trap();
      }
      if constexpr (!abi::meta::is_same<Ret, void>) return Ret{};
    }

    template <class Ret, size_t... I>
    static Ret call(const F& fn, void* sret, Tuple<bare_t<A>...>& args, abi::meta::IndexSeq<I...>) {
      constexpr Kind k = kind_of<R>;
      if constexpr (k == Kind::Void) {
        fn(static_cast<A>(get<I>(args))...);
      } else {
        R r = fn(static_cast<A>(get<I>(args))...);
        if constexpr (k == Kind::String || k == Kind::Bytes) {
          write_text_result(static_cast<StringResult*>(sret), static_cast<R&&>(r));
        } else if constexpr (k == Kind::Struct) {
          copy_bytes(sret, &r, sizeof(R));
        } else if constexpr (k == Kind::Fallible) {
          using V = typename abi::AbiOf<R>::value_type;
          Fallible<V> f;
          if constexpr (requires { r.ok(); }) {
            f.error = r.error();
            if (r.ok()) f.value = r.value();
          } else {
            f = r;
          }
          copy_bytes(sret, &f, sizeof f);
        } else if constexpr (k == Kind::Status) {
          if constexpr (requires { r.error(); }) {
            return static_cast<Ret>(r.error());
          } else {
            return static_cast<Ret>(r);
          }
        } else if constexpr (abi::meta::is_same<R, float> || abi::meta::is_same<R, double>) {
          return r;
        } else {
          return static_cast<Ret>(to_raw(r));
        }
      }
      if constexpr (!abi::meta::is_same<Ret, void>) return Ret{};
    }
  };
  using build = Build<typename C::args>;
  using sig = typename build::sig;
  using lowered = typename build::lowered;
};

/// "fn <name> <signature>\n"
constexpr abi::meta::Text make_record(const char* name, const abi::meta::Text& sig) {
  abi::meta::Text t("fn ");
  t.append(name).append(" ").append(sig).append("\n");
  return t;
}

// Each character becomes one `.int8` in the custom section. The function is always inlined
// so that every use emits its own byte.
template <char C>
[[gnu::always_inline]] inline void emit_char() {
  asm volatile(".section .custom_section.hailmary.abi,\"\",@\n.int8 %0\n.text\n" ::"i"(C));
}

template <const abi::meta::Text& T>
struct Emitter {
  template <size_t... I>
  [[gnu::always_inline]] static void emit_all(abi::meta::IndexSeq<I...>) {
    (emit_char<T.data[I]>(), ...);
  }
};

}  // namespace hailmary::guest::detail

/// Exports `fn` (a captureless lambda or a function) as `name`. Parameters: scalars, bool,
/// HailMaryError, Handle<T>, strings (guest::Str, std::string_view, std::string), bytes
/// (guest::Bytes, std::span<const uint8_t>), HM_STRUCT types. Results: those, guest::String,
/// guest::Result<T>, Fallible<T>. Arguments are validated (null, bounds, alignment, UTF-8)
/// before `fn` runs. Use at namespace scope.
#define HM_EXPORT(name, ...)                                                \
  namespace hm_export_##name {                                              \
    inline constexpr auto fn = __VA_ARGS__;                                 \
    using Traits = ::hailmary::guest::detail::ExportTraits<decltype(fn)>;   \
    template <class Sig>                                                    \
    struct Thunk;                                                           \
    template <class R, class... P>                                          \
    struct Thunk<R(P...)> {                                                 \
      [[clang::export_name(#name)]] static R call(P... p) {                 \
        return Traits::build::template invoke<R>(fn, p...);                 \
      }                                                                     \
    };                                                                      \
    template struct Thunk<Traits::lowered>;                                 \
    inline constexpr ::hailmary::abi::meta::Text record =                   \
        ::hailmary::guest::detail::make_record(#name, Traits::sig::text()); \
    [[gnu::used]] static void emit_contract() {                             \
      ::hailmary::guest::detail::Emitter<record>::emit_all(                 \
          ::hailmary::abi::meta::make_index_seq<record.size>{});            \
    }                                                                       \
  }                                                                         \
  static_assert(true, "")
