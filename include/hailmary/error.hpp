// Errors are values: every fallible public operation returns Result<T>.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace hailmary {

/// What stage of the pipeline produced an error.
enum class ErrorKind : uint8_t {
  Malformed,    ///< the bytes are not a well-formed binary module
  Invalid,      ///< well-formed but fails validation
  Link,         ///< an import is missing or has the wrong type
  Instantiate,  ///< a segment does not fit, or the start function trapped
  Trap,         ///< execution trapped (see TrapKind)
  Ffi,          ///< a typed-FFI contract was broken (signature, pointer, encoding, ...)
  Io,           ///< a file could not be read
  Exit,         ///< the guest called proc_exit (WASI); exit_code() holds the status
  Usage,        ///< the embedder called the API wrongly (e.g. a handle from another store)
};

/// The spec's trap conditions. Tests compare kinds, never message text.
enum class TrapKind : uint8_t {
  None,
  Unreachable,
  MemoryOutOfBounds,
  TableOutOfBounds,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversion,
  UndefinedElement,
  UninitializedElement,
  IndirectCallTypeMismatch,
  CallStackExhausted,
  HostError,    ///< a host function failed; the Error carries its message
  Interrupted,  ///< Store::interrupt() was called while the guest ran
};

/// The spec's wording for each trap.
std::string_view trap_message(TrapKind kind) noexcept;
std::string_view error_kind_name(ErrorKind kind) noexcept;

/// One frame of a wasm backtrace, innermost first.
struct Frame {
  uint32_t func_index = 0;
  std::string func_name;  ///< from the name section, empty if unknown
};

class Error {
 public:
  Error() = default;
  Error(ErrorKind kind, std::string message, std::optional<uint64_t> offset = std::nullopt)
      : kind_(kind), offset_(offset), message_(std::move(message)) {}

  static Error trap(TrapKind kind, std::string detail = {});
  static Error exit(int32_t code);

  ErrorKind kind() const noexcept { return kind_; }
  TrapKind trap_kind() const noexcept { return trap_; }
  /// Byte offset in the module where decoding or validation failed.
  std::optional<uint64_t> offset() const noexcept { return offset_; }
  const std::string& message() const noexcept { return message_; }
  int32_t exit_code() const noexcept { return exit_code_; }
  const std::vector<Frame>& backtrace() const noexcept { return backtrace_; }
  std::vector<Frame>& backtrace() noexcept { return backtrace_; }

  /// Prefix the message with where it happened ("file.wasm", "import env.log", ...);
  /// to_string() puts it first: "file.wasm: malformed: byte 0x1f3: unexpected end".
  Error& with_context(std::string_view where);
  /// "kind: [byte 0x1f3: ]message" plus the backtrace, one frame a line.
  std::string to_string() const;

 private:
  ErrorKind kind_ = ErrorKind::Usage;
  TrapKind trap_ = TrapKind::None;
  int32_t exit_code_ = 0;
  std::optional<uint64_t> offset_;
  std::string message_;     // starts with the context prefixes, if any
  size_t context_len_ = 0;  // length of those prefixes
  std::vector<Frame> backtrace_;
};

std::ostream& operator<<(std::ostream& os, const Error& error);

namespace detail {
/// Using the value of a failed Result is a bug in the caller: say which error it was, abort.
[[noreturn]] void bad_result_access(const Error* error) noexcept;
}  // namespace detail

/// Either a T or an Error. [[nodiscard]]: ignoring a failure is a bug.
/// A success holds the T and one null pointer, so returning one costs no more than the T:
/// the typed FFI returns Result<R> from every guest call.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) { ::new (static_cast<void*>(&value_)) T(std::move(value)); }  // NOLINT: implicit
  Result(Error error) : error_(std::make_unique<Error>(std::move(error))) {}    // NOLINT
  template <class U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result>)
      Result(U&& value) {  // NOLINT
    ::new (static_cast<void*>(&value_)) T(std::forward<U>(value));
  }
  Result(const Result& other) {
    if (other.error_) {
      error_ = std::make_unique<Error>(*other.error_);
    } else {
      ::new (static_cast<void*>(&value_)) T(other.value_);
    }
  }
  Result(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (other.error_) {
      error_ = std::move(other.error_);
      other.error_ = std::make_unique<Error>(*error_);  // the moved-from Result stays a failure
    } else {
      ::new (static_cast<void*>(&value_)) T(std::move(other.value_));
    }
  }
  Result& operator=(const Result& other) {
    if (this != &other) {
      Result copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  Result& operator=(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &other) {
      this->~Result();
      ::new (static_cast<void*>(this)) Result(std::move(other));
    }
    return *this;
  }
  ~Result() {
    if (!error_) value_.~T();
  }

  bool ok() const noexcept { return error_ == nullptr; }
  explicit operator bool() const noexcept { return ok(); }

  /// Precondition: ok(). Violating it aborts with the error's text, never reads garbage.
  T& value() & { return check(), value_; }
  const T& value() const& { return check(), value_; }
  T&& value() && { return check(), std::move(value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// Precondition: !ok().
  const Error& error() const& { return check_error(), *error_; }
  Error& error() & { return check_error(), *error_; }
  Error&& error() && { return check_error(), std::move(*error_); }

 private:
  void check() const noexcept {
    if (error_) [[unlikely]]
      detail::bad_result_access(error_.get());
  }
  void check_error() const noexcept {
    if (!error_) [[unlikely]]
      detail::bad_result_access(nullptr);
  }

  union {
    T value_;
  };
  std::unique_ptr<Error> error_;  // null exactly when value_ is alive
};

/// Success is one null pointer, so the hot path (a call that did not trap) stays cheap.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() noexcept = default;
  Result(Error error) : error_(std::make_unique<Error>(std::move(error))) {}  // NOLINT
  Result(const Result& other)
      : error_(other.error_ ? std::make_unique<Error>(*other.error_) : nullptr) {}
  Result(Result&&) noexcept = default;
  Result& operator=(const Result& other) {
    if (this != &other) error_ = other.error_ ? std::make_unique<Error>(*other.error_) : nullptr;
    return *this;
  }
  Result& operator=(Result&&) noexcept = default;

  bool ok() const noexcept { return error_ == nullptr; }
  explicit operator bool() const noexcept { return ok(); }
  void value() const {}
  const Error& error() const& { return *error_; }
  Error& error() & { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::unique_ptr<Error> error_;
};

}  // namespace hailmary
