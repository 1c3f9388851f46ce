// One pass over a function body: the spec's validation algorithm
// (https://webassembly.github.io/spec/core/appendix/algorithm.html) drives a code emitter.
//
// Code generation model: every operand-stack position has a fixed frame slot
// (local_slots + depth), so instructions address their operands by slot. `local.get` is not
// copied eagerly: the stack entry stays "deferred", naming the local's slot directly, until
// something forces it into its own slot (a write to that local, a control-flow join, a call).
// This turns most wasm sequences into register-style three-address code.
#include "validation/function_compiler.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "binary/reader.hpp"

namespace hailmary::detail {
namespace {

constexpr ValType kUnknown = static_cast<ValType>(0);  // the validator's bottom type

std::string type_name(ValType t) {
  return t == kUnknown ? std::string("any") : std::string(to_string(t));
}

constexpr uint32_t kConstSlot = UINT32_MAX;

struct Operand {
  ValType type;
  uint32_t slot;  // where the value is now (kConstSlot: nowhere yet, it is `imm`)
  bool deferred;  // slot is a local (or a saved copy), not this entry's own position
  uint64_t imm = 0;
  bool is_const() const { return slot == kConstSlot; }
};

/// The compare that branches when `op` does not (for `if`, which branches on false).
Op negate_compare(Op op) {
  switch (op) {
#define HM_NEG(T, a, b) \
  case Op::T##a: return Op::T##b; \
  case Op::T##b: return Op::T##a; \
  case Op::T##a##Imm: return Op::T##b##Imm; \
  case Op::T##b##Imm: return Op::T##a##Imm;
    HM_NEG(I32, Eq, Ne) HM_NEG(I32, LtS, GeS) HM_NEG(I32, LtU, GeU) HM_NEG(I32, GtS, LeS)
    HM_NEG(I32, GtU, LeU) HM_NEG(I64, Eq, Ne) HM_NEG(I64, LtS, GeS) HM_NEG(I64, LtU, GeU)
    HM_NEG(I64, GtS, LeS) HM_NEG(I64, GtU, LeU)
#undef HM_NEG
    default: return Op::Count;
  }
}

/// The fused compare-and-branch for a compare op, or Op::Count if it has none.
Op fused_branch(Op op) {
  switch (op) {
#define HM_X(T, name) \
  case Op::T##name: return Op::BrIf##T##name; \
  case Op::T##name##Imm: return Op::BrIf##T##name##Imm;
    HM_FUSED_CMPS(HM_X)
#undef HM_X
    default: return Op::Count;
  }
}

/// Binary operators that have an immediate form.
Op imm_form(Op op) {
  switch (op) {
#define UNOP(name, code, in, out)
#define BINOP(name, code, in, out) \
  case Op::name: return Op::name##Imm;
#define UNOP_TRAP(name, code, in, out)
#define BINOP_TRAP(name, code, in, out)
#include "execution/numeric_ops.def"
#undef UNOP
#undef BINOP
#undef UNOP_TRAP
#undef BINOP_TRAP
    default: return Op::Count;
  }
}

/// A compare removed from the code so that the branch consuming it can absorb it.
struct PendingCompare {
  Op op = Op::Count;  // Op::Count: none
  uint32_t a = 0;
  uint32_t b_or_imm_lo = 0;
  uint32_t imm_hi = 0;
  bool has_imm = false;
};

enum class CtrlKind : uint8_t { Func, Block, Loop, If, Else };

struct Ctrl {
  CtrlKind kind;
  std::vector<ValType> params;
  std::vector<ValType> results;
  uint32_t height;  // validation height: entries below belong to enclosing blocks
  uint32_t base;    // stack position where the label's values go (== height, except in
                    // the then-arm of an `if` with parameters, see begin_if)
  bool unreachable = false;  // validation: the stack is polymorphic after br/return/...
  bool dead = false;         // emission: an enclosing block is unreachable, emit nothing
  uint32_t loop_pc = 0;
  uint32_t else_fixup = UINT32_MAX;  // BrUnless target of an `if`, patched at else/end
  std::vector<uint32_t> fixups;      // forward branch words to patch at `end`

  const std::vector<ValType>& label_types() const {
    return kind == CtrlKind::Loop ? params : results;
  }
};

class FunctionCompiler {
 public:
  FunctionCompiler(const ModuleData& m, uint32_t defined_index)
      : m_(m),
        body_(m.bodies[defined_index]),
        type_(m.types[m.func_types[m.imported_funcs + defined_index]]),
        r_(m.bytes, body_.body_offset, body_.body_end),
        handlers_(handler_addresses()) {}

  Result<std::unique_ptr<CompiledFunc>> run();

 private:
  // ---- errors ----
  bool fail_invalid(std::string msg) {
    if (!error_) error_ = Error(ErrorKind::Invalid, std::move(msg), instr_offset_);
    return false;
  }
  bool failed() const { return error_.has_value() || !r_.ok(); }

  // ---- emission ----
  bool live() const { return !ctrls_.back().unreachable && !ctrls_.back().dead; }
  void op(Op o) {
    if (!live()) return;
    last_op_ = o;
    last_op_pos_ = pc();
    uint32_t h[kHandlerWords];
    std::memcpy(h, &handlers_[static_cast<size_t>(o)], sizeof h);
    code_.insert(code_.end(), h, h + kHandlerWords);
    last_dst_pos_ = UINT32_MAX;
  }
  void emit_const(uint32_t dst, ValType t, uint64_t v) {
    if (t == ValType::I32 || t == ValType::F32) {
      op(Op::Const32);
      word(dst);
      word(static_cast<uint32_t>(v));
    } else {
      op(Op::Const64);
      word(dst);
      word(static_cast<uint32_t>(v));
      word(static_cast<uint32_t>(v >> 32));
    }
  }
  // Put operand `o`'s value into `dst`.
  void emit_move(uint32_t dst, const Operand& o) {
    if (o.is_const()) {
      emit_const(dst, o.type, o.imm);
    } else if (o.slot != dst) {
      op(Op::Copy);
      word(dst);
      word(o.slot);
    }
  }
  // If the instruction just emitted is a compare producing `cond`, take it back out of the
  // code so the branch can test the operands itself.
  PendingCompare take_compare(const Operand& cond) {
    PendingCompare p;
    if (!live() || cond.deferred || last_dst_pos_ == UINT32_MAX ||
        last_dst_pos_ != last_op_pos_ + kHandlerWords || code_[last_dst_pos_] != cond.slot)
      return p;
    Op fused = fused_branch(last_op_);
    if (fused == Op::Count) return p;
    p.op = last_op_;
    const uint32_t operands = last_op_pos_ + kHandlerWords;  // dst, a, b_or_imm_lo, imm_hi
    p.a = code_[operands + 1];
    p.b_or_imm_lo = code_[operands + 2];
    p.has_imm = fused_branch(last_op_) != Op::Count && imm_form(last_op_) == Op::Count;
    if (p.has_imm) p.imm_hi = code_[operands + 3];
    code_.resize(last_op_pos_);
    last_dst_pos_ = UINT32_MAX;
    return p;
  }
  // Emit "branch if (cmp) is `when`" (target word to follow), from a taken-back compare or a
  // plain condition slot.
  void emit_cond_branch(const PendingCompare& p, uint32_t cond_slot, bool when) {
    if (p.op == Op::Count) {
      op(when ? Op::BrIf : Op::BrUnless);
      word(cond_slot);
      return;
    }
    Op cmp = when ? p.op : negate_compare(p.op);
    op(fused_branch(cmp));
    word(p.a);
    word(p.b_or_imm_lo);
    if (p.has_imm) word(p.imm_hi);
  }
  void word(uint32_t w) {
    if (live()) code_.push_back(w);
  }
  uint32_t pc() const { return static_cast<uint32_t>(code_.size()); }
  // Branch targets are stored relative to the word holding them (the interpreter then needs
  // no code base register).
  static uint32_t rel(uint32_t target, uint32_t word_pos) { return target - word_pos; }
  // Emit `o dst ...` where dst is a fresh stack entry; remembers it for the local.set peephole.
  void op_dst(Op o, uint32_t dst) {
    op(o);
    if (!live()) return;
    last_dst_pos_ = pc();
    code_.push_back(dst);
  }
  void mark_result_end() { last_end_ = pc(); }

  // ---- operand stack ----
  uint32_t pos_slot(size_t depth) const { return local_slots_ + static_cast<uint32_t>(depth); }
  void note_height(size_t h) {
    if (h > max_height_) max_height_ = static_cast<uint32_t>(h);
  }
  uint32_t push(ValType t) {
    uint32_t s = pos_slot(stack_.size());
    stack_.push_back({t, s, false});
    note_height(stack_.size());
    return s;
  }
  void push_const(ValType t, uint64_t v) {
    stack_.push_back({t, kConstSlot, true, v});
    note_height(stack_.size());
  }
  void push_deferred(ValType t, uint32_t slot) {
    stack_.push_back({t, slot, true});
    note_height(stack_.size());
  }
  // Pop, giving constants a slot (most consumers address operands by slot).
  Operand pop() {
    Operand o = pop_raw();
    if (o.is_const()) o = realize(o, stack_.size());
    return o;
  }
  Operand pop(ValType expect) {
    Operand o = pop_raw(expect);
    if (o.is_const()) o = realize(o, stack_.size());
    return o;
  }
  // A constant that was at stack index `index` gets written to that position.
  Operand realize(const Operand& o, size_t index) {
    uint32_t dst = pos_slot(index);
    emit_const(dst, o.type, o.imm);
    return Operand{o.type, dst, false};
  }
  Operand pop_raw() {
    Ctrl& c = ctrls_.back();
    if (stack_.size() == c.height) {
      if (!c.unreachable) fail_invalid("type mismatch: operand stack underflow");
      note_height(stack_.size() + 1);
      return {kUnknown, pos_slot(stack_.size()), false};
    }
    Operand o = stack_.back();
    stack_.pop_back();
    return o;
  }
  Operand pop_raw(ValType expect) {
    Operand o = pop_raw();
    if (o.type != expect && o.type != kUnknown && expect != kUnknown) {
      fail_invalid("type mismatch: expected " + type_name(expect) + ", got " + type_name(o.type));
    }
    return o;
  }
  void materialize(size_t i) {
    Operand& o = stack_[i];
    if (!o.deferred) return;
    uint32_t dst = pos_slot(i);
    emit_move(dst, o);
    o.slot = dst;
    o.deferred = false;
  }
  void materialize_range(size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) materialize(i);
  }
  void materialize_all() { materialize_range(0, stack_.size()); }
  // A write to `slot` is coming: entries still reading it must take their copy first.
  void materialize_readers(uint32_t slot) {
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i].deferred && stack_[i].slot == slot) materialize(i);
    }
  }
  // Checks the top |types| entries against `types` without popping.
  bool check_top(const std::vector<ValType>& types) {
    Ctrl& c = ctrls_.back();
    size_t n = types.size();
    for (size_t k = 0; k < n; ++k) {
      size_t depth_from_top = n - k;  // types[k] is this far below the top
      if (stack_.size() < c.height + depth_from_top) {
        if (!c.unreachable) return fail_invalid("type mismatch: operand stack underflow");
        continue;
      }
      ValType t = stack_[stack_.size() - depth_from_top].type;
      if (t != types[k] && t != kUnknown)
        return fail_invalid("type mismatch in block or branch operands");
    }
    return true;
  }
  void pop_types(const std::vector<ValType>& types) {
    for (size_t k = types.size(); k-- > 0;) pop(types[k]);
  }
  void push_types(const std::vector<ValType>& types) {
    for (ValType t : types) push(t);
  }
  // In unreachable code the stack may hold fewer entries than the types need; pad it with
  // unknowns so positions stay consistent.
  void pad_for(size_t n) {
    Ctrl& c = ctrls_.back();
    while (stack_.size() < c.height + n) {
      uint32_t s = pos_slot(stack_.size());
      stack_.insert(stack_.begin() + c.height, Operand{kUnknown, s, false});
    }
  }

  // ---- branches ----
  // Copy the top n entries to positions [base, base+n) (ascending order is overlap-safe:
  // each source sits at or above its destination, and deferred sources are locals).
  void copy_to(uint32_t base, size_t n) {
    size_t first = stack_.size() - n;
    for (size_t k = 0; k < n; ++k) {
      emit_move(pos_slot(base + k), stack_[first + k]);
    }
  }
  bool needs_copy(uint32_t base, size_t n) const {
    size_t first = stack_.size() - n;
    for (size_t k = 0; k < n; ++k) {
      if (stack_[first + k].slot != pos_slot(base + k)) return true;
    }
    return false;
  }
  // Word to jump to label `depth` (already copied). Returns false for the function label.
  void target_word(Ctrl& target) {
    if (!live()) return;
    if (target.kind == CtrlKind::Loop) {
      code_.push_back(rel(target.loop_pc, pc()));
    } else {
      target.fixups.push_back(pc());
      code_.push_back(0);
    }
  }
  void emit_return() {
    size_t n = type_.results.size();
    if (stack_.size() < n) return;  // unreachable code with a short stack: never executed
    if (n == 1) {
      const Operand& v = stack_.back();
      bool just_produced = !v.deferred && last_dst_pos_ != UINT32_MAX && live() &&
                           code_[last_dst_pos_] == v.slot;
      if (just_produced) {
        code_[last_dst_pos_] = 0;  // let the producer write the result slot directly
      } else if (v.is_const()) {
        emit_const(0, v.type, v.imm);
      } else if (v.slot != 0) {
        op(Op::ReturnFrom);
        word(v.slot);
        return;
      }
      op(Op::Return);
      return;
    }
    if (n > 1) materialize_range(stack_.size() - n, stack_.size());
    size_t first = stack_.size() - n;
    for (size_t k = 0; k < n; ++k) emit_move(static_cast<uint32_t>(k), stack_[first + k]);
    op(Op::Return);
  }
  // Unconditional branch to label `depth` with the label's values on top of the stack.
  void emit_br(uint32_t depth) {
    Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
    if (target.kind == CtrlKind::Func) {
      emit_return();
      return;
    }
    size_t n = target.label_types().size();
    if (stack_.size() >= n) copy_to(target.base, n);
    op(Op::Br);
    target_word(target);
  }

  void unreachable_rest() {
    Ctrl& c = ctrls_.back();
    stack_.resize(c.height);
    c.unreachable = true;
  }

  // ---- immediates ----
  bool read_block_type(std::vector<ValType>& params, std::vector<ValType>& results);
  bool read_label(uint32_t& depth) {
    depth = r_.u32();
    if (failed()) return false;
    if (depth >= ctrls_.size()) return fail_invalid("unknown label");
    return true;
  }
  bool read_memarg(uint32_t natural_align_log2, uint32_t& offset) {
    uint32_t align = r_.u32();
    offset = r_.u32();
    if (failed()) return false;
    if (m_.memories.empty()) return fail_invalid("unknown memory 0");
    if (align > natural_align_log2)
      return fail_invalid("alignment must not be larger than natural");
    return true;
  }
  bool zero_byte() {
    uint8_t b = r_.u8();
    if (r_.ok() && b != 0) {
      r_.fail("zero byte expected", r_.pos() - 1);
      return false;
    }
    return r_.ok();
  }
  // Segment indices are checked against the data count section, which must exist; a module
  // without one that names no existing segment is merely invalid (as the spec tests expect).
  bool data_segment(uint32_t seg) {
    uint64_t count = m_.data_count ? *m_.data_count : m_.datas.size();
    if (seg >= count) return fail_invalid("unknown data segment " + std::to_string(seg));
    if (!m_.data_count) {
      r_.fail("data count section required", instr_offset_);
      return false;
    }
    return true;
  }
  bool need_memory() {
    if (m_.memories.empty()) return fail_invalid("unknown memory 0");
    return true;
  }
  bool read_table(uint32_t& t) {
    t = r_.u32();
    if (failed()) return false;
    if (t >= m_.tables.size()) return fail_invalid("unknown table " + std::to_string(t));
    return true;
  }

  // ---- instruction groups ----
  bool instruction(uint8_t opcode);
  bool control(uint8_t opcode);
  bool prefixed_fc();
  bool load(Op o, ValType result, uint32_t align);
  bool store(Op o, ValType value, uint32_t align);
  bool unop(Op o, ValType in, ValType out) {
    Operand a = pop(in);
    uint32_t dst = push(out);
    op_dst(o, dst);
    word(a.slot);
    return true;
  }
  bool binop(Op o, ValType in, ValType out) {
    Operand b = pop_raw(in);
    size_t b_index = stack_.size();
    Operand a = pop(in);
    Op with_imm = imm_form(o);
    if (b.is_const() && with_imm != Op::Count) {
      uint32_t dst = push(out);
      op_dst(with_imm, dst);
      word(a.slot);
      word(static_cast<uint32_t>(b.imm));
      word(static_cast<uint32_t>(b.imm >> 32));
      return true;
    }
    if (b.is_const()) b = realize(b, b_index);
    uint32_t dst = push(out);
    op_dst(o, dst);
    word(a.slot);
    word(b.slot);
    return true;
  }
  bool begin_block(CtrlKind kind, uint32_t cond_slot, const PendingCompare& cmp = {});
  bool end_block();
  bool call(uint32_t func_index);

  const ModuleData& m_;
  const FunctionBody& body_;
  const FuncType& type_;
  Reader r_;
  const void* const* handlers_;
  std::vector<ValType> locals_;
  uint32_t local_slots_ = 0;
  std::vector<Operand> stack_;
  std::vector<Ctrl> ctrls_;
  std::vector<uint32_t> code_;
  uint32_t max_height_ = 0;
  uint32_t last_dst_pos_ = UINT32_MAX;  // code index of the dst word of the last result op
  Op last_op_ = Op::Count;              // the last instruction emitted, and where
  uint32_t last_op_pos_ = 0;
  uint32_t last_end_ = 0;
  uint64_t instr_offset_ = 0;
  std::optional<Error> error_;
};

bool FunctionCompiler::read_block_type(std::vector<ValType>& params,
                                       std::vector<ValType>& results) {
  int64_t bt = r_.s33();
  if (!r_.ok()) return false;
  if (bt == -64) return true;
  if (bt < 0) {
    uint8_t byte = static_cast<uint8_t>(bt & 0x7f);
    switch (byte) {
      case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x70: case 0x6F:
        results.push_back(static_cast<ValType>(byte));
        return true;
      default:
        r_.fail("malformed block type", instr_offset_ + 1);
        return false;
    }
  }
  if (static_cast<uint64_t>(bt) >= m_.types.size()) return fail_invalid("unknown type");
  const FuncType& ft = m_.types[static_cast<size_t>(bt)];
  params = ft.params;
  results = ft.results;
  return true;
}

bool FunctionCompiler::begin_block(CtrlKind kind, uint32_t cond_slot, const PendingCompare& cmp) {
  last_dst_pos_ = UINT32_MAX;  // no peephole may reach across a label
  Ctrl c{kind, {}, {}, 0, 0};
  if (!read_block_type(c.params, c.results)) return false;
  if (!check_top(c.params)) return false;
  size_t np = c.params.size();
  pad_for(np);
  // Joins need every value in its own slot on every incoming path.
  materialize_all();
  c.height = static_cast<uint32_t>(stack_.size() - np);
  c.base = c.height;
  if (kind == CtrlKind::Loop) {
    // Every iteration passes the header, so an endless loop can still be interrupted.
    c.loop_pc = pc();
    op(Op::LoopHeader);
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
  ctrls_.push_back(std::move(c));
  return true;
}

bool FunctionCompiler::end_block() {
  Ctrl& c = ctrls_.back();
  // An `if` without `else` passes its parameters through as results.
  if (c.kind == CtrlKind::If && c.params != c.results)
    return fail_invalid("type mismatch: if without else must have matching param and result types");
  if (!check_top(c.results)) return false;
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
  Ctrl done = std::move(ctrls_.back());
  ctrls_.pop_back();
  uint32_t here = pc();
  if (live()) {
    for (uint32_t f : done.fixups) code_[f] = rel(here, f);
    if (done.else_fixup != UINT32_MAX) code_[done.else_fixup] = rel(here, done.else_fixup);
  }
  stack_.resize(done.base);
  push_types(done.results);
  last_dst_pos_ = UINT32_MAX;
  return true;
}

bool FunctionCompiler::call(uint32_t func_index) {
  const FuncType& ft = m_.types[m_.func_types[func_index]];
  if (!check_top(ft.params)) return false;
  size_t n = ft.params.size();
  pad_for(n);
  materialize_range(stack_.size() - n, stack_.size());
  uint32_t arg_base = pos_slot(stack_.size() - n);
  stack_.resize(stack_.size() - n);
  push_types(ft.results);
  note_height(stack_.size() + 1);
  op(Op::Call);
  word(func_index);
  word(arg_base);
  return true;
}

bool FunctionCompiler::load(Op o, ValType result, uint32_t align) {
  uint32_t offset;
  if (!read_memarg(align, offset)) return false;
  Operand addr = pop(ValType::I32);
  uint32_t dst = push(result);
  op_dst(o, dst);
  word(addr.slot);
  word(offset);
  return true;
}

bool FunctionCompiler::store(Op o, ValType value, uint32_t align) {
  uint32_t offset;
  if (!read_memarg(align, offset)) return false;
  Operand v = pop_raw(value);
  Operand addr = pop(ValType::I32);
  if (v.is_const()) {
    // A constant value becomes an immediate (zeroing and flag stores are common).
    Op with_imm = o == Op::I32Store  ? Op::I32StoreImm
                  : o == Op::I64Store ? Op::I64StoreImm
                  : o == Op::Store8   ? Op::Store8Imm
                  : o == Op::Store16  ? Op::Store16Imm
                                      : Op::Store32Imm;
    op(with_imm);
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

bool FunctionCompiler::control(uint8_t opcode) {
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
      if (!check_top(c.results)) return false;
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
      const Ctrl& outer = ctrls_[ctrls_.size() - 2];
      bool outer_live = !outer.unreachable && !outer.dead;
      if (outer_live && c.else_fixup != UINT32_MAX) code_[c.else_fixup] = rel(pc(), c.else_fixup);
      c.else_fixup = UINT32_MAX;
      c.kind = CtrlKind::Else;
      c.height = c.base;
      c.unreachable = false;
      c.dead = !outer_live;
      stack_.resize(c.base);
      push_types(c.params);
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
      pad_for(target.label_types().size());
      emit_br(depth);
      unreachable_rest();
      return true;
    }
    case 0x0D: {  // br_if
      uint32_t depth;
      if (!read_label(depth)) return false;
      Operand cond = pop(ValType::I32);
      PendingCompare cmp = take_compare(cond);
      Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
      const std::vector<ValType> types = target.label_types();
      if (!check_top(types)) return false;
      pad_for(types.size());
      size_t n = types.size();
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
      pad_for(arity);
      materialize_range(stack_.size() - arity, stack_.size());
      op(Op::BrTable);
      word(index.slot);
      word(count);
      uint32_t table = pc();
      for (uint32_t k = 0; k <= count; ++k) word(0);
      if (live()) {
        // Each entry jumps straight to its label when no values need moving, else to a stub.
        for (uint32_t k = 0; k <= count; ++k) {
          Ctrl& t = ctrls_[ctrls_.size() - 1 - depths[k]];
          if (t.kind != CtrlKind::Func && !needs_copy(t.base, arity)) {
            if (t.kind == CtrlKind::Loop) {
              code_[table + k] = rel(t.loop_pc, table + k);
            } else {
              t.fixups.push_back(table + k);
            }
          } else {
            code_[table + k] = rel(pc(), table + k);
            emit_br(depths[k]);
          }
        }
      }
      unreachable_rest();
      return true;
    }
    case 0x0F: {  // return
      if (!check_top(type_.results)) return false;
      pad_for(type_.results.size());
      if (live()) emit_return();
      unreachable_rest();
      return true;
    }
    case 0x10: {  // call
      uint32_t f = r_.u32();
      if (failed()) return false;
      if (f >= m_.func_types.size()) return fail_invalid("unknown function " + std::to_string(f));
      return call(f);
    }
    case 0x11: {  // call_indirect
      uint32_t type_index = r_.u32();
      uint32_t table = r_.u32();
      if (failed()) return false;
      if (table >= m_.tables.size()) return fail_invalid("unknown table " + std::to_string(table));
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

bool FunctionCompiler::instruction(uint8_t opcode) {
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
    case 0x20: {  // local.get
      uint32_t x = r_.u32();
      if (failed()) return false;
      if (x >= locals_.size()) return fail_invalid("unknown local " + std::to_string(x));
      push_deferred(locals_[x], x);
      return true;
    }
    case 0x21:
    case 0x22: {  // local.set, local.tee
      uint32_t x = r_.u32();
      if (failed()) return false;
      if (x >= locals_.size()) return fail_invalid("unknown local " + std::to_string(x));
      bool tee = opcode == 0x22;
      Operand v = pop_raw(locals_[x]);
      if (v.is_const()) {
        if (tee) {
          stack_.push_back(v);
          note_height(stack_.size());
        }
        materialize_readers(x);
        emit_const(x, v.type, v.imm);
        last_dst_pos_ = UINT32_MAX;
        return true;
      }
      if (tee) {
        stack_.push_back(v);
        note_height(stack_.size());
      }
      // Peephole: retarget the instruction that just produced v to write the local directly.
      bool fresh = !v.deferred && last_dst_pos_ != UINT32_MAX && live() &&
                   code_[last_dst_pos_] == v.slot && v.slot == pos_slot(stack_.size() - (tee ? 1 : 0));
      materialize_readers(x);
      if (tee) v = stack_.back();
      if (fresh && last_dst_pos_ != UINT32_MAX) {
        code_[last_dst_pos_] = x;
        if (tee) stack_.back() = Operand{v.type, x, true};
      } else if (v.slot != x) {
        op(Op::Copy);
        word(x);
        word(v.slot);
      }
      last_dst_pos_ = UINT32_MAX;
      return true;
    }
    case 0x23: {  // global.get
      uint32_t g = r_.u32();
      if (failed()) return false;
      if (g >= m_.globals.size()) return fail_invalid("unknown global " + std::to_string(g));
      uint32_t dst = push(m_.globals[g].type.type);
      op_dst(Op::GlobalGet, dst);
      word(g);
      return true;
    }
    case 0x24: {  // global.set
      uint32_t g = r_.u32();
      if (failed()) return false;
      if (g >= m_.globals.size()) return fail_invalid("unknown global " + std::to_string(g));
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
    case 0x28: return load(Op::I32Load, ValType::I32, 2);
    case 0x29: return load(Op::I64Load, ValType::I64, 3);
    case 0x2A: return load(Op::I32Load, ValType::F32, 2);
    case 0x2B: return load(Op::I64Load, ValType::F64, 3);
    case 0x2C: return load(Op::I32Load8S, ValType::I32, 0);
    case 0x2D: return load(Op::I32Load8U, ValType::I32, 0);
    case 0x2E: return load(Op::I32Load16S, ValType::I32, 1);
    case 0x2F: return load(Op::I32Load16U, ValType::I32, 1);
    case 0x30: return load(Op::I64Load8S, ValType::I64, 0);
    case 0x31: return load(Op::I64Load8U, ValType::I64, 0);
    case 0x32: return load(Op::I64Load16S, ValType::I64, 1);
    case 0x33: return load(Op::I64Load16U, ValType::I64, 1);
    case 0x34: return load(Op::I64Load32S, ValType::I64, 2);
    case 0x35: return load(Op::I64Load32U, ValType::I64, 2);
    case 0x36: return store(Op::I32Store, ValType::I32, 2);
    case 0x37: return store(Op::I64Store, ValType::I64, 3);
    case 0x38: return store(Op::I32Store, ValType::F32, 2);
    case 0x39: return store(Op::I64Store, ValType::F64, 3);
    case 0x3A: return store(Op::Store8, ValType::I32, 0);
    case 0x3B: return store(Op::Store16, ValType::I32, 1);
    case 0x3C: return store(Op::Store8, ValType::I64, 0);
    case 0x3D: return store(Op::Store16, ValType::I64, 1);
    case 0x3E: return store(Op::Store32, ValType::I64, 2);
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
    case 0x41: {  // i32.const (constants stay unmaterialized until used)
      int32_t v = r_.s32();
      if (failed()) return false;
      push_const(ValType::I32, static_cast<uint32_t>(v));
      return true;
    }
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
      if (f >= m_.func_types.size()) return fail_invalid("unknown function " + std::to_string(f));
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
#define UNOP_TRAP UNOP
#define BINOP_TRAP BINOP
#include "execution/numeric_ops.def"
#undef UNOP
#undef BINOP
#undef UNOP_TRAP
#undef BINOP_TRAP
    default:
      break;
  }
  r_.fail("illegal opcode", instr_offset_);
  return false;
}

bool FunctionCompiler::prefixed_fc() {
  uint32_t sub = r_.u32();
  if (failed()) return false;
  switch (sub) {
    // Only the saturating truncations (0xFC00..0xFC07) share this switch.
    case 0: return unop(Op::I32TruncSatF32S, ValType::F32, ValType::I32);
    case 1: return unop(Op::I32TruncSatF32U, ValType::F32, ValType::I32);
    case 2: return unop(Op::I32TruncSatF64S, ValType::F64, ValType::I32);
    case 3: return unop(Op::I32TruncSatF64U, ValType::F64, ValType::I32);
    case 4: return unop(Op::I64TruncSatF32S, ValType::F32, ValType::I64);
    case 5: return unop(Op::I64TruncSatF32U, ValType::F32, ValType::I64);
    case 6: return unop(Op::I64TruncSatF64S, ValType::F64, ValType::I64);
    case 7: return unop(Op::I64TruncSatF64U, ValType::F64, ValType::I64);
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
      if (seg >= m_.elems.size()) return fail_invalid("unknown elem segment " + std::to_string(seg));
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
      if (seg >= m_.elems.size()) return fail_invalid("unknown elem segment " + std::to_string(seg));
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

Result<std::unique_ptr<CompiledFunc>> FunctionCompiler::run() {
  locals_ = type_.params;
  for (const LocalGroup& g : body_.locals) locals_.insert(locals_.end(), g.count, g.type);
  local_slots_ = static_cast<uint32_t>(locals_.size());
  ctrls_.push_back(Ctrl{CtrlKind::Func, {}, type_.results, 0, 0});
  code_.reserve((body_.body_end - body_.body_offset) * 2 + 8);

  while (!ctrls_.empty()) {
    instr_offset_ = r_.pos();
    if (r_.at_end()) {
      r_.fail("unexpected end of section or function");
      break;
    }
    uint8_t opcode = r_.u8();
    if (!instruction(opcode) || failed()) break;
  }
  if (!failed() && !r_.at_end()) r_.fail("END opcode expected: operators after the final end");
  if (!r_.ok()) return r_.take_error();
  if (error_) return std::move(*error_);

  auto f = std::make_unique<CompiledFunc>();
  f->code = std::move(code_);
  f->param_slots = static_cast<uint32_t>(type_.params.size());
  f->local_slots = local_slots_;
  f->result_count = static_cast<uint32_t>(type_.results.size());
  f->frame_slots = local_slots_ + max_height_ + 1;
  if (f->frame_slots < f->result_count) f->frame_slots = f->result_count;
  return f;
}

}  // namespace

Result<std::unique_ptr<CompiledFunc>> compile_function(const ModuleData& module,
                                                       uint32_t defined_index) {
  FunctionCompiler c(module, defined_index);
  return c.run();
}

Result<void> compile_module(ModuleData& module) {
  module.code.clear();
  module.code.reserve(module.bodies.size());
  static const bool dump = std::getenv("HM_DISASSEMBLE") != nullptr;
  for (uint32_t i = 0; i < module.bodies.size(); ++i) {
    auto f = compile_function(module, i);
    if (!f) {
      if (f.error().kind() == ErrorKind::Invalid) {
        if (auto syntax = scan_bodies_syntax(module); !syntax) return syntax;
      }
      return std::move(f).error();
    }
    if (dump) {
      std::fprintf(stderr, "func %u:\n%s", module.imported_funcs + i, disassemble(**f).c_str());
    }
    module.code.push_back(std::move(*f));
  }
  return {};
}

}  // namespace hailmary::detail
