// Human-readable names and messages for the public value, type and error types.
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "hailmary/error.hpp"
#include "hailmary/types.hpp"
#include "hailmary/value.hpp"

namespace hailmary {

namespace detail {
void bad_result_access(const Error* error) noexcept {
  if (error) {
    std::fprintf(stderr, "hailmary: value() of a failed Result: %s\n", error->to_string().c_str());
  } else {
    std::fprintf(stderr, "hailmary: error() of a successful Result\n");
  }
  std::abort();
}
}  // namespace detail

std::string_view trap_message(TrapKind kind) noexcept {
  // The spec interpreter's wording, so messages read like the spec tests.
  switch (kind) {
    case TrapKind::None:
      return "no trap";
    case TrapKind::Unreachable:
      return "unreachable";
    case TrapKind::MemoryOutOfBounds:
      return "out of bounds memory access";
    case TrapKind::TableOutOfBounds:
      return "out of bounds table access";
    case TrapKind::IntegerDivideByZero:
      return "integer divide by zero";
    case TrapKind::IntegerOverflow:
      return "integer overflow";
    case TrapKind::InvalidConversion:
      return "invalid conversion to integer";
    case TrapKind::UndefinedElement:
      return "undefined element";
    case TrapKind::UninitializedElement:
      return "uninitialized element";
    case TrapKind::IndirectCallTypeMismatch:
      return "indirect call type mismatch";
    case TrapKind::CallStackExhausted:
      return "call stack exhausted";
    case TrapKind::HostError:
      return "host function failed";
    case TrapKind::Interrupted:
      return "interrupted";
  }
  return "unknown trap";
}

std::string_view error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::Malformed:
      return "malformed";
    case ErrorKind::Invalid:
      return "invalid";
    case ErrorKind::Link:
      return "link";
    case ErrorKind::Instantiate:
      return "instantiate";
    case ErrorKind::Trap:
      return "trap";
    case ErrorKind::Ffi:
      return "ffi";
    case ErrorKind::Io:
      return "io";
    case ErrorKind::Exit:
      return "exit";
    case ErrorKind::Usage:
      return "usage";
  }
  return "unknown";
}

Error Error::trap(TrapKind kind, std::string detail) {
  std::string message(trap_message(kind));
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  Error error(ErrorKind::Trap, std::move(message));
  error.trap_ = kind;
  return error;
}

Error Error::exit(int32_t code) {
  Error error(ErrorKind::Exit, "exit with code " + std::to_string(code));
  error.exit_code_ = code;
  return error;
}

Error& Error::with_context(std::string_view where) {
  if (!where.empty()) {
    message_ = std::string(where) + ": " + message_;
    context_len_ += where.size() + 2;
  }
  return *this;
}

std::string Error::to_string() const {
  // "where: kind: byte 0x..: what", so the file or import named by the context leads.
  std::string out = message_.substr(0, context_len_);
  out += error_kind_name(kind_);
  out += ": ";
  if (offset_) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "byte 0x%llx: ", static_cast<unsigned long long>(*offset_));
    out += buf;
  }
  out.append(message_, context_len_);
  for (const Frame& frame : backtrace_) {
    out += "\n  at #";
    out += std::to_string(frame.func_index);
    if (!frame.func_name.empty()) {
      out += ' ';
      out += frame.func_name;
    }
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const Error& error) {
  return os << error.to_string();
}

std::string_view to_string(ValType type) noexcept {
  switch (type) {
    case ValType::I32:
      return "i32";
    case ValType::I64:
      return "i64";
    case ValType::F32:
      return "f32";
    case ValType::F64:
      return "f64";
    case ValType::V128:
      return "v128";
    case ValType::FuncRef:
      return "funcref";
    case ValType::ExternRef:
      return "externref";
  }
  return "?";
}

namespace {

void append_list(std::string& out, const std::vector<ValType>& types) {
  out += '(';
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) out += ", ";
    out += to_string(types[i]);
  }
  out += ')';
}

void append_limits(std::string& out, const Limits& limits) {
  out += std::to_string(limits.min);
  if (limits.max) {
    out += "..";
    out += std::to_string(*limits.max);
  }
}

template <class T>
std::string shortest(T v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

}  // namespace

std::string to_string(const FuncType& type) {
  std::string out;
  append_list(out, type.params);
  out += " -> ";
  append_list(out, type.results);
  return out;
}

std::string_view to_string(ExternKind kind) noexcept {
  switch (kind) {
    case ExternKind::Func:
      return "func";
    case ExternKind::Table:
      return "table";
    case ExternKind::Memory:
      return "memory";
    case ExternKind::Global:
      return "global";
  }
  return "?";
}

std::string to_string(const ExternType& type) {
  std::string out(to_string(type.kind));
  out += ' ';
  switch (type.kind) {
    case ExternKind::Func:
      out += to_string(type.func);
      break;
    case ExternKind::Table:
      append_limits(out, type.table.limits);
      out += ' ';
      out += to_string(type.table.element);
      break;
    case ExternKind::Memory:
      append_limits(out, type.memory.limits);
      break;
    case ExternKind::Global:
      if (type.global.mutable_) out += "mut ";
      out += to_string(type.global.type);
      break;
  }
  return out;
}

std::string to_string(const Value& value) {
  std::string out(to_string(value.type()));
  out += ':';
  switch (value.type()) {
    case ValType::I32:
      out += std::to_string(value.i32());
      break;
    case ValType::I64:
      out += std::to_string(value.i64());
      break;
    case ValType::F32:
      out += shortest(value.f32());
      break;
    case ValType::F64:
      out += shortest(value.f64());
      break;
    case ValType::V128: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(value.bits()));
      out += buf;
      break;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (value.is_null()) {
        out += "null";
      } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value.bits()));
        out += buf;
      }
      break;
  }
  return out;
}

}  // namespace hailmary
