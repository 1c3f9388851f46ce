// Pieces shared by the spec runner and the mutation test: the `spectest` host module, import
// stubs, file reading, and readable descriptions of values and errors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hailmary/hailmary.hpp"

namespace hailmary::spec {

/// The whole file, or nullopt if it cannot be read.
std::optional<std::vector<uint8_t>> read_binary_file(const std::filesystem::path& path);
std::optional<std::string> read_text_file(const std::filesystem::path& path);

/// Define the spec interpreter's `spectest` module in `linker`: the print functions (no-ops:
/// nothing checks their output), global_i32/i64 = 666, global_f32/f64 = 666.6, a funcref table
/// (10, max 20) and a memory (1, max 2). Fails if the engine cannot create one of them.
Result<void> define_spectest(Store& store, Linker& linker);

/// A zero of `type` (null for references).
Value zero_value(ValType type);

/// A host object matching `type` exactly: a function returning zeros, a zero global, a table
/// of nulls, or a memory, each with the import's own limits.
Result<Extern> make_stub(Store& store, const ExternType& type);

/// "i32:42", "f32:0x7fc00000 (nan)", "externref:#3", "funcref:null", ...
std::string describe(const Value& value);
std::string describe(const std::vector<Value>& values);
/// Our own names, so the harness does not depend on the engine's helper functions.
std::string_view kind_name(ErrorKind kind) noexcept;
std::string_view trap_name(TrapKind kind) noexcept;
/// "Trap(MemoryOutOfBounds): message" etc.
std::string describe(const Error& error);

/// An externref payload for the script's `ref.extern N`: the pointer value N+1, so that
/// `ref.extern 0` is not null.
inline void* extern_pointer(uint64_t n) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(n + 1));
}

}  // namespace hailmary::spec
