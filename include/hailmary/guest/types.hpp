// Guest-side value types: views and owned buffers that work without a C++ standard library,
// and Result<T>, an error code or a value. Hosted guests may use std::string_view,
// std::string, std::span<const uint8_t> and std::vector<uint8_t> in their place.
#pragma once

#include "hailmary/guest/alloc.hpp"
#include "hailmary/guest/config.hpp"

namespace hailmary::guest {

/// A UTF-8 string in guest memory, borrowed for the duration of a call.
struct Str {
  const char* ptr = nullptr;
  uint32_t len = 0;

  constexpr Str() = default;
  constexpr Str(const char* p, uint32_t n) : ptr(p), len(n) {}
  template <uint32_t N>
  constexpr Str(const char (&lit)[N]) : ptr(lit), len(N - 1) {}  // NOLINT: literals convert
#if HM_GUEST_HOSTED
  Str(std::string_view s) : ptr(s.data()), len(static_cast<uint32_t>(s.size())) {}  // NOLINT
  operator std::string_view() const {
    return {ptr, len};
  }  // NOLINT
#endif
  constexpr const char* data() const {
    return ptr;
  }
  constexpr uint32_t size() const {
    return len;
  }
  constexpr bool empty() const {
    return len == 0;
  }
  constexpr const char* begin() const {
    return ptr;
  }
  constexpr const char* end() const {
    return ptr + len;
  }
  friend constexpr bool operator==(Str a, Str b) {
    if (a.len != b.len) return false;
    for (uint32_t i = 0; i < a.len; ++i)
      if (a.ptr[i] != b.ptr[i]) return false;
    return true;
  }
};

/// Raw bytes in guest memory, borrowed for the duration of a call.
struct Bytes {
  const uint8_t* ptr = nullptr;
  uint32_t len = 0;
  constexpr const uint8_t* data() const { return ptr; }
  constexpr uint32_t size() const { return len; }
};

/// An owned byte buffer from hail_mary_alloc: returning one hands it to the host, which frees
/// it with hail_mary_free. Move-only.
class String {
 public:
  String() = default;
  explicit String(Str s) { assign(s.ptr, s.len); }
  String(const char* p, uint32_t n) { assign(p, n); }
  String(String&& o) : ptr_(o.ptr_), len_(o.len_), cap_(o.cap_) {
    o.ptr_ = nullptr, o.len_ = o.cap_ = 0;
  }
  String& operator=(String&& o) {
    if (this != &o) {
      reset();
      ptr_ = o.ptr_, len_ = o.len_, cap_ = o.cap_;
      o.ptr_ = nullptr, o.len_ = o.cap_ = 0;
    }
    return *this;
  }
  String(const String&) = delete;
  String& operator=(const String&) = delete;
  ~String() { reset(); }

  /// Appends; false if the allocator fails (the string is unchanged then).
  bool append(Str s) {
    if (s.len == 0) return true;
    uint32_t need = len_ + s.len;
    if (need > cap_) {
      uint32_t cap = cap_ < 16 ? 16 : cap_;
      while (cap < need) cap *= 2;
      auto* p = static_cast<char*>(detail::heap_alloc(cap));
      if (p == nullptr) return false;
      if (len_ != 0) detail::copy_bytes(p, ptr_, len_);
      detail::heap_free(ptr_, cap_);
      ptr_ = p, cap_ = cap;
    }
    detail::copy_bytes(ptr_ + len_, s.ptr, s.len);
    len_ = need;
    return true;
  }
  /// Takes ownership of a buffer of exactly `n` bytes from hail_mary_alloc.
  static String adopt(char* p, uint32_t n) {
    String s;
    s.ptr_ = p, s.len_ = s.cap_ = n;
    return s;
  }
  bool ok() const { return ptr_ != nullptr || len_ == 0; }
  Str view() const { return {ptr_, len_}; }
  const char* data() const { return ptr_; }
  uint32_t size() const { return len_; }
  uint32_t capacity() const { return cap_; }
  /// Hands the buffer over (ptr, capacity): the receiver frees it with that capacity.
  char* release() {
    char* p = ptr_;
    ptr_ = nullptr, len_ = cap_ = 0;
    return p;
  }

 private:
  void assign(const char* p, uint32_t n) {
    if (n == 0) return;
    ptr_ = static_cast<char*>(detail::heap_alloc(n));
    if (ptr_ == nullptr) return;
    detail::copy_bytes(ptr_, p, n);
    len_ = cap_ = n;
  }
  void reset() {
    detail::heap_free(ptr_, cap_);
    ptr_ = nullptr, len_ = cap_ = 0;
  }
  char* ptr_ = nullptr;
  uint32_t len_ = 0;
  uint32_t cap_ = 0;
};

/// A value or an error code. Converts implicitly from both, so a guest function can
/// `return Error::InvalidInput;` or `return value;`.
template <class T>
class Result {
 public:
  Result(T value) : value_(static_cast<T&&>(value)) {}  // NOLINT
  Result(HailMaryError error) : error_(error) {}        // NOLINT
  template <class U>
  requires(!abi::meta::is_same<abi::meta::remove_cvref_t<U>, T> &&
           !abi::meta::is_same<abi::meta::remove_cvref_t<U>, HailMaryError> &&
           !abi::meta::is_same<abi::meta::remove_cvref_t<U>, Result> &&
           requires(U && u) { T(static_cast<U&&>(u)); }) Result(U&& u)
      : value_(static_cast<U&&>(u)) {}  // NOLINT
  bool ok() const { return error_ == HailMaryError::Success; }
  HailMaryError error() const { return error_; }
  T& value() { return value_; }

 private:
  T value_{};
  HailMaryError error_ = HailMaryError::Success;
};

template <>
class Result<void> {
 public:
  Result() = default;
  Result(HailMaryError error) : error_(error) {}  // NOLINT
  bool ok() const { return error_ == HailMaryError::Success; }
  HailMaryError error() const { return error_; }

 private:
  HailMaryError error_ = HailMaryError::Success;
};

}  // namespace hailmary::guest

namespace hailmary::abi {

template <>
struct AbiOf<guest::Str> {
  static constexpr Kind kind = Kind::String;
  static constexpr meta::Text name() { return "string"; }
};
template <>
struct AbiOf<guest::String> {
  static constexpr Kind kind = Kind::String;
  static constexpr meta::Text name() { return "string"; }
};
template <>
struct AbiOf<guest::Bytes> {
  static constexpr Kind kind = Kind::Bytes;
  static constexpr meta::Text name() { return "bytes"; }
};

/// Result<string-like> is a StringResult; Result<scalar or handle> a Fallible<T>;
/// Result<void> a status code.
template <class T>
struct AbiOf<guest::Result<T>> {
  static_assert(Described<T>, "guest::Result<T>: T must itself cross the boundary");
  static constexpr Kind inner = kind_of<T>;
  static_assert(inner == Kind::String || inner == Kind::Bytes || inner == Kind::Scalar ||
                    inner == Kind::Bool || inner == Kind::Handle || inner == Kind::Status,
                "guest::Result<T>: T must be a string, bytes, a scalar or a handle");
  static constexpr Kind kind =
      (inner == Kind::String || inner == Kind::Bytes) ? inner : Kind::Fallible;
  using value_type = T;
  static constexpr uint32_t size = sizeof(Fallible<T>);
  static constexpr uint32_t align = alignof(Fallible<T>);
  static constexpr meta::Text name() {
    if constexpr (kind == Kind::Fallible) {
      return meta::Text("result<").append(AbiOf<T>::name()).append(">");
    } else {
      return AbiOf<T>::name();
    }
  }
};
template <>
struct AbiOf<guest::Result<void>> {
  static constexpr Kind kind = Kind::Status;
  static constexpr meta::Text name() { return "status"; }
};

}  // namespace hailmary::abi
