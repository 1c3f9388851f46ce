// Errors are values: every fallible public operation returns Result<T>.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
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
  std::string message_;       // starts with the context prefixes, if any
  size_t context_len_ = 0;    // length of those prefixes
  std::vector<Frame> backtrace_;
};

std::ostream& operator<<(std::ostream& os, const Error& error);

/// Either a T or an Error. [[nodiscard]]: ignoring a failure is a bug.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  template <class U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, T> &&
             !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result>)
  Result(U&& value) : v_(std::in_place_index<0>, T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error& error() & { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

/// Success is one null pointer, so the hot path (a call that did not trap) stays cheap.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() noexcept = default;
  Result(Error error) : error_(std::make_unique<Error>(std::move(error))) {}  // NOLINT
  Result(const Result& other) : error_(other.error_ ? std::make_unique<Error>(*other.error_) : nullptr) {}
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
