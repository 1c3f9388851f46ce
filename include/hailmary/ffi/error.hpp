// How FFI failures become hailmary::Error values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hailmary/abi/error.hpp"
#include "hailmary/error.hpp"

namespace hailmary::ffi {

using abi::HailMaryError;

/// An ErrorKind::Ffi error with this message.
Error ffi_error(std::string message);

/// The error for a guest that returned a non-zero error code: "guest error NullPointer (1)",
/// "guest error 1004 (user)", or "unknown guest error code 77" for a code outside the ABI.
/// `where` names the export ("hello_world_safe").
Error guest_code_error(uint32_t code, std::string_view where);

/// The guest error code carried by an error made by guest_code_error, if any (also for unknown
/// codes). Lets callers branch on codes without comparing message text.
std::optional<uint32_t> guest_error_code(const Error& error);

/// "NullPointer", or "user error 1004", or "unknown code 77".
std::string error_code_name(uint32_t code);

}  // namespace hailmary::ffi
