// Minimal compile-time utilities for the ABI layer. The ABI headers are shared by the host
// (any C++20 compiler, hosted) and the guest SDK (clang --target=wasm32, freestanding: no C++
// standard library at all), so they depend only on <stddef.h>/<stdint.h> and the language.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace hailmary::abi::meta {

template <class A, class B>
inline constexpr bool is_same = false;
template <class A>
inline constexpr bool is_same<A, A> = true;

template <class T>
struct remove_cvref {
  using type = T;
};
template <class T>
struct remove_cvref<const T> {
  using type = T;
};
template <class T>
struct remove_cvref<volatile T> {
  using type = T;
};
template <class T>
struct remove_cvref<const volatile T> {
  using type = T;
};
template <class T>
struct remove_cvref<T&> : remove_cvref<T> {};
template <class T>
struct remove_cvref<T&&> : remove_cvref<T> {};
template <class T>
using remove_cvref_t = typename remove_cvref<T>::type;

template <class... T>
struct TypeList {};

template <size_t... I>
struct IndexSeq {};
template <size_t N, size_t... I>
struct MakeIndexSeq : MakeIndexSeq<N - 1, N - 1, I...> {};
template <size_t... I>
struct MakeIndexSeq<0, I...> {
  using type = IndexSeq<I...>;
};
template <size_t N>
using make_index_seq = typename MakeIndexSeq<N>::type;

/// Function-type decomposition of lambdas, function pointers and function types.
template <class F>
struct Callable : Callable<decltype(&F::operator())> {};
template <class R, class... A>
struct Callable<R(A...)> {
  using result = R;
  using args = TypeList<A...>;
  using signature = R(A...);
  static constexpr size_t arity = sizeof...(A);
};
template <class R, class... A>
struct Callable<R (*)(A...)> : Callable<R(A...)> {};
template <class R, class... A>
struct Callable<R (*)(A...) noexcept> : Callable<R(A...)> {};
template <class C, class R, class... A>
struct Callable<R (C::*)(A...)> : Callable<R(A...)> {};
template <class C, class R, class... A>
struct Callable<R (C::*)(A...) const> : Callable<R(A...)> {};
template <class C, class R, class... A>
struct Callable<R (C::*)(A...) noexcept> : Callable<R(A...)> {};
template <class C, class R, class... A>
struct Callable<R (C::*)(A...) const noexcept> : Callable<R(A...)> {};

/// A bounded compile-time string: signatures and contract records are built with it.
struct Text {
  static constexpr size_t kCapacity = 2048;
  char data[kCapacity] = {};
  size_t size = 0;

  constexpr Text() = default;
  template <size_t N>
  constexpr Text(const char (&s)[N]) {  // NOLINT: implicit from literals by design
    append(s);
  }
  constexpr Text& append(const char* s) {
    while (*s != 0 && size < kCapacity) data[size++] = *s++;
    return *this;
  }
  constexpr Text& append(const Text& t) {
    for (size_t i = 0; i < t.size && size < kCapacity; ++i) data[size++] = t.data[i];
    return *this;
  }
  constexpr Text& append_uint(uint64_t v) {
    char buf[24] = {};
    size_t n = 0;
    do {
      buf[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0 && size < kCapacity) data[size++] = buf[--n];
    return *this;
  }
  constexpr bool equals(const char* s, size_t n) const {
    if (n != size) return false;
    for (size_t i = 0; i < n; ++i)
      if (data[i] != s[i]) return false;
    return true;
  }
  friend constexpr Text operator+(Text a, const Text& b) { return a.append(b); }
};

}  // namespace hailmary::abi::meta
