// Validation and code generation of the non-control instructions (variables, memory,
// numeric, reference, table and bulk-memory ones). See body_compiler.hpp for the design.
#include "validation/body_compiler.hpp"

namespace hailmary::detail {

template <BodyMode kMode>
bool FunctionCompiler<kMode>::instruction(uint8_t opcode) {
  if (opcode <= 0x11) return control(opcode);
  switch (opcode) {
    case 0x1A:  // drop
      pop();
      return true;
    case 0x1B:
    case 0x1C: {  // select, select t*
      ValType want = kUnknown;
      if (opcode == 0x1C) {
        uint32_t n = r_.u32();
        if (failed()) return false;
        if (n != 1) return fail_invalid("invalid result arity for select");
        uint8_t t = r_.u8();
        if (failed()) return false;
        if (!(t == 0x7F || t == 0x7E || t == 0x7D || t == 0x7C || t == 0x70 || t == 0x6F)) {
          r_.fail("malformed value type", r_.pos() - 1);
          return false;
        }
        want = static_cast<ValType>(t);
      }
      Operand cond = pop(ValType::I32);
      Operand b = pop(want);
      Operand a = pop(want);
      ValType t = want;
      if (opcode == 0x1B) {
        if ((a.type != kUnknown && !is_num(a.type)) || (b.type != kUnknown && !is_num(b.type)))
          return fail_invalid("type mismatch: select without type needs numeric operands");
        if (a.type != kUnknown && b.type != kUnknown && a.type != b.type)
          return fail_invalid("type mismatch: select operands differ");
        t = a.type != kUnknown ? a.type : b.type;
      }
      uint32_t dst = push(t);
      op_dst(Op::Select, dst);
      word(a.slot);
      word(b.slot);
      word(cond.slot);
      return true;
    }
    case 0x20:
      return local_get();
    case 0x21:
      return local_set(false);
    case 0x22:
      return local_set(true);
    case 0x23: {  // global.get
      uint32_t g = r_.u32();
      if (failed()) return false;
      if (g >= m_.globals.size()) return fail_unknown("unknown global ", g);
      uint32_t dst = push(m_.globals[g].type.type);
      op_dst(Op::GlobalGet, dst);
      word(g);
      return true;
    }
    case 0x24: {  // global.set
      uint32_t g = r_.u32();
      if (failed()) return false;
      if (g >= m_.globals.size()) return fail_unknown("unknown global ", g);
      if (!m_.globals[g].type.mutable_) return fail_invalid("global is immutable");
      Operand v = pop(m_.globals[g].type.type);
      op(Op::GlobalSet);
      word(g);
      word(v.slot);
      return true;
    }
    case 0x25: {  // table.get
      uint32_t t;
      if (!read_table(t)) return false;
      Operand i = pop(ValType::I32);
      uint32_t dst = push(m_.tables[t].element);
      op_dst(Op::TableGet, dst);
      word(t);
      word(i.slot);
      return true;
    }
    case 0x26: {  // table.set
      uint32_t t;
      if (!read_table(t)) return false;
      Operand v = pop(m_.tables[t].element);
      Operand i = pop(ValType::I32);
      op(Op::TableSet);
      word(t);
      word(i.slot);
      word(v.slot);
      return true;
    }
      HM_MEMORY_ACCESS_CASES
      return memory_access(opcode);
    case 0x3F: {  // memory.size
      if (!zero_byte() || !need_memory()) return false;
      uint32_t dst = push(ValType::I32);
      op_dst(Op::MemorySize, dst);
      return true;
    }
    case 0x40: {  // memory.grow
      if (!zero_byte() || !need_memory()) return false;
      Operand d = pop(ValType::I32);
      uint32_t dst = push(ValType::I32);
      op_dst(Op::MemoryGrow, dst);
      word(d.slot);
      return true;
    }
    case 0x41:
      return i32_const();
    case 0x42:
    case 0x44: {  // i64.const, f64.const
      uint64_t v = opcode == 0x42 ? static_cast<uint64_t>(r_.s64()) : r_.u64_fixed();
      if (failed()) return false;
      push_const(opcode == 0x42 ? ValType::I64 : ValType::F64, v);
      return true;
    }
    case 0x43: {  // f32.const
      uint32_t v = r_.u32_fixed();
      if (failed()) return false;
      push_const(ValType::F32, v);
      return true;
    }
    case 0xD0: {  // ref.null t
      uint8_t t = r_.u8();
      if (failed()) return false;
      if (t != 0x70 && t != 0x6F) {
        r_.fail("malformed reference type", r_.pos() - 1);
        return false;
      }
      uint32_t dst = push(static_cast<ValType>(t));
      op_dst(Op::Const64, dst);
      word(0);
      word(0);
      return true;
    }
    case 0xD1: {  // ref.is_null
      Operand a = pop();
      if (a.type != kUnknown && !is_ref(a.type))
        return fail_invalid("type mismatch: ref.is_null needs a reference");
      uint32_t dst = push(ValType::I32);
      op_dst(Op::RefIsNull, dst);
      word(a.slot);
      return true;
    }
    case 0xD2: {  // ref.func
      uint32_t f = r_.u32();
      if (failed()) return false;
      if (f >= m_.func_types.size()) return fail_unknown("unknown function ", f);
      if (f >= m_.declared_func_refs.size() || !m_.declared_func_refs[f])
        return fail_invalid("undeclared function reference");
      uint32_t dst = push(ValType::FuncRef);
      op_dst(Op::RefFunc, dst);
      word(f);
      return true;
    }
    case 0xFC:
      return prefixed_fc();
    default:
      break;
  }
  switch (static_cast<uint32_t>(opcode)) {
#define UNOP(name, code, in, out) \
  case code:                      \
    return unop(Op::name, ValType::in, ValType::out);
#define BINOP(name, code, in, out) \
  case code:                       \
    return binop(Op::name, ValType::in, ValType::out);
#include "execution/numeric_ops.def"
    default:
      break;
  }
  r_.fail("illegal opcode", instr_offset_);
  return false;
}

template <BodyMode kMode>
bool FunctionCompiler<kMode>::prefixed_fc() {
  uint32_t sub = r_.u32();
  if (failed()) return false;
  switch (sub) {
    // Only the saturating truncations (0xFC00..0xFC07) share this switch.
    case 0:
      return unop(Op::I32TruncSatF32S, ValType::F32, ValType::I32);
    case 1:
      return unop(Op::I32TruncSatF32U, ValType::F32, ValType::I32);
    case 2:
      return unop(Op::I32TruncSatF64S, ValType::F64, ValType::I32);
    case 3:
      return unop(Op::I32TruncSatF64U, ValType::F64, ValType::I32);
    case 4:
      return unop(Op::I64TruncSatF32S, ValType::F32, ValType::I64);
    case 5:
      return unop(Op::I64TruncSatF32U, ValType::F32, ValType::I64);
    case 6:
      return unop(Op::I64TruncSatF64S, ValType::F64, ValType::I64);
    case 7:
      return unop(Op::I64TruncSatF64U, ValType::F64, ValType::I64);
    case 8: {  // memory.init
      uint32_t seg = r_.u32();
      if (!zero_byte() || !need_memory() || !data_segment(seg)) return false;
      Operand n = pop(ValType::I32);
      Operand s = pop(ValType::I32);
      Operand d = pop(ValType::I32);
      op(Op::MemoryInit);
      word(seg);
      word(d.slot);
      word(s.slot);
      word(n.slot);
      return true;
    }
    case 9: {  // data.drop
      uint32_t seg = r_.u32();
      if (failed() || !data_segment(seg)) return false;
      op(Op::DataDrop);
      word(seg);
      return true;
    }
    case 10: {  // memory.copy
      if (!zero_byte() || !zero_byte() || !need_memory()) return false;
      Operand n = pop(ValType::I32);
      Operand s = pop(ValType::I32);
      Operand d = pop(ValType::I32);
      op(Op::MemoryCopy);
      word(d.slot);
      word(s.slot);
      word(n.slot);
      return true;
    }
    case 11: {  // memory.fill
      if (!zero_byte() || !need_memory()) return false;
      Operand n = pop(ValType::I32);
      Operand v = pop(ValType::I32);
      Operand d = pop(ValType::I32);
      op(Op::MemoryFill);
      word(d.slot);
      word(v.slot);
      word(n.slot);
      return true;
    }
    case 12: {  // table.init
      uint32_t seg = r_.u32();
      uint32_t t;
      if (!read_table(t)) return false;
      if (seg >= m_.elems.size()) return fail_unknown("unknown elem segment ", seg);
      if (m_.elems[seg].type != m_.tables[t].element)
        return fail_invalid("type mismatch: table.init element type");
      Operand n = pop(ValType::I32);
      Operand s = pop(ValType::I32);
      Operand d = pop(ValType::I32);
      op(Op::TableInit);
      word(t);
      word(seg);
      word(d.slot);
      word(s.slot);
      word(n.slot);
      return true;
    }
    case 13: {  // elem.drop
      uint32_t seg = r_.u32();
      if (failed()) return false;
      if (seg >= m_.elems.size()) return fail_unknown("unknown elem segment ", seg);
      op(Op::ElemDrop);
      word(seg);
      return true;
    }
    case 14: {  // table.copy
      uint32_t dt, st;
      if (!read_table(dt) || !read_table(st)) return false;
      if (m_.tables[dt].element != m_.tables[st].element)
        return fail_invalid("type mismatch: table.copy element types");
      Operand n = pop(ValType::I32);
      Operand s = pop(ValType::I32);
      Operand d = pop(ValType::I32);
      op(Op::TableCopy);
      word(dt);
      word(st);
      word(d.slot);
      word(s.slot);
      word(n.slot);
      return true;
    }
    case 15: {  // table.grow
      uint32_t t;
      if (!read_table(t)) return false;
      Operand n = pop(ValType::I32);
      Operand init = pop(m_.tables[t].element);
      uint32_t dst = push(ValType::I32);
      op_dst(Op::TableGrow, dst);
      word(t);
      word(init.slot);
      word(n.slot);
      return true;
    }
    case 16: {  // table.size
      uint32_t t;
      if (!read_table(t)) return false;
      uint32_t dst = push(ValType::I32);
      op_dst(Op::TableSize, dst);
      word(t);
      return true;
    }
    case 17: {  // table.fill
      uint32_t t;
      if (!read_table(t)) return false;
      Operand n = pop(ValType::I32);
      Operand v = pop(m_.tables[t].element);
      Operand i = pop(ValType::I32);
      op(Op::TableFill);
      word(t);
      word(i.slot);
      word(v.slot);
      word(n.slot);
      return true;
    }
    default:
      break;
  }
  r_.fail("illegal opcode", instr_offset_);
  return false;
}

// The two passes over a body share every line of validation.
template class FunctionCompiler<BodyMode::Validate>;
template class FunctionCompiler<BodyMode::Compile>;

}  // namespace hailmary::detail
