// Module-level validation: every WebAssembly 2.0 rule outside function bodies.
// https://webassembly.github.io/spec/core/valid/modules.html
#include <string>
#include <string_view>
#include <unordered_set>

#include "binary/decoder.hpp"

namespace hailmary::detail {

namespace {

Error invalid(std::string message, uint64_t offset) {
  return Error(ErrorKind::Invalid, std::move(message), offset);
}

// https://webassembly.github.io/spec/core/valid/types.html#limits
Result<void> check_limits(const Limits& limits, uint64_t range, const char* range_message,
                          uint64_t offset) {
  if (limits.min > range) return invalid(range_message, offset);
  if (limits.max) {
    if (*limits.max > range) return invalid(range_message, offset);
    if (limits.min > *limits.max) {
      return invalid("size minimum must not be greater than maximum", offset);
    }
  }
  return {};
}

Result<void> check_table_type(const TableType& t, uint64_t offset) {
  return check_limits(t.limits, UINT32_MAX, "table size must be at most 2^32-1", offset);
}

Result<void> check_memory_type(const MemoryType& t, uint64_t offset) {
  return check_limits(t.limits, kMaxPages, "memory size must be at most 65536 pages (4GiB)",
                      offset);
}

// The type of a constant expression. In 2.0, global.get may name only imported globals
// (the context C' of the spec holds just those), and only immutable ones.
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
Result<ValType> const_expr_type(const ModuleData& m, const ConstExpr& e) {
  if (e.invalid) return invalid(e.invalid, e.offset);
  switch (e.op) {
    case ConstExpr::Op::I32Const:
      return ValType::I32;
    case ConstExpr::Op::I64Const:
      return ValType::I64;
    case ConstExpr::Op::F32Const:
      return ValType::F32;
    case ConstExpr::Op::F64Const:
      return ValType::F64;
    case ConstExpr::Op::RefNull:
      return e.type;
    case ConstExpr::Op::RefFunc:
      if (e.index >= m.func_types.size()) {
        return invalid("unknown function " + std::to_string(e.index), e.offset);
      }
      return ValType::FuncRef;
    case ConstExpr::Op::GlobalGet:
      if (e.index >= m.imported_globals) {
        return invalid("unknown global " + std::to_string(e.index), e.offset);
      }
      if (m.globals[e.index].type.mutable_) {
        return invalid("constant expression required", e.offset);
      }
      return m.globals[e.index].type.type;
  }
  return invalid("constant expression required", e.offset);
}

Result<void> check_const_expr(const ModuleData& m, const ConstExpr& e, ValType expected) {
  auto type = const_expr_type(m, e);
  if (!type) return std::move(type).error();
  if (*type != expected) return invalid("type mismatch", e.offset);
  return {};
}

Result<void> check_functions(const ModuleData& m) {
  for (const auto& imp : m.imports) {
    if (imp.kind == ExternKind::Func && imp.type_index >= m.types.size()) {
      return invalid("unknown type", imp.offset);
    }
  }
  for (size_t i = m.imported_funcs; i < m.func_types.size(); ++i) {
    if (m.func_types[i] >= m.types.size()) {
      return invalid("unknown type", i < m.func_type_offsets.size() ? m.func_type_offsets[i] : 0);
    }
  }
  return {};
}

Result<void> check_tables_and_memories(const ModuleData& m) {
  for (size_t i = 0; i < m.tables.size(); ++i) {
    auto ok = check_table_type(m.tables[i], i < m.table_offsets.size() ? m.table_offsets[i] : 0);
    if (!ok) return ok;
  }
  for (size_t i = 0; i < m.memories.size(); ++i) {
    const uint64_t at = i < m.memory_offsets.size() ? m.memory_offsets[i] : 0;
    auto ok = check_memory_type(m.memories[i], at);
    if (!ok) return ok;
  }
  if (m.memories.size() > 1) {
    return invalid("multiple memories", m.memory_offsets.size() > 1 ? m.memory_offsets[1] : 0);
  }
  return {};
}

Result<void> check_globals(const ModuleData& m) {
  for (size_t i = m.imported_globals; i < m.globals.size(); ++i) {
    const auto& g = m.globals[i];
    auto ok = check_const_expr(m, g.init, g.type.type);
    if (!ok) return ok;
  }
  return {};
}

Result<void> check_exports(const ModuleData& m) {
  std::unordered_set<std::string_view> names;
  names.reserve(m.exports.size());
  for (const auto& e : m.exports) {
    if (!names.insert(e.name).second) return invalid("duplicate export name", e.offset);
    const std::string index = std::to_string(e.index);
    switch (e.kind) {
      case ExternKind::Func:
        if (e.index >= m.func_types.size()) return invalid("unknown function " + index, e.offset);
        break;
      case ExternKind::Table:
        if (e.index >= m.tables.size()) return invalid("unknown table " + index, e.offset);
        break;
      case ExternKind::Memory:
        if (e.index >= m.memories.size()) return invalid("unknown memory " + index, e.offset);
        break;
      case ExternKind::Global:
        if (e.index >= m.globals.size()) return invalid("unknown global " + index, e.offset);
        break;
    }
  }
  return {};
}

Result<void> check_start(const ModuleData& m) {
  if (!m.start) return {};
  const uint32_t f = *m.start;
  if (f >= m.func_types.size()) {
    return invalid("unknown function " + std::to_string(f), m.start_offset);
  }
  const uint32_t type_index = m.func_types[f];
  if (type_index >= m.types.size()) return invalid("unknown type", m.start_offset);
  const FuncType& type = m.types[type_index];
  if (!type.params.empty() || !type.results.empty()) {
    return invalid("start function", m.start_offset);
  }
  return {};
}

Result<void> check_elems(const ModuleData& m) {
  for (const auto& seg : m.elems) {
    if (seg.mode == SegmentMode::Active) {
      if (seg.table >= m.tables.size()) {
        return invalid("unknown table " + std::to_string(seg.table), seg.segment_offset);
      }
      auto ok = check_const_expr(m, seg.offset, ValType::I32);
      if (!ok) return ok;
      if (m.tables[seg.table].element != seg.type) {
        return invalid("type mismatch", seg.segment_offset);
      }
    }
    for (const auto& item : seg.items) {
      auto ok = check_const_expr(m, item, seg.type);
      if (!ok) return ok;
    }
  }
  return {};
}

Result<void> check_datas(const ModuleData& m) {
  for (const auto& seg : m.datas) {
    if (seg.mode != SegmentMode::Active) continue;
    if (seg.memory >= m.memories.size()) {
      return invalid("unknown memory " + std::to_string(seg.memory), seg.segment_offset);
    }
    auto ok = check_const_expr(m, seg.offset, ValType::I32);
    if (!ok) return ok;
  }
  return {};
}

}  // namespace

Result<void> validate_module_level(const ModuleData& m) {
  // The order follows the spec's module rule, so the first error is the one a reader of the
  // spec would expect.
  for (auto check : {check_functions, check_tables_and_memories, check_globals, check_exports,
                     check_start, check_elems, check_datas}) {
    auto ok = check(m);
    if (!ok) return ok;
  }
  return {};
}

}  // namespace hailmary::detail
