// Decoding of constant expressions and of the element, code and data sections.
// https://webassembly.github.io/spec/core/binary/modules.html
#include "binary/decode_sections.hpp"

namespace hailmary::detail {

namespace {

// Single-byte opcodes that exist in WebAssembly 2.0 (0xFC/0xFD are prefixes). Anything else
// inside a constant expression is malformed, not merely non-constant.
bool is_known_opcode(uint8_t op) {
  return op <= 0x05 || (op >= 0x0B && op <= 0x11) || (op >= 0x1A && op <= 0x1C) ||
         (op >= 0x20 && op <= 0x26) || (op >= 0x28 && op <= 0xC4) || (op >= 0xD0 && op <= 0xD2) ||
         op == 0xFC || op == 0xFD;
}

}  // namespace

// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
bool read_const_expr(Reader& r, const ModuleData& m, ConstExpr& out) {
  out = ConstExpr{};
  out.offset = r.pos();
  int constants = 0;
  bool non_constant = false;
  int depth = 0;
  for (;;) {
    const uint64_t at = r.pos();
    const uint8_t op = r.u8();
    if (!r.ok()) return false;
    if (op == 0x0B) {
      if (depth == 0) break;
      --depth;
      continue;
    }
    ConstExpr e;
    e.offset = out.offset;
    switch (op) {
      case 0x41:
        e.op = ConstExpr::Op::I32Const;
        e.type = ValType::I32;
        e.bits = static_cast<uint32_t>(r.s32());
        break;
      case 0x42:
        e.op = ConstExpr::Op::I64Const;
        e.type = ValType::I64;
        e.bits = static_cast<uint64_t>(r.s64());
        break;
      case 0x43:
        e.op = ConstExpr::Op::F32Const;
        e.type = ValType::F32;
        e.bits = r.u32_fixed();
        break;
      case 0x44:
        e.op = ConstExpr::Op::F64Const;
        e.type = ValType::F64;
        e.bits = r.u64_fixed();
        break;
      case 0xD0:
        e.op = ConstExpr::Op::RefNull;
        if (!read_ref_type(r, e.type)) return false;
        break;
      case 0xD2:
        e.op = ConstExpr::Op::RefFunc;
        e.type = ValType::FuncRef;
        e.index = r.u32();
        break;
      case 0x23:
        e.op = ConstExpr::Op::GlobalGet;
        e.index = r.u32();
        // Best effort: validation re-derives the type, and rejects non-imported globals.
        if (e.index < m.globals.size()) e.type = m.globals[e.index].type.type;
        break;
      default:
        if (!is_known_opcode(op)) {
          r.fail("illegal opcode", at);
          return false;
        }
        non_constant = true;
        if (op >= 0x02 && op <= 0x04) ++depth;
        // SIMD is not stepped over: the expression's end cannot be found past it.
        if (op == 0xFD || !skip_immediates(r, op, at)) {
          // We cannot find the expression's end; it is invalid either way, so stop here.
          if (r.ok()) r.fail(Error(ErrorKind::Invalid, "constant expression required", at));
          return false;
        }
        continue;
    }
    if (!r.ok()) return false;
    if (++constants == 1) out = e;
  }
  if (non_constant) {
    out.invalid = "constant expression required";
  } else if (constants != 1) {
    out.invalid = "type mismatch";  // the spec types the sequence: [] or [t t] is not [t]
  }
  return true;
}

// https://webassembly.github.io/spec/core/binary/modules.html#element-section
void decode_element_section(Reader& r, ModuleData& m) {
  uint32_t count;
  if (!read_count(r, count, 2)) return;
  m.elems.reserve(count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    ElemSegment seg;
    seg.segment_offset = r.pos();
    const uint32_t flags = r.u32();
    if (!r.ok()) return;
    // bit 0: passive or declarative; bit 1: explicit table index (active) or declarative;
    // bit 2: items are expressions rather than function indices.
    if (flags > 7) return r.fail("malformed elements segment kind", seg.segment_offset);
    const bool exprs = flags & 4;
    if (!(flags & 1)) {
      seg.mode = SegmentMode::Active;
      if (flags & 2) seg.table = r.u32();
      if (!read_const_expr(r, m, seg.offset)) return;
    } else {
      seg.mode = flags & 2 ? SegmentMode::Declarative : SegmentMode::Passive;
    }
    seg.type = ValType::FuncRef;
    if (flags & 3) {
      if (exprs) {
        if (!read_ref_type(r, seg.type)) return;
      } else {
        const uint64_t at = r.pos();
        const uint8_t kind = r.u8();
        if (!r.ok()) return;
        if (kind != 0x00) return r.fail("malformed element kind", at);
      }
    }
    uint32_t n;
    if (!read_count(r, n)) return;
    seg.items.resize(n);
    for (auto& item : seg.items) {
      if (exprs) {
        if (!read_const_expr(r, m, item)) return;
      } else {
        item.offset = r.pos();
        item.op = ConstExpr::Op::RefFunc;
        item.type = ValType::FuncRef;
        item.index = r.u32();
        if (!r.ok()) return;
      }
    }
    m.elems.push_back(std::move(seg));
  }
}

// https://webassembly.github.io/spec/core/binary/modules.html#code-section
void decode_code_section(Reader& r, ModuleData& m) {
  const uint64_t at = r.pos();
  const uint32_t count = r.u32();
  if (!r.ok()) return;
  const uint64_t defined = m.func_types.size() - m.imported_funcs;
  if (count != defined) {
    return r.fail("function and code section have inconsistent lengths", at);
  }
  // `defined` is bounded by the function section's bytes, so this reserve is backed by input.
  m.bodies.reserve(count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    const uint64_t size_at = r.pos();
    const uint32_t size = r.u32();
    if (!r.ok()) return;
    if (size > r.remaining()) return r.fail("unexpected end of section or function", size_at);
    const uint64_t start = r.pos();
    const uint64_t end = start + size;
    Reader b = sub_reader(m, start, end);

    FunctionBody body;
    uint32_t groups;
    if (read_count(b, groups, 2)) {
      body.locals.reserve(groups);
      uint64_t total = 0;  // 64-bit: the sum of u32 counts may wrap 32 bits
      for (uint32_t g = 0; g < groups && b.ok(); ++g) {
        const uint64_t group_at = b.pos();
        LocalGroup group;
        group.count = b.u32();
        if (!read_val_type(b, group.type)) break;
        total += group.count;
        if (total > kMaxLocals) {
          b.fail("too many locals", group_at);
          break;
        }
        body.locals.push_back(group);
      }
      body.local_count = static_cast<uint32_t>(total);
    }
    if (!b.ok()) return r.fail(b.take_error());
    body.body_offset = b.pos();
    body.body_end = end;
    if (body.body_offset >= end) return r.fail("unexpected end of section or function", end);
    if (m.bytes[end - 1] != 0x0B) return r.fail("END opcode expected", end - 1);
    m.bodies.push_back(std::move(body));
    r.skip(size);
  }
}

// https://webassembly.github.io/spec/core/binary/modules.html#data-section
void decode_data_section(Reader& r, ModuleData& m) {
  const uint64_t at = r.pos();
  uint32_t count;
  if (!read_count(r, count, 2)) return;
  if (m.data_count && count != *m.data_count) {
    return r.fail("data count and data section have inconsistent lengths", at);
  }
  m.datas.reserve(count);
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    DataSegment seg;
    seg.segment_offset = r.pos();
    const uint32_t flags = r.u32();
    if (!r.ok()) return;
    switch (flags) {
      case 0:
        seg.mode = SegmentMode::Active;
        if (!read_const_expr(r, m, seg.offset)) return;
        break;
      case 1:
        seg.mode = SegmentMode::Passive;
        break;
      case 2:
        seg.mode = SegmentMode::Active;
        seg.memory = r.u32();
        if (!read_const_expr(r, m, seg.offset)) return;
        break;
      default:
        return r.fail("malformed data segment kind", seg.segment_offset);
    }
    const uint64_t size_at = r.pos();
    const uint32_t size = r.u32();
    if (!r.ok()) return;
    // Compare before anything else: a 4 GiB length is an error, not an allocation.
    if (size > r.remaining()) return r.fail("unexpected end of section or function", size_at);
    seg.bytes_offset = r.pos();
    seg.size = size;
    r.skip(size);
    m.datas.push_back(seg);
  }
}

bool skip_immediates(Reader& r, uint8_t op, uint64_t at) {
  auto zero_byte = [&r] {
    const uint8_t b = r.u8();
    if (r.ok() && b != 0) r.fail("zero byte expected", r.pos() - 1);
  };
  switch (op) {
    case 0x02:
    case 0x03:
    case 0x04:
      r.s33();  // block type
      break;
    case 0x0C:
    case 0x0D:
    case 0x10:
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23:
    case 0x24:
    case 0x25:
    case 0x26:
    case 0xD2:
      r.u32();
      break;
    case 0x0E: {
      uint32_t n;
      if (!read_count(r, n)) return false;
      for (uint64_t i = 0; i <= n && r.ok(); ++i) r.u32();
      break;
    }
    case 0x11:
      r.u32();
      r.u32();
      break;
    case 0x1C: {
      uint32_t n;
      if (!read_count(r, n)) return false;
      for (uint32_t i = 0; i < n; ++i) {
        ValType t;
        if (!read_val_type(r, t)) return false;
      }
      break;
    }
    case 0x3F:
    case 0x40:
      zero_byte();
      break;
    case 0x41:
      r.s32();
      break;
    case 0x42:
      r.s64();
      break;
    case 0x43:
      r.skip(4);
      break;
    case 0x44:
      r.skip(8);
      break;
    case 0xD0: {
      ValType t;
      return read_ref_type(r, t);
    }
    case 0xFC: {
      const uint32_t sub = r.u32();
      if (!r.ok() || sub <= 7) break;  // the saturating truncations have no immediates
      switch (sub) {
        case 8:
          r.u32();
          zero_byte();
          break;
        case 10:
          zero_byte();
          zero_byte();
          break;
        case 11:
          zero_byte();
          break;
        case 12:
        case 14:
          r.u32();
          r.u32();
          break;
        case 9:
        case 13:
        case 15:
        case 16:
        case 17:
          r.u32();
          break;
        default:
          r.fail("illegal opcode", at);
      }
      break;
    }
    default:
      if (op >= 0x28 && op <= 0x3E) {  // loads and stores: memarg
        r.u32();
        r.u32();
      } else if (!(op <= 0x01 || op == 0x05 || op == 0x0B || op == 0x0F || op == 0x1A ||
                   op == 0x1B || op == 0xD1 || (op >= 0x45 && op <= 0xC4))) {
        r.fail("illegal opcode", at);
      }
  }
  return r.ok();
}

}  // namespace hailmary::detail
