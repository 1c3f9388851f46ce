// Module decoding: the preamble, the section loop with its ordering rules, the simple
// sections, and the checks that span sections. Element, code and data sections are in
// sections.cpp; the name section in name_section.cpp.
// https://webassembly.github.io/spec/core/binary/modules.html
#include <algorithm>

#include "binary/decode_sections.hpp"
#include "binary/decoder.hpp"

namespace hailmary::detail {

namespace {

constexpr uint32_t kMagic = 0x6d736100;  // "\0asm" read little-endian
constexpr uint32_t kVersion = 1;

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
};

// Position of each non-custom section in the required order; data count sits between element
// and code although its id is the largest.
constexpr int section_rank(uint8_t id) {
  constexpr int kRanks[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRanks[id];
}

void decode_type_section(Reader& r, ModuleData& m) {
  uint32_t count;
  if (!read_count(r, count, 3)) return;
  if (count > kMaxTypes) return r.fail("too many types");
  m.types.reserve(count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    const uint64_t at = r.pos();
    const uint8_t form = r.u8();
    if (!r.ok()) return;
    if (form != 0x60) {
      // The reference interpreter reads this byte as a signed LEB; match its wording.
      return r.fail(form & 0x80 ? "integer representation too long" : "malformed functype", at);
    }
    FuncType type;
    for (auto* list : {&type.params, &type.results}) {
      uint32_t n;
      if (!read_count(r, n)) return;
      const uint32_t limit = list == &type.params ? kMaxParams : kMaxResults;
      if (n > limit) {
        return r.fail(list == &type.params ? "too many parameters" : "too many results");
      }
      list->resize(n);
      for (auto& t : *list) {
        if (!read_val_type(r, t)) return;
      }
    }
    m.types.push_back(std::move(type));
  }
}

void decode_import_section(Reader& r, ModuleData& m) {
  uint32_t count;
  if (!read_count(r, count, 4)) return;
  m.imports.reserve(count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    ImportDesc imp;
    imp.offset = r.pos();
    imp.module = r.name();
    imp.name = r.name();
    const uint64_t kind_at = r.pos();
    const uint8_t kind = r.u8();
    if (!r.ok()) return;
    switch (kind) {
      case 0:
        imp.kind = ExternKind::Func;
        imp.type_index = r.u32();
        if (m.func_types.size() >= kMaxFunctions) return r.fail("too many functions");
        m.func_types.push_back(imp.type_index);
        m.func_type_offsets.push_back(imp.offset);
        ++m.imported_funcs;
        break;
      case 1:
        imp.kind = ExternKind::Table;
        if (!read_table_type(r, imp.table)) return;
        m.tables.push_back(imp.table);
        m.table_offsets.push_back(imp.offset);
        ++m.imported_tables;
        break;
      case 2:
        imp.kind = ExternKind::Memory;
        if (!read_memory_type(r, imp.memory)) return;
        m.memories.push_back(imp.memory);
        m.memory_offsets.push_back(imp.offset);
        ++m.imported_memories;
        break;
      case 3:
        imp.kind = ExternKind::Global;
        if (!read_global_type(r, imp.global)) return;
        m.globals.push_back(GlobalDesc{imp.global, {}});
        ++m.imported_globals;
        break;
      default:
        return r.fail("malformed import kind", kind_at);
    }
    m.imports.push_back(std::move(imp));
  }
}

void decode_function_section(Reader& r, ModuleData& m) {
  uint32_t count;
  if (!read_count(r, count)) return;
  if (uint64_t{count} + m.func_types.size() > kMaxFunctions) return r.fail("too many functions");
  m.func_types.reserve(m.func_types.size() + count);
  m.func_type_offsets.reserve(m.func_types.size() + count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    m.func_type_offsets.push_back(r.pos());
    m.func_types.push_back(r.u32());
  }
}

void decode_table_section(Reader& r, ModuleData& m) {
  uint32_t count;
  if (!read_count(r, count, 3)) return;
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    const uint64_t at = r.pos();
    TableType t;
    if (!read_table_type(r, t)) return;
    m.tables.push_back(t);
    m.table_offsets.push_back(at);
  }
}

void decode_memory_section(Reader& r, ModuleData& m) {
  uint32_t count;
  if (!read_count(r, count, 2)) return;
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    const uint64_t at = r.pos();
    MemoryType t;
    if (!read_memory_type(r, t)) return;
    m.memories.push_back(t);
    m.memory_offsets.push_back(at);
  }
}

void decode_global_section(Reader& r, ModuleData& m) {
  uint32_t count;
  if (!read_count(r, count, 3)) return;
  m.globals.reserve(m.globals.size() + count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    GlobalDesc g;
    if (!read_global_type(r, g.type)) return;
    if (!read_const_expr(r, m, g.init)) return;
    m.globals.push_back(g);
  }
}

void decode_export_section(Reader& r, ModuleData& m) {
  uint32_t count;
  if (!read_count(r, count, 3)) return;
  m.exports.reserve(count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    ExportDesc e;
    e.offset = r.pos();
    e.name = r.name();
    const uint64_t kind_at = r.pos();
    const uint8_t kind = r.u8();
    if (!r.ok()) return;
    if (kind > 3) return r.fail("malformed export kind", kind_at);
    e.kind = static_cast<ExternKind>(kind);
    e.index = r.u32();
    if (r.ok()) m.exports.push_back(std::move(e));
  }
}

void decode_custom_section(Reader& r, ModuleData& m) {
  CustomSectionDesc c;
  c.name = r.name();
  if (!r.ok()) return;
  c.payload_offset = r.pos();
  c.payload_size = r.remaining();
  if (c.name == "name") decode_name_section(m, c.payload_offset, r.end());
  r.skip(c.payload_size);
  m.customs.push_back(std::move(c));
}

// Mark every function a `ref.func` may name: those referenced outside function bodies.
// https://webassembly.github.io/spec/core/valid/modules.html (the set C.refs)
void fill_declared_func_refs(ModuleData& m) {
  const size_t n = m.func_types.size();
  m.declared_func_refs.assign(n, false);
  auto mark = [&](const ConstExpr& e) {
    if (e.op == ConstExpr::Op::RefFunc && e.index < n) m.declared_func_refs[e.index] = true;
  };
  for (size_t i = m.imported_globals; i < m.globals.size(); ++i) mark(m.globals[i].init);
  for (const auto& seg : m.elems) {
    for (const auto& item : seg.items) mark(item);
  }
  for (const auto& e : m.exports) {
    if (e.kind == ExternKind::Func && e.index < n) m.declared_func_refs[e.index] = true;
  }
}

}  // namespace

Result<void> decode_module(ModuleData& m) {
  Reader r{std::span<const uint8_t>(m.bytes)};
  if (r.u32_fixed() != kMagic && r.ok())
    return Error(ErrorKind::Malformed, "magic header not detected", 0);
  if (r.u32_fixed() != kVersion && r.ok())
    return Error(ErrorKind::Malformed, "unknown binary version", 4);
  if (!r.ok()) return r.take_error();

  int last_rank = 0;
  bool have_code = false;
  while (!r.at_end()) {
    const uint64_t section_at = r.pos();
    const uint8_t id = r.u8();
    if (id > kDataCount) return Error(ErrorKind::Malformed, "malformed section id", section_at);
    const uint32_t size = r.u32();
    if (!r.ok()) return r.take_error();
    if (size > r.remaining()) {
      return Error(ErrorKind::Malformed, "length out of bounds", section_at + 1);
    }
    if (id != kCustom) {
      // Each non-custom section at most once, in order; anything else means we are past
      // where the module should have ended.
      const int rank = section_rank(id);
      if (rank <= last_rank) {
        return Error(ErrorKind::Malformed, "unexpected content after last section", section_at);
      }
      last_rank = rank;
    }
    Reader s = sub_reader(m, r.pos(), r.pos() + size);
    switch (id) {
      case kCustom:
        decode_custom_section(s, m);
        break;
      case kType:
        decode_type_section(s, m);
        break;
      case kImport:
        decode_import_section(s, m);
        break;
      case kFunction:
        decode_function_section(s, m);
        break;
      case kTable:
        decode_table_section(s, m);
        break;
      case kMemory:
        decode_memory_section(s, m);
        break;
      case kGlobal:
        decode_global_section(s, m);
        break;
      case kExport:
        decode_export_section(s, m);
        break;
      case kStart:
        m.start_offset = s.pos();
        m.start = s.u32();
        break;
      case kElement:
        decode_element_section(s, m);
        break;
      case kDataCount:
        m.data_count = s.u32();
        break;
      case kCode:
        have_code = true;
        decode_code_section(s, m);
        break;
      case kData:
        decode_data_section(s, m);
        break;
      default:
        break;
    }
    if (!s.ok()) return s.take_error();
    if (!s.at_end()) return Error(ErrorKind::Malformed, "section size mismatch", s.pos());
    r.skip(size);
  }
  if (!r.ok()) return r.take_error();

  const uint64_t module_end = m.bytes.size();
  if (!have_code && m.func_types.size() != m.imported_funcs) {
    return Error(ErrorKind::Malformed, "function and code section have inconsistent lengths",
                 module_end);
  }
  // An absent data section holds zero segments, which must still agree with the data count.
  if (m.data_count && *m.data_count != m.datas.size()) {
    return Error(ErrorKind::Malformed, "data count and data section have inconsistent lengths",
                 module_end);
  }
  fill_declared_func_refs(m);
  return {};
}

// --- Shared readers --------------------------------------------------------------------

bool read_count(Reader& r, uint32_t& count, uint64_t min_item_size) {
  const uint64_t at = r.pos();
  count = r.u32();
  if (!r.ok()) return false;
  if (uint64_t{count} * min_item_size > r.remaining()) {
    r.fail("length out of bounds", at);
    count = 0;
    return false;
  }
  return true;
}

bool read_val_type(Reader& r, ValType& out) {
  const uint64_t at = r.pos();
  const uint8_t b = r.u8();
  if (!r.ok()) return false;
  switch (b) {
    case 0x7F:
    case 0x7E:
    case 0x7D:
    case 0x7C:
    case 0x7B:
    case 0x70:
    case 0x6F:
      out = static_cast<ValType>(b);
      return true;
    default:
      r.fail("malformed value type", at);
      return false;
  }
}

bool read_ref_type(Reader& r, ValType& out) {
  const uint64_t at = r.pos();
  const uint8_t b = r.u8();
  if (!r.ok()) return false;
  if (b != 0x70 && b != 0x6F) {
    r.fail("malformed reference type", at);
    return false;
  }
  out = static_cast<ValType>(b);
  return true;
}

bool read_limits(Reader& r, Limits& out) {
  const uint64_t at = r.pos();
  const uint8_t flags = r.u8();
  if (!r.ok()) return false;
  // 2.0 knows only 0x00 (min) and 0x01 (min, max). The spec tests expect LEB-style wording
  // because the reference interpreter reads the flag as a 1-bit LEB.
  if (flags & 0x80) {
    r.fail("integer representation too long", at);
    return false;
  }
  if (flags > 1) {
    r.fail("integer too large", at);
    return false;
  }
  out.min = r.u32();
  if (flags == 1) {
    out.max = r.u32();
  } else {
    out.max.reset();
  }
  return r.ok();
}

bool read_table_type(Reader& r, TableType& out) {
  return read_ref_type(r, out.element) && read_limits(r, out.limits);
}

bool read_memory_type(Reader& r, MemoryType& out) {
  return read_limits(r, out.limits);
}

bool read_global_type(Reader& r, GlobalType& out) {
  if (!read_val_type(r, out.type)) return false;
  const uint64_t at = r.pos();
  const uint8_t mut = r.u8();
  if (!r.ok()) return false;
  if (mut > 1) {
    r.fail("malformed mutability", at);
    return false;
  }
  out.mutable_ = mut == 1;
  return true;
}

}  // namespace hailmary::detail
