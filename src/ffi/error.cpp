// FFI error construction and the guest error-code mapping.
#include "hailmary/ffi/error.hpp"

#include <charconv>

namespace hailmary::ffi {

Error ffi_error(std::string message) {
  return Error(ErrorKind::Ffi, std::move(message));
}

std::string error_code_name(uint32_t code) {
  if (const char* name = abi::error_name(code)) return name;
  if (code >= abi::kUserErrorBase) return "user error " + std::to_string(code);
  return "unknown code " + std::to_string(code);
}

Error guest_code_error(uint32_t code, std::string_view where) {
  std::string msg(where);
  msg += ": ";
  if (abi::error_name(code) != nullptr) {
    msg += "guest returned error ";
    msg += abi::error_name(code);
  } else if (code >= abi::kUserErrorBase) {
    msg += "guest returned a user error";
  } else {
    // A code outside the ABI is a broken guest, not a condition to branch on: say so.
    msg += "guest returned an unknown error code";
  }
  // The "(code N)" suffix is what guest_error_code parses; keep it last.
  msg += " (code " + std::to_string(code) + ")";
  return ffi_error(std::move(msg));
}

std::optional<uint32_t> guest_error_code(const Error& error) {
  if (error.kind() != ErrorKind::Ffi) return std::nullopt;
  const std::string& m = error.message();
  auto pos = m.rfind("(code ");
  if (pos == std::string::npos) return std::nullopt;
  const char* first = m.data() + pos + 6;
  const char* last = m.data() + m.size();
  uint32_t code = 0;
  auto [end, ec] = std::from_chars(first, last, code);
  if (ec != std::errc() || end == last || *end != ')') return std::nullopt;
  return code;
}

}  // namespace hailmary::ffi
