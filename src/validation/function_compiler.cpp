// Validation and code generation of function bodies: blocks, branches, calls, memory
// accesses, and the driver. See body_compiler.hpp for the design.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "hailmary/extern.hpp"
#include "validation/body_compiler.hpp"

namespace hailmary::detail {

template <BodyMode kMode>
bool FunctionCompiler<kMode>::read_block_type(TypeList& params, TypeList& results) {
  int64_t bt = r_.s33();
  if (!r_.ok()) return false;
  if (bt == -64) return true;
  if (bt < 0) {
    uint8_t byte = static_cast<uint8_t>(bt & 0x7f);
    switch (byte) {
      case 0x7F:
      case 0x7E:
      case 0x7D:
      case 0x7C:
      case 0x70:
      case 0x6F:
        results = TypeList(static_cast<ValType>(byte));
        return true;
      default:
        r_.fail("malformed block type", instr_offset_ + 1);
        return false;
    }
  }
  if (static_cast<uint64_t>(bt) >= m_.types.size()) return fail_invalid("unknown type");
  const FuncType& ft = m_.types[static_cast<size_t>(bt)];
  params = TypeList(ft.params);
  results = TypeList(ft.results);
  return true;
}

template <BodyMode kMode>
bool FunctionCompiler<kMode>::begin_block(CtrlKind kind, uint32_t cond_slot,
                                          const PendingCompare& cmp) {
  last_dst_pos_ = UINT32_MAX;  // no peephole may reach across a label
  Ctrl& c = ctrls_.prepare(kind);
  c.assigned_at_entry = assigned_;
  if (r_.peek() == 0x40) {
    r_.next_byte();  // the commonest block type, [] -> [], needs no decoding
  } else if (!read_block_type(c.params, c.results)) {
    return false;
  }
  if (!check_top(c.params.span())) return false;
  size_t np = c.params.size();
  pad_for(np);
  // Joins need every value in its own slot on every incoming path.
  materialize_all();
  c.height = static_cast<uint32_t>(stack_.size() - np);
  c.base = c.height;
  if (kind == CtrlKind::Loop) {
    // No header instruction: every branch back here checks for an interrupt itself (a loop
    // form, or a stub at the end of the body), so entering a loop costs nothing.
    c.loop_pc = pc();
    bind_label();
    last_op_ = prev_op_ = Op::Count;
  }
  if (kind == CtrlKind::If) {
    emit_cond_branch(cmp, cond_slot, false);
    if (live()) {
      c.else_fixup = pc();
      code_.push_back(0);
    }
    if (np > 0) {
      // The else-arm needs the parameters too, so the then-arm works on copies placed above
      // them; its label values still go to `base`.
      for (size_t k = 0; k < np; ++k) {
        Operand o = stack_[c.height + k];
        push(o.type);
        op(Op::Copy);
        word(stack_.back().slot);
        word(o.slot);
      }
      c.height += static_cast<uint32_t>(np);
    }
  }
  c.dead = !live();
  ctrls_.push();
  return true;
}

template <BodyMode kMode>
bool FunctionCompiler<kMode>::end_block() {
  Ctrl& c = ctrls_.back();
  // An `if` without `else` passes its parameters through as results.
  if (c.kind == CtrlKind::If && !std::ranges::equal(c.params.span(), c.results.span()))
    return fail_invalid("type mismatch: if without else must have matching param and result types");
  if (!check_top(c.results.span())) return false;
  size_t n = c.results.size();
  if (stack_.size() != c.height + n && !(c.unreachable && stack_.size() <= c.height + n))
    return fail_invalid("type mismatch: values remaining on the stack at end of block");
  if (c.kind == CtrlKind::Func) {
    if (live()) emit_return();
    ctrls_.pop_back();
    return true;
  }
  if (live()) {
    materialize_range(stack_.size() - n, stack_.size());
    copy_to(c.base, n);
  }
  if (c.kind == CtrlKind::Loop) {
    // Only the fall-through leaves a loop: the set stays as it is.
    if (!reachable()) assigned_ = ~uint64_t{0};
  } else {
    branch_assigned(c);  // the fall-through into the label
    if (c.kind == CtrlKind::If) c.assigned_at_label &= c.assigned_at_entry;  // no else: skipped
    assigned_ = c.assigned_at_label;
  }
  ctrls_.pop_back();  // `c` stays as it is for the label
  uint32_t here = pc();
  bind_label();
  if (live()) {
    for (uint32_t f : c.fixups) code_[f] = rel(here, f);
    if (c.else_fixup != UINT32_MAX) code_[c.else_fixup] = rel(here, c.else_fixup);
  }
  stack_.resize(c.base);
  push_types(c.results.span());
  last_dst_pos_ = UINT32_MAX;
  return true;
}

template <BodyMode kMode>
bool FunctionCompiler<kMode>::call(uint32_t func_index) {
  const FuncType& ft = m_.types[m_.func_types[func_index]];
  if (!check_top(ft.params)) return false;
  size_t n = ft.params.size();
  pad_for(n);
  materialize_range(stack_.size() - n, stack_.size());
  uint32_t arg_base = pos_slot(stack_.size() - n);
  stack_.resize(stack_.size() - n);
  push_types(ft.results);
  note_height(stack_.size() + 1);
  if (func_index >= m_.imported_funcs && pc() >= 4 && last_is(Op::I32AddImm, 4, code_[pc() - 4])) {
    // An argument just computed as a + imm (fib(n - 1)): one instruction.
    fuse_last(Op::I32AddImmCallDefined);
    last_dst_pos_ = UINT32_MAX;  // the call's result is not in that word
  } else if (func_index >= m_.imported_funcs &&
             (last_ends_here(Op::Copy, 2) || last_ends_here(Op::Copy2, 4))) {
    // Arguments just moved into place (locals passed on): one instruction.
    fuse_last(last_op_ == Op::Copy ? Op::CopyCallDefined : Op::Copy2CallDefined);
    last_dst_pos_ = UINT32_MAX;
  } else {
    op(func_index < m_.imported_funcs ? Op::Call : Op::CallDefined);
  }
  word(func_index);
  word(arg_base);
  return true;
}

template <BodyMode kMode>
bool FunctionCompiler<kMode>::load(Op o, ValType result, uint32_t align) {
  uint32_t offset;
  if (!read_memarg(align, offset)) return false;
  Operand addr = pop_raw(ValType::I32);
  uint32_t dst = push(result);
  if (addr.is_const()) {
    // A static variable: the address is known, and needs no slot.
    const uint64_t ea = uint64_t{static_cast<uint32_t>(addr.imm)} + offset;
    op_dst(absolute_form(o), dst);
    word(static_cast<uint32_t>(ea));
    word(static_cast<uint32_t>(ea >> 32));
    return true;
  }
  // The address was just computed by an add: one instruction does both (the sum is still
  // written, so the add's result may live on).
  const Op add =
      last_is(Op::I32Add, 3, addr.slot)      ? Op::I32Add
      : last_is(Op::I32AddImm, 4, addr.slot) ? Op::I32AddImm
      : last_is(Op::I32ShlAdd, 6, addr.slot, 4) || last_is(Op::I32ShlAddLean, 6, addr.slot, 4)
          ? Op::I32ShlAdd
          : Op::Count;
  if (add == Op::Count && o == Op::I32Load && result == ValType::I32 &&
      last_is(Op::I32Load, 3, addr.slot)) {
    // Pointer chasing, p->a->b: the second load's address is the first one's result.
    fuse_last(temporary(addr.slot) ? Op::I32LoadLoadLean : Op::I32LoadLoad, {dst, offset});
    return true;
  }
  if (add != Op::Count) {
    // The intermediate results: the sum, and for I32ShlAdd the shifted value too.
    const bool lean = temporary(addr.slot) &&
                      (add != Op::I32ShlAdd || temporary(code_[last_op_pos_ + kHandlerWords]));
    fuse_last(load_with_add(o, add, lean), {dst, offset});
    // A hash chain's prev[i & mask], the mask a temporary (deflate's longest match): the
    // I32And too.
    const uint32_t operand = code_[last_op_pos_ + kHandlerWords + 1];
    if (last_op_ == Op::I32Load16UShlAddLean && previous_feeds_last(Op::I32And, 3, 1) &&
        temporary(operand) && operand != code_[last_op_pos_ + kHandlerWords + 5])
      merge_last(2, Op::I32Load16UAndShlAddLean);
    // A byte at base + i + j, base + i just computed (deflate's match[best_len]): the I32Add.
    if ((last_op_ == Op::I32Load8UAdd || last_op_ == Op::I32Load8UAddLean) &&
        previous_feeds_last(Op::I32Add, 3, 1))
      merge_last(2, Op::I32Load8UAddAdd);
    return true;
  }
  op_dst(o, dst);
  word(addr.slot);
  word(offset);
  return true;
}

namespace {
// The store of a constant value (the value an immediate).
Op imm_store(Op store) {
  return store == Op::I32Store   ? Op::I32StoreImm
         : store == Op::I64Store ? Op::I64StoreImm
         : store == Op::Store8   ? Op::Store8Imm
         : store == Op::Store16  ? Op::Store16Imm
                                 : Op::Store32Imm;
}
}  // namespace

template <BodyMode kMode>
bool FunctionCompiler<kMode>::store(Op o, ValType value, uint32_t align) {
  uint32_t offset;
  if (!read_memarg(align, offset)) return false;
  Operand v = pop_raw(value);
  Operand addr = pop_raw(ValType::I32);
  if (addr.is_const()) {
    // A static variable: the address is known, and needs no slot.
    const uint64_t ea = uint64_t{static_cast<uint32_t>(addr.imm)} + offset;
    if (v.is_const()) {
      op(absolute_form(imm_store(o)));
      word(static_cast<uint32_t>(ea));
      word(static_cast<uint32_t>(ea >> 32));
      word(static_cast<uint32_t>(v.imm));
      word(static_cast<uint32_t>(v.imm >> 32));
    } else {
      op(absolute_form(o));
      word(v.slot);
      word(static_cast<uint32_t>(ea));
      word(static_cast<uint32_t>(ea >> 32));
    }
    return true;
  }
  if (!v.is_const() && temporary(v.slot) && v.slot != addr.slot) {
    // The value was just loaded, for this store alone: memory to memory in one instruction.
    const Op moved =
        o == Op::I32Store && last_is(Op::I32Load, 3, v.slot)   ? Op::I32LoadStore
        : o == Op::I64Store && last_is(Op::I64Load, 3, v.slot) ? Op::I64LoadStore
        : o == Op::Store8 &&
                (last_is(Op::I32Load8U, 3, v.slot) || last_is(Op::I32Load8S, 3, v.slot))
            ? Op::Load8Store8
        : o == Op::Store16 &&
                (last_is(Op::I32Load16U, 3, v.slot) || last_is(Op::I32Load16S, 3, v.slot))
            ? Op::Load16Store16
            : Op::Count;
    if (moved != Op::Count) {
      fuse_last(moved);
      last_dst_pos_ = UINT32_MAX;  // the loaded value is not written
      word(addr.slot);
      word(offset);
      return true;
    }
  }
  if (v.is_const()) {
    // A constant value becomes an immediate (zeroing and flag stores are common).
    op(imm_store(o));
    word(addr.slot);
    word(offset);
    word(static_cast<uint32_t>(v.imm));
    word(static_cast<uint32_t>(v.imm >> 32));
    return true;
  }
  op(o);
  word(addr.slot);
  word(v.slot);
  word(offset);
  return true;
}

template <BodyMode kMode>
bool FunctionCompiler<kMode>::control(uint8_t opcode) {
  switch (opcode) {
    case 0x00:  // unreachable
      op(Op::Unreachable);
      unreachable_rest();
      return true;
    case 0x01:  // nop
      return true;
    case 0x02:
      return begin_block(CtrlKind::Block, 0);
    case 0x03:
      return begin_block(CtrlKind::Loop, 0);
    case 0x04: {
      Operand cond = pop(ValType::I32);
      PendingCompare cmp = take_compare(cond);
      return begin_block(CtrlKind::If, cond.slot, cmp);
    }
    case 0x05: {  // else
      Ctrl& c = ctrls_.back();
      if (c.kind != CtrlKind::If) return fail_invalid("else without matching if");
      if (!check_top(c.results.span())) return false;
      size_t n = c.results.size();
      if (stack_.size() != c.height + n && !(c.unreachable && stack_.size() <= c.height + n))
        return fail_invalid("type mismatch: values remaining on the stack at else");
      if (live()) {
        materialize_range(stack_.size() - n, stack_.size());
        copy_to(c.base, n);
        op(Op::Br);
        c.fixups.push_back(pc());
        code_.push_back(0);
      }
      branch_assigned(c);  // the then-arm's end
      assigned_ = c.assigned_at_entry;
      const Ctrl& outer = ctrls_[ctrls_.size() - 2];
      bool outer_live = !outer.unreachable && !outer.dead;
      if (outer_live && c.else_fixup != UINT32_MAX) code_[c.else_fixup] = rel(pc(), c.else_fixup);
      bind_label();
      c.else_fixup = UINT32_MAX;
      c.kind = CtrlKind::Else;
      c.height = c.base;
      c.unreachable = false;
      c.dead = !outer_live;
      stack_.resize(c.base);
      push_types(c.params.span());
      last_dst_pos_ = UINT32_MAX;
      return true;
    }
    case 0x0B:
      return end_block();
    case 0x0C: {  // br
      uint32_t depth;
      if (!read_label(depth)) return false;
      const Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
      if (!check_top(target.label_types())) return false;
      if constexpr (kEmit) {
        pad_for(target.label_types().size());
        emit_br(depth);
      }
      branch_assigned(ctrls_[ctrls_.size() - 1 - depth]);
      unreachable_rest();
      return true;
    }
    case 0x0D: {  // br_if
      uint32_t depth;
      if (!read_label(depth)) return false;
      Operand cond = pop(ValType::I32);
      PendingCompare cmp = take_compare(cond);
      Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
      branch_assigned(target);
      const std::span<const ValType> types = target.label_types();
      if (!check_top(types)) return false;
      pad_for(types.size());
      size_t n = types.size();
      if constexpr (kEmit) {
        // Both paths must agree on where the values are.
        materialize_range(stack_.size() - n, stack_.size());
        if (target.kind != CtrlKind::Func && !needs_copy(target.base, n)) {
          emit_cond_branch(cmp, cond.slot, true);
          target_word(target);
        } else {
          emit_cond_branch(cmp, cond.slot, false);
          uint32_t skip = pc();
          word(0);
          emit_br(depth);
          if (live()) code_[skip] = rel(pc(), skip);
          bind_label();
        }
      }
      // The values stay on the stack, retyped as the label's types.
      for (size_t k = 0; k < n; ++k) {
        Operand& o = stack_[stack_.size() - n + k];
        if (o.type == kUnknown) o.type = types[k];
      }
      last_dst_pos_ = UINT32_MAX;
      return true;
    }
    case 0x0E: {  // br_table
      uint32_t count = r_.u32();
      if (failed()) return false;
      if (count > r_.remaining()) {
        r_.fail("unexpected end");
        return false;
      }
      std::vector<uint32_t> depths(count + 1);
      for (uint32_t k = 0; k <= count; ++k) {
        if (!read_label(depths[k])) return false;
      }
      Operand index = pop(ValType::I32);
      const Ctrl& dflt = ctrls_[ctrls_.size() - 1 - depths[count]];
      size_t arity = dflt.label_types().size();
      for (uint32_t d : depths) {
        const Ctrl& t = ctrls_[ctrls_.size() - 1 - d];
        if (t.label_types().size() != arity) return fail_invalid("type mismatch: br_table arity");
        if (!check_top(t.label_types())) return false;
      }
      if constexpr (!kEmit) {
        unreachable_rest();
        return true;
      }
      pad_for(arity);
      for (uint32_t d : depths) branch_assigned(ctrls_[ctrls_.size() - 1 - d]);
      materialize_range(stack_.size() - arity, stack_.size());
      if (last_is(Op::I32AddImm, 4, index.slot)) {
        // The index was just computed as a + imm (a switch on a shifted range): one
        // instruction does both.
        fuse_last(Op::BrTableAddImm);
        fuse_table_lookup();
      } else {
        op(Op::BrTable);
        word(index.slot);
      }
      word(count);
      uint32_t table = pc();
      for (uint32_t k = 0; k <= count; ++k) word(0);
      if (live()) {
        // Each entry jumps straight to its label when no values need moving, else to a stub.
        for (uint32_t k = 0; k <= count; ++k) {
          Ctrl& t = ctrls_[ctrls_.size() - 1 - depths[k]];
          if (t.kind != CtrlKind::Func && !needs_copy(t.base, arity)) {
            if (t.kind == CtrlKind::Loop) {
              loop_stubs_.push_back({table + k, t.loop_pc});
            } else {
              t.fixups.push_back(table + k);
            }
          } else {
            code_[table + k] = rel(pc(), table + k);
            bind_label();
            emit_br(depths[k]);
          }
        }
      }
      unreachable_rest();
      return true;
    }
    case 0x0F: {  // return
      if (!check_top(type_.results)) return false;
      if constexpr (kEmit) {
        pad_for(type_.results.size());
        if (live()) emit_return();
      }
      unreachable_rest();
      return true;
    }
    case 0x10: {  // call
      uint32_t f = r_.u32();
      if (failed()) return false;
      if (f >= m_.func_types.size()) return fail_unknown("unknown function ", f);
      return call(f);
    }
    case 0x11: {  // call_indirect
      uint32_t type_index = r_.u32();
      uint32_t table = r_.u32();
      if (failed()) return false;
      if (table >= m_.tables.size()) return fail_unknown("unknown table ", table);
      if (type_index >= m_.types.size()) return fail_invalid("unknown type");
      if (m_.tables[table].element != ValType::FuncRef)
        return fail_invalid("type mismatch: call_indirect on a table of externref");
      Operand index = pop(ValType::I32);
      const FuncType& ft = m_.types[type_index];
      if (!check_top(ft.params)) return false;
      size_t n = ft.params.size();
      pad_for(n);
      materialize_range(stack_.size() - n, stack_.size());
      uint32_t arg_base = pos_slot(stack_.size() - n);
      stack_.resize(stack_.size() - n);
      push_types(ft.results);
      note_height(stack_.size() + n + 1);
      op(Op::CallIndirect);
      word(type_index);
      word(table);
      word(arg_base);
      word(index.slot);
      return true;
    }
    default:
      break;
  }
  r_.fail("illegal opcode", instr_offset_);
  return false;
}

namespace {
std::unique_ptr<uint32_t[]> leaf_copy(const std::vector<uint32_t>& code, bool touches_memory);

// The one-byte numeric operators' operand and result types, for the validator's fast path.
struct NumericSignature {
  uint8_t arity = 0;  // 0: not a one-byte numeric operator
  ValType in{}, out{};
};
constexpr std::array<NumericSignature, 256> kNumericSignatures = [] {
  std::array<NumericSignature, 256> t{};
#define UNOP(name, code, in, out) \
  if constexpr ((code) < 0x100) t[code] = {1, ValType::in, ValType::out};
#define BINOP(name, code, in, out) \
  if constexpr ((code) < 0x100) t[code] = {2, ValType::in, ValType::out};
#include "execution/numeric_ops.def"
  return t;
}();

}  // namespace

template <BodyMode kMode>
Result<std::unique_ptr<CompiledFunc>> FunctionCompiler<kMode>::run() {
  locals_ = type_.params;
  for (const LocalGroup& g : body_.locals) locals_.insert(locals_.end(), g.count, g.type);
  local_slots_ = static_cast<uint32_t>(locals_.size());
  ctrls_.prepare(CtrlKind::Func).results = TypeList(type_.results);
  ctrls_.push();
  if constexpr (kMode == BodyMode::Compile) {
    code_.reserve((body_.body_end - body_.body_offset) * 2 + 8);
    insts_.reserve((body_.body_end - body_.body_offset) / 2 + 4);
  }

  for (;;) {
    instr_offset_ = r_.pos();
    // A malformed immediate also ends up here, as the reader stops at the end once it fails.
    if (r_.at_end()) [[unlikely]] {
      r_.fail("unexpected end of section or function");
      break;
    }
    const uint8_t opcode = r_.next_byte();
    bool ok;
    // The commonest instructions skip instruction()'s dispatch and its prologue.
    switch (opcode) {
      case 0x20:
        ok = local_get();
        break;
      case 0x21:
        ok = local_set(false);
        break;
      case 0x22:
        ok = local_set(true);
        break;
      case 0x41:
        ok = i32_const();
        break;
        HM_MEMORY_ACCESS_CASES
        ok = memory_access(opcode);
        break;
      case 0x02:
        ok = begin_block(CtrlKind::Block, 0);
        break;
      case 0x0B:  // the function's own `end` stops the loop too
        ok = end_block() && !ctrls_.empty();
        break;
      default:
        if constexpr (kMode == BodyMode::Validate) {
          // Numeric operators only check and replace operand types (kNumericSignatures).
          if (const NumericSignature sig = kNumericSignatures[opcode]; sig.arity != 0) {
            if (sig.arity == 2) pop_raw(sig.in);
            pop_raw(sig.in);
            push(sig.out);
            ok = true;
            break;
          }
        }
        ok = instruction(opcode);
        break;
    }
    // A typing error may leave `ok` true; a malformed immediate is caught at the loop's top.
    if (!ok || error_) [[unlikely]]
      break;
  }
  if (!failed() && !r_.at_end()) r_.fail("END opcode expected: operators after the final end");
  if (!r_.ok()) return r_.take_error();
  if (error_) return std::move(*error_);
  if constexpr (kMode == BodyMode::Validate) return std::unique_ptr<CompiledFunc>();
  emit_loop_stubs();
  // (Only an interpreter's loop has a dispatch to fuse with its step: the rest need no pass.)
  const bool dispatches = std::ranges::any_of(insts_, [](const Inst& in) {
    return in.op == Op::BrTableLookupLean || in.op == Op::FetchDispatchLeanLoop;
  });
  duplicate_short_tails();
  if (dispatches) fuse_dispatch_steps();

  auto f = std::make_unique<CompiledFunc>();
  f->param_slots = static_cast<uint32_t>(type_.params.size());
  f->local_slots = local_slots_;
  f->zero_end = std::min(f->param_slots + zeroed_locals_, local_slots_);
  if (f->zero_end > f->param_slots) {
    // The body starts by zeroing them, so that calls of the (many) functions that need no
    // zeroing pay nothing. Branch targets are relative: the code moves as a whole.
    uint32_t zero[kHandlerWords + 2];
    std::memcpy(zero, &handlers_[static_cast<size_t>(Op::ZeroLocals)],
                sizeof(uint32_t) * kHandlerWords);
    zero[kHandlerWords] = f->param_slots;
    zero[kHandlerWords + 1] = f->zero_end;
    code_.insert(code_.begin(), zero, zero + kHandlerWords + 2);
  }
  f->code = std::move(code_);
  f->result_count = static_cast<uint32_t>(type_.results.size());
  f->frame_slots = local_slots_ + max_height_ + 1;
  if (f->frame_slots < f->result_count) f->frame_slots = f->result_count;
  // Leaf code: for a body that calls nothing (every emitted op is in insts_, those later fused
  // into others too: a call is seen here) and has no loops (leaf_copy), in a frame that fits in the
  // value stack's red zone, so that the leaf interpreter need not check for room (the stack's top
  // never passes its end). HM_NO_LEAF=1 makes none, for tests of execute() alone.
  static const bool no_leaf = std::getenv("HM_NO_LEAF") != nullptr;
  if (!no_leaf && f->frame_slots <= kValueStackRedZone &&
      std::ranges::all_of(insts_, [](const Inst& in) { return runs_in_leaf(in.op); }))
    f->leaf_code = leaf_copy(f->code, touches_memory_);
  return f;
}

// The back edges that cannot check for an interrupt themselves (a br_table, a branch without
// a loop form) jump to a BrLoop after the body, which checks and goes on to the loop.
template <BodyMode kMode>
void FunctionCompiler<kMode>::emit_loop_stubs() {
  for (const LoopStub& stub : loop_stubs_) {
    const uint32_t at = pc();
    insts_.push_back({at, Op::BrLoop});
    code_.resize(at + kHandlerWords);
    set_handler(at, Op::BrLoop);
    code_.push_back(rel(stub.loop_pc, pc()));
    code_[stub.word] = rel(at, stub.word);
  }
}

namespace {

// Whether `op` is a branch whose only target word is its last operand word.
bool single_target_branch(Op op) {
  switch (op) {
    case Op::Br:
    case Op::BrLoop:
    case Op::BrIf:
    case Op::BrUnless:
    case Op::BrIfLoop:
    case Op::BrUnlessLoop:
    case Op::BrIfAddImm:
    case Op::BrUnlessAddImm:
    case Op::BrIfAddImmLoop:
    case Op::BrUnlessAddImmLoop:
    case Op::BrIfConst32:
    case Op::BrUnlessConst32:
    case Op::BrIfAndImm:
    case Op::BrUnlessAndImm:
    case Op::BrIfI32EqAndImm:
    case Op::BrIfI32NeAndImm:
    case Op::BrIfAndImmLoop:
    case Op::BrUnlessAndImmLoop:
    case Op::BrIfI32EqAndImmLoop:
    case Op::BrIfI32NeAndImmLoop:
    case Op::BrIfI32EqAndImmLean:
    case Op::BrIfI32NeAndImmLean:
    case Op::BrIfAddImmNe:
    case Op::BrIfAddImmNeImm:
    case Op::BrIfAddImmNeLoop:
    case Op::BrIfAddImmNeImmLoop:
    case Op::BrIfI64AddImmNe:
    case Op::BrIfI64AddImmNeImm:
    case Op::BrIfI64AddImmNeLoop:
    case Op::BrIfI64AddImmNeImmLoop:
    case Op::BrIfLoad8U:
    case Op::BrUnlessLoad8U:
    case Op::BrIfLoad8UEqImm:
    case Op::BrIfLoad8UNeImm:
    case Op::BrIfLoad8ULoop:
    case Op::BrUnlessLoad8ULoop:
    case Op::BrIfLoad8UAddImmLoop:
    case Op::BrUnlessLoad8UAddImmLoop:
    case Op::BrIfLoad8UEqImmLoop:
    case Op::BrIfLoad8UNeImmLoop:
    case Op::BrIfLoad8UAddImm:
    case Op::BrUnlessLoad8UAddImm:
#define HM_X(T, name)              \
  case Op::BrIf##T##name:          \
  case Op::BrIf##T##name##Imm:     \
  case Op::BrIf##T##name##Loop:    \
  case Op::BrIf##T##name##ImmLoop: \
  case Op::BrIf##T##name##Add:     \
  case Op::BrIf##T##name##AddLoop:
      HM_FUSED_CMPS(HM_X)
#undef HM_X
      return true;
    default:
      return false;
  }
}

// Where the target words of a br_table form start (0: not a br_table).
uint32_t first_table_word(Op op) {
  switch (op) {
    case Op::BrTable:
      return kHandlerWords + 2;
    case Op::BrTableAddImm:
      return kHandlerWords + 5;
    case Op::BrTableLookup:
    case Op::BrTableLookupLean:
    case Op::BrTableLookupLeanLoop:
      return kHandlerWords + 22;
    case Op::BrTableLoad8U:
    case Op::BrTableLoad8ULean:
      return kHandlerWords + 10;
    case Op::BrTableLoad8UAnd:
    case Op::BrTableLoad8UAndLean:
      return kHandlerWords + 16;
    case Op::BrTableAndImmLean:
      return kHandlerWords + 11;
    case Op::FetchDispatchLean:  // the fetch's words, then the BrTableLookupLean's
    case Op::FetchDispatchLeanLoop:
      return kHandlerWords + 14 + first_table_word(Op::BrTableLookupLean);
    case Op::Copy2AddImmFetchDispatchLeanLoop:
      return 12 + first_table_word(Op::FetchDispatchLeanLoop);
    default:
      return 0;
  }
}

// Where the branch word at `word` of `code` leads (a position past the end of the code, or
// wrapped around to a huge one, for a word that is not a branch's).
uint64_t branch_target(const std::vector<uint32_t>& code, size_t word) {
  return static_cast<uint64_t>(word) + static_cast<int32_t>(code[word]);
}

// Instructions that end a tail worth copying: nothing after them runs in line.
bool ends_tail(Op op) {
  return op == Op::Br || op == Op::BrLoop || op == Op::Return || op == Op::ReturnFrom;
}

// The code for the leaf interpreter (invoke_wasm_raw): `code` with the leaf handlers, if every
// op in it runs_in_leaf and every branch goes forward to an instruction's start; else null.
// (Without loops, a body runs briefly, and what the leaf interpreter saves on entry and exit
// counts; in a loop, its fewer registers cost more: SHA-256 ran 10% slower in it.) Code that
// touches memory starts with a LeafMemory (the others do not pay for it on entry).
// Finished code read back instruction by instruction (each starting where the one before it
// ends), with every branch word and where it leads; empty if a word pair at an instruction's
// start is no handler's, or an instruction runs past the end.
struct CodeWalk {
  struct At {
    uint32_t pos;
    Op op;
  };
  struct Branch {
    size_t word;
    uint64_t target;
  };
  std::vector<At> ins;
  std::vector<Branch> branches;
};
CodeWalk walk_code(const std::vector<uint32_t>& code) {
  CodeWalk w;
  for (size_t pos = 0; pos < code.size();) {
    const void* handler;
    if (pos + kHandlerWords > code.size()) return {};
    std::memcpy(&handler, &code[pos], sizeof handler);
    const size_t op = op_of_handler(handler);
    if (op == static_cast<size_t>(Op::Count)) return {};
    const size_t len = instruction_words(code, pos, op);
    if (pos + len > code.size()) return {};
    w.ins.push_back({static_cast<uint32_t>(pos), static_cast<Op>(op)});
    auto add = [&](size_t word) { w.branches.push_back({word, branch_target(code, word)}); };
    if (single_target_branch(w.ins.back().op)) add(pos + len - 1);
    if (const uint32_t first = first_table_word(w.ins.back().op))
      for (size_t word = pos + first; word < pos + len; ++word) add(word);
    pos += len;
  }
  return w;
}

std::unique_ptr<uint32_t[]> leaf_copy(const std::vector<uint32_t>& code, bool touches_memory) {
  const CodeWalk w = walk_code(code);
  if (w.ins.empty()) return nullptr;
  std::vector<bool> starts(code.size());
  for (const CodeWalk::At& in : w.ins) {
    if (!runs_in_leaf(in.op)) return nullptr;
    starts[in.pos] = true;
  }
  for (const CodeWalk::Branch& b : w.branches)
    if (b.target <= b.word || b.target >= code.size() || !starts[b.target]) return nullptr;
  const void* const* handlers = leaf_handler_addresses();
  const size_t first = touches_memory ? kHandlerWords : 0;  // (branches are relative)
  auto leaf = std::make_unique<uint32_t[]>(first + code.size());
  if (touches_memory)
    std::memcpy(&leaf[0], &handlers[static_cast<size_t>(Op::LeafMemory)], sizeof(void*));
  std::copy(code.begin(), code.end(), leaf.get() + first);
  for (const CodeWalk::At& in : w.ins)
    std::memcpy(&leaf[first + in.pos], &handlers[static_cast<size_t>(in.op)], sizeof(void*));
  return leaf;
}

}  // namespace

// Tail duplication: a `br` whose target is a short run ending in an unconditional jump, a
// return or a switch (the shared tail of every case of an interpreter's switch, its
// dispatch included; a function epilogue) is replaced by a copy of that run, which saves the
// dispatch of the br and gives the copied branches and switch sites of their own.
// Runs after all branch words are resolved; rebuilds the code and relocates every target.
template <BodyMode kMode>
void FunctionCompiler<kMode>::duplicate_short_tails() {
  constexpr size_t kMaxTail = 16;
  constexpr uint32_t kMaxTableWords = 200;
  const size_t n = insts_.size();
  // Every instruction is recorded, so each one ends where the next begins.
  auto end_of = [&](size_t i) -> uint32_t {
    return i + 1 < n ? insts_[i + 1].pos : static_cast<uint32_t>(code_.size());
  };
  // Index of the instruction starting at `pos` (n for the end of the code), or SIZE_MAX.
  auto index_of = [&](uint64_t pos) -> size_t {
    if (pos == code_.size()) return n;
    auto it = std::lower_bound(insts_.begin(), insts_.end(), pos,
                               [](const Inst& a, uint64_t p) { return a.pos < p; });
    return it != insts_.end() && it->pos == pos ? static_cast<size_t>(it - insts_.begin())
                                                : SIZE_MAX;
  };
  auto target_of = [&](uint32_t word) { return branch_target(code_, word); };
  // For a BrLoop back to an interpreter's dispatch (`for (;;) switch (...)`, the switch a
  // BrTableLookupLean first in the loop): that instruction, which a copy of the br becomes
  // (checking for an interrupt as the br did); otherwise SIZE_MAX.
  auto dispatch_of = [&](size_t k) -> size_t {
    if (insts_[k].op != Op::BrLoop) return SIZE_MAX;
    const size_t t = index_of(target_of(insts_[k].pos + kHandlerWords));
    return t < n && insts_[t].op == Op::BrTableLookupLean ? t : SIZE_MAX;
  };

  std::vector<size_t> tail_of;  // for a duplicated br: its tail's first instruction
  for (size_t i = 0; i < n; ++i) {
    if (dispatch_of(i) != SIZE_MAX) {
      if (tail_of.empty()) tail_of.assign(n, SIZE_MAX);
      tail_of[i] = i;  // itself, copied as its dispatch (below)
      continue;
    }
    if (insts_[i].op != Op::Br) continue;
    const size_t t = index_of(target_of(insts_[i].pos + kHandlerWords));
    if (t == SIZE_MAX || t >= n || t == i) continue;
    for (size_t k = t; k < n && k < t + kMaxTail; ++k) {
      const Op op = insts_[k].op;
      // A small switch ends a tail too (a big one is not worth its copies).
      const bool small_table =
          first_table_word(op) != 0 && end_of(k) - insts_[k].pos <= kMaxTableWords;
      if (ends_tail(op) || small_table) {
        if (k != i) {
          if (tail_of.empty()) tail_of.assign(n, SIZE_MAX);
          tail_of[i] = t;
        }
        break;
      }
      // (A conditional branch in a tail is copied with its target relocated: the copy falls
      // through to its own next instruction.)
      if (first_table_word(op) != 0 || op == Op::Unreachable) break;
    }
  }
  if (tail_of.empty()) return;
  // The record must match the code: each instruction starts with its handler.
  for (const Inst& in : insts_) {
    if (std::memcmp(&code_[in.pos], &handlers_[static_cast<size_t>(in.op)],
                    kHandlerWords * sizeof(uint32_t)) != 0)
      return;
  }

  std::vector<uint32_t> out;
  out.reserve(code_.size() + code_.size() / 4);
  std::vector<uint32_t> new_pos(n + 1);
  struct Reloc {
    uint32_t word;        // in `out`
    uint64_t old_target;  // in code_
  };
  std::vector<Reloc> relocs;
  // Records the branch words of instruction k, now at new_pos[k].
  auto relocate = [&](size_t k) {
    const Op op = insts_[k].op;
    const uint32_t pos = insts_[k].pos, len = end_of(k) - pos;
    if (single_target_branch(op)) {
      relocs.push_back({new_pos[k] + len - 1, target_of(pos + len - 1)});
    } else if (const uint32_t first = first_table_word(op)) {
      for (uint32_t w = first; w < len; ++w) relocs.push_back({new_pos[k] + w, target_of(pos + w)});
    }
  };
  // Instructions [from, to) move as one block.
  auto copy_block = [&](size_t from, size_t to) {
    if (from >= to) return;
    const uint32_t begin = insts_[from].pos, end = end_of(to - 1);
    const int64_t delta = static_cast<int64_t>(out.size()) - begin;
    out.insert(out.end(), code_.begin() + begin, code_.begin() + end);
    for (size_t k = from; k < to; ++k) {
      new_pos[k] = static_cast<uint32_t>(insts_[k].pos + delta);
      relocate(k);
    }
  };
  size_t block = 0;
  for (size_t i = 0; i < n; ++i) {
    if (tail_of[i] == SIZE_MAX) continue;
    copy_block(block, i);
    block = i + 1;
    new_pos[i] = static_cast<uint32_t>(out.size());
    // The instruction in `out` just before this copy's next one, and where it came from.
    size_t prev = i > 0 && tail_of[i - 1] == SIZE_MAX ? i - 1 : SIZE_MAX;
    uint32_t prev_at = prev != SIZE_MAX ? new_pos[prev] : 0;
    for (size_t k = tail_of[i];; ++k) {
      // A copy of instruction k, relocated as if it stood here; a back edge to a dispatch
      // becomes the dispatch.
      const size_t d = dispatch_of(k);
      const size_t src = d != SIZE_MAX ? d : k;
      const uint32_t pos = insts_[src].pos, len = end_of(src) - pos;
      const uint32_t at = static_cast<uint32_t>(out.size());
      out.insert(out.end(), code_.begin() + pos, code_.begin() + pos + len);
      const Op op = insts_[src].op;
      if (single_target_branch(op)) relocs.push_back({at + len - 1, target_of(pos + len - 1)});
      if (const uint32_t first = first_table_word(op)) {
        for (uint32_t w = first; w < len; ++w) relocs.push_back({at + w, target_of(pos + w)});
      }
      if (d != SIZE_MAX) {
        write_handler(out, at, Op::BrTableLookupLeanLoop);
        // A fetch of the value the dispatch is on, just before it, joins it.
        if (prev != SIZE_MAX && insts_[prev].op == Op::I32LoadShrUAndAddLean &&
            prev_at + (end_of(prev) - insts_[prev].pos) == at &&
            fetch_feeds_lookup(insts_[prev].pos, pos))
          write_handler(out, prev_at, Op::FetchDispatchLeanLoop);
        break;
      }
      prev = src;
      prev_at = at;
      if (ends_tail(op) || first_table_word(op) != 0) break;
    }
  }
  copy_block(block, n);
  new_pos[n] = static_cast<uint32_t>(out.size());
  for (const Reloc& r : relocs) {
    const size_t t = index_of(r.old_target);
    if (t == SIZE_MAX) return;  // a target inside an instruction: leave the code as it was
    out[r.word] = rel(new_pos[t], r.word);
  }
  code_ = std::move(out);
}

// An interpreter's case ends by copying its pc, stepping it and dispatching on the word at
// the copy (Copy2, I32AddImm, FetchDispatchLeanLoop): one instruction, which fetches through
// the copied value without reading it back. Runs on the finished code, where nothing may
// branch to the second or third part.
template <BodyMode kMode>
void FunctionCompiler<kMode>::fuse_dispatch_steps() {
  const CodeWalk w = walk_code(code_);
  const std::vector<CodeWalk::At>& ins = w.ins;
  std::vector<bool> target(code_.size() + 1);
  for (const CodeWalk::Branch& b : w.branches)
    if (b.target <= code_.size()) target[b.target] = true;
  // (The walk makes each instruction start where the one before it ends.)
  for (size_t i = 0; i + 2 < ins.size(); ++i) {
    if (ins[i].op != Op::Copy2 || ins[i + 1].op != Op::I32AddImm ||
        ins[i + 2].op != Op::FetchDispatchLeanLoop)
      continue;
    const uint32_t c = ins[i].pos, a = ins[i + 1].pos, f = ins[i + 2].pos;
    if (target[a] || target[f]) continue;
    const uint32_t addr = code_[f + kHandlerWords + 1];
    if (code_[c + kHandlerWords] != addr || code_[c + kHandlerWords + 2] == addr ||
        code_[a + kHandlerWords] == addr)
      continue;
    write_handler(code_, c, Op::Copy2AddImmFetchDispatchLeanLoop);
  }
}

// The two passes over a body share every line of validation.
template class FunctionCompiler<BodyMode::Validate>;
template class FunctionCompiler<BodyMode::Compile>;

Result<std::unique_ptr<CompiledFunc>> compile_function(const ModuleData& module,
                                                       uint32_t defined_index) {
  FunctionCompiler<BodyMode::Compile> c(module, defined_index);
  return c.run();
}

Result<void> validate_function(const ModuleData& module, uint32_t defined_index) {
  // One per thread, as bodies are validated on several; it keeps what the largest body needed.
  thread_local BodyScratch scratch;
  FunctionCompiler<BodyMode::Validate> v(module, defined_index, &scratch);
  auto r = v.run();
  if (!r) return std::move(r).error();
  return {};
}

}  // namespace hailmary::detail
