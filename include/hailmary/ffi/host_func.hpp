// Host functions from C++ callables: the wasm type is deduced from the callable's signature at
// compile time, and a static trampoline on the raw slot ABI unpacks, validates and converts the
// guest's arguments. An optional first parameter `Caller&` gives the caller's context.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "hailmary/extern.hpp"
#include "hailmary/ffi/context.hpp"
#include "hailmary/ffi/marshal.hpp"
#include "hailmary/linker.hpp"

namespace hailmary::ffi {

namespace detail {

template <class T>
struct ResultTraits {
  static constexpr bool is_result = false;
  using inner = T;
};
template <class T>
struct ResultTraits<Result<T>> {
  static constexpr bool is_result = true;
  using inner = T;
};

/// The parameter types of a host callable as C++ sees them, and what the guest passes.
template <class F, class Args>
struct HostFnShape;
template <class F, class... A>
struct HostFnShape<F, abi::meta::TypeList<A...>> {
  static constexpr bool with_caller = false;
  using args = abi::meta::TypeList<A...>;
};
template <class F, class First, class... A>
requires std::is_same_v<First, Caller&>
struct HostFnShape<F, abi::meta::TypeList<First, A...>> {
  static constexpr bool with_caller = true;
  using args = abi::meta::TypeList<A...>;
};

/// Storage for a decoded argument: views into guest memory for strings and bytes (valid for
/// the duration of the host call), copies for structs.
template <class A>
struct ArgStore {
  using type = bare_t<A>;
};
template <class A>
requires(abi::kind_of<A> == abi::Kind::String) struct ArgStore<A> {
  using type =
      std::conditional_t<std::is_same_v<bare_t<A>, std::string>, std::string, std::string_view>;
};
template <class A>
requires(abi::kind_of<A> == abi::Kind::Bytes) struct ArgStore<A> {
  using type = std::conditional_t<std::is_same_v<bare_t<A>, std::vector<uint8_t>>,
                                  std::vector<uint8_t>, std::span<const uint8_t>>;
};

template <class A>
inline constexpr bool needs_memory =
    abi::kind_of<A> == abi::Kind::String || abi::kind_of<A> == abi::Kind::Bytes ||
    abi::kind_of<A> == abi::Kind::Struct;

/// Decodes one argument from its slots; on failure returns the error to trap with.
template <class A>
std::optional<Error> fetch_arg(const Memory* mem, const uint64_t* slots, size_t off, size_t index,
                               typename ArgStore<A>::type& out) {
  constexpr abi::Kind k = abi::kind_of<A>;
  if constexpr (k == abi::Kind::String || k == abi::Kind::Bytes) {
    auto ptr = static_cast<uint32_t>(slots[off]);
    auto len = static_cast<uint32_t>(slots[off + 1]);
    GuestMemory gm(*mem);
    if (auto ok = gm.check(ptr, len); !ok) {
      Error e = std::move(ok).error();
      e.with_context("argument " + std::to_string(index + 1));
      return e;
    }
    const uint8_t* p = mem->data() + ptr;
    if constexpr (k == abi::Kind::String) {
      if (!is_valid_utf8(p, len)) {
        return ffi_error("argument " + std::to_string(index + 1) + " is not valid UTF-8");
      }
      out = typename ArgStore<A>::type(reinterpret_cast<const char*>(p), len);
    } else {
      out = typename ArgStore<A>::type(p, p + len);
    }
  } else if constexpr (k == abi::Kind::Struct) {
    auto r = GuestMemory(*mem).read<bare_t<A>>(static_cast<uint32_t>(slots[off]));
    if (!r) {
      Error e = std::move(r).error();
      e.with_context("argument " + std::to_string(index + 1));
      return e;
    }
    out = *r;
  } else {
    out = from_slot<bare_t<A>>(slots[off]);
  }
  return std::nullopt;
}

/// Writes a string result into a fresh buffer from the caller's own allocator.
Result<void> return_string_to_guest(Caller& caller, const Memory& mem, uint32_t ret,
                                    const void* data, size_t size);

template <class F, class R, bool WithCaller, bool IsResult, class... A>
struct HostThunk {
  using S = abi::Signature<R(bare_t<A>...)>;
  static constexpr bool kNeedsMemory = S::sret || (needs_memory<A> || ...);

  static bool call(Caller& caller, uint64_t* slots, void* env) {
    F& f = *static_cast<F*>(env);
    std::optional<Memory> mem;
    if constexpr (kNeedsMemory) {
      mem = caller.memory();
      if (!mem) {
        caller.fail(ffi_error("host function needs the caller's linear memory, but it has none"));
        return false;
      }
    }
    std::tuple<typename ArgStore<A>::type...> args{};
    std::optional<Error> err;
    fetch_all(mem ? &*mem : nullptr, slots, args, err, std::index_sequence_for<A...>{});
    if (err) {
      caller.fail(std::move(*err));
      return false;
    }
    return invoke(f, caller, mem, slots, args, std::index_sequence_for<A...>{});
  }

  template <size_t... I>
  // (With no arguments the fold is empty and the parameters go unused.)
  static void fetch_all([[maybe_unused]] const Memory* mem, [[maybe_unused]] const uint64_t* slots,
                        [[maybe_unused]] std::tuple<typename ArgStore<A>::type...>& args,
                        [[maybe_unused]] std::optional<Error>& err, std::index_sequence<I...>) {
    ((err ? void()
          : void(err = fetch_arg<A>(mem, slots, abi::param_offset<S::sret, bare_t<A>...>(I), I,
                                    std::get<I>(args)))),
     ...);
  }

  template <size_t... I>
  static bool invoke(F& f, Caller& caller, const std::optional<Memory>& mem, uint64_t* slots,
                     std::tuple<typename ArgStore<A>::type...>& args, std::index_sequence<I...>) {
    auto run = [&]() -> decltype(auto) {
      if constexpr (WithCaller) {
        return f(caller, std::get<I>(args)...);
      } else {
        return f(std::get<I>(args)...);
      }
    };
    if constexpr (std::is_void_v<R> && !IsResult) {
      run();
      return true;
    } else if constexpr (IsResult) {
      auto r = run();
      if (!r) {
        caller.fail(std::move(r).error());
        return false;
      }
      if constexpr (std::is_void_v<R>) {
        return true;
      } else {
        return store(caller, mem, slots, std::move(*r));
      }
    } else {
      return store(caller, mem, slots, run());
    }
  }

  template <class V>
  static bool store(Caller& caller, const std::optional<Memory>& mem, uint64_t* slots, V&& v) {
    constexpr abi::Kind k = abi::kind_of<R>;
    if constexpr (k == abi::Kind::Tuple) {
      std::apply(
          [&](const auto&... e) {
            size_t i = 0;
            ((slots[i++] = to_slot(e)), ...);
          },
          v);
      return true;
    } else if constexpr (k == abi::Kind::String || k == abi::Kind::Bytes) {
      auto ret = static_cast<uint32_t>(slots[0]);
      auto r = return_string_to_guest(caller, *mem, ret, std::data(v), std::size(v));
      if (!r) {
        caller.fail(std::move(r).error());
        return false;
      }
      return true;
    } else if constexpr (k == abi::Kind::Struct || k == abi::Kind::Fallible) {
      auto r = GuestMemory(*mem).write(static_cast<uint32_t>(slots[0]), bare_t<R>(v));
      if (!r) {
        caller.fail(std::move(r).error());
        return false;
      }
      return true;
    } else {
      slots[0] = to_slot(static_cast<bare_t<R>>(v));
      return true;
    }
  }
};

template <class F>
struct HostFnInfo {
  using C = abi::meta::Callable<bare_t<F>>;
  using Shape = HostFnShape<F, typename C::args>;
  using RT = ResultTraits<bare_t<typename C::result>>;
  using R = typename RT::inner;

  template <class List>
  struct Build;
  template <class... A>
  struct Build<abi::meta::TypeList<A...>> {
    using thunk = HostThunk<bare_t<F>, R, Shape::with_caller, RT::is_result, A...>;
    using sig = R(bare_t<A>...);
  };
  using thunk = typename Build<typename Shape::args>::thunk;
  using sig = typename Build<typename Shape::args>::sig;
};

}  // namespace detail

/// A host function made from a C++ callable (lambda, function pointer, functor). Parameters:
/// an optional `Caller&` first, then scalars, bool, HailMaryError, Handle<T>,
/// std::string_view/std::string (UTF-8 checked), std::span<const uint8_t>/std::vector<uint8_t>,
/// HM_STRUCT types. Result: void, any of those, a std::tuple of scalars, or Result<T> of them
/// (an Error traps the guest and reaches the host caller). Views are valid during the call only.
template <class F>
Func host_func(Store& store, F&& fn) {
  using Info = detail::HostFnInfo<F>;
  FuncType type = detail::func_type_of<typename Info::sig>();
  auto env = std::make_shared<detail::bare_t<F>>(std::forward<F>(fn));
  return Func::host_raw(store, std::move(type), &Info::thunk::call, std::move(env));
}

/// Defines module.name in `linker` as a host function made from `fn` (see host_func).
template <class F>
Linker& define(Linker& linker, std::string_view module, std::string_view name, F&& fn) {
  return linker.define(module, name, host_func(linker.store(), std::forward<F>(fn)));
}

}  // namespace hailmary::ffi
