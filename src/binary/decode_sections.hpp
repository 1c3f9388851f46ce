// Internal pieces of the module decoder shared by decoder.cpp, sections.cpp and
// name_section.cpp. Every function reports through the Reader (first error wins) and returns
// whether the reader is still fine.
#pragma once

#include <cstdint>

#include "binary/module_data.hpp"
#include "binary/reader.hpp"

namespace hailmary::detail {

/// A Reader over [pos, end) of the module's bytes.
inline Reader sub_reader(const ModuleData& m, uint64_t pos, uint64_t end) {
  return Reader(std::span<const uint8_t>(m.bytes), pos, end);
}

/// A vector length; fails with "length out of bounds" when `count * min_item_size` bytes cannot
/// possibly remain, so no caller reserves memory for a length the input cannot back.
bool read_count(Reader& r, uint32_t& count, uint64_t min_item_size = 1);

bool read_val_type(Reader& r, ValType& out);
bool read_ref_type(Reader& r, ValType& out);
bool read_limits(Reader& r, Limits& out);
bool read_table_type(Reader& r, TableType& out);
bool read_memory_type(Reader& r, MemoryType& out);
bool read_global_type(Reader& r, GlobalType& out);

/// A constant expression up to and including its `end`. Non-constant instructions, an empty
/// expression or several instructions decode (setting `out.invalid`) so that validation can
/// report them as Invalid; unknown opcodes and truncation are Malformed.
bool read_const_expr(Reader& r, const ModuleData& m, ConstExpr& out);

/// Step over the immediates of instruction `op` (already read, at byte `at`) as the binary
/// format defines them, without typing anything. False on a malformed immediate or an opcode
/// WebAssembly 2.0 does not have (SIMD's 0xFD prefix included); the reader holds the error.
bool skip_immediates(Reader& r, uint8_t op, uint64_t at);

void decode_element_section(Reader& r, ModuleData& m);
void decode_code_section(Reader& r, ModuleData& m);
void decode_data_section(Reader& r, ModuleData& m);

/// Parse the `name` custom section payload in [pos, end). Never fails: a malformed name
/// section is ignored (the spec lets implementations do so), keeping the subsections that
/// decoded completely.
void decode_name_section(ModuleData& m, uint64_t pos, uint64_t end);

}  // namespace hailmary::detail
