// The single pass over a function body, templated on what it produces (see BodyMode).
// Internal to src/validation: function_compiler.cpp holds the control-flow half,
// function_compiler_ops.cpp the other instructions.
//
// A function body: the spec's validation algorithm
// (https://webassembly.github.io/spec/core/appendix/algorithm.html) drives a code emitter.
//
// Code generation model: every operand-stack position has a fixed frame slot
// (local_slots + depth), so instructions address their operands by slot. `local.get` is not
// copied eagerly: the stack entry stays "deferred", naming the local's slot directly, until
// something forces it into its own slot (a write to that local, a control-flow join, a call).
// This turns most wasm sequences into register-style three-address code.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "binary/reader.hpp"
#include "validation/function_compiler.hpp"

namespace hailmary::detail {

constexpr ValType kUnknown = static_cast<ValType>(0);  // the validator's bottom type

inline std::string type_name(ValType t) {
  return t == kUnknown ? std::string("any") : std::string(to_string(t));
}

constexpr uint32_t kConstSlot = UINT32_MAX;

struct Operand {
  Operand() = default;
  Operand(ValType t, uint32_t s, bool d, uint64_t i = 0) : imm(i), slot(s), type(t), deferred(d) {}
  // Ordered for a 16-byte entry.
  uint64_t imm = 0;
  uint32_t slot = 0;  // where the value is now (kConstSlot: nowhere yet, it is `imm`)
  ValType type = kUnknown;
  bool deferred = false;  // slot is a local (or a saved copy), not this entry's own position
  bool is_const() const { return slot == kConstSlot; }
};

// The operand stack: a raw buffer with its size and capacity, so that a push is a compare, a
// store and an increment inline (std::vector's push_back grows out of line and its size()
// divides).
class OperandStack {
 public:
  OperandStack() = default;
  OperandStack(OperandStack&& o) noexcept { *this = std::move(o); }
  OperandStack& operator=(OperandStack&& o) noexcept {
    buf_ = std::move(o.buf_);
    size_ = std::exchange(o.size_, 0);
    capacity_ = std::exchange(o.capacity_, 0);
    return *this;
  }

  size_t size() const { return size_; }
  Operand* data() { return buf_.get(); }
  Operand& operator[](size_t i) { return buf_[i]; }
  const Operand& operator[](size_t i) const { return buf_[i]; }
  Operand& back() { return buf_[size_ - 1]; }
  const Operand& back() const { return buf_[size_ - 1]; }
  [[gnu::always_inline]] void push_back(const Operand& o) {
    if (size_ == capacity_) [[unlikely]]
      grow();
    buf_[size_++] = o;
  }
  // A push that leaves the entry's other fields as they were.
  [[gnu::always_inline]] void push_type(ValType t) {
    if (size_ == capacity_) [[unlikely]]
      grow();
    buf_[size_++].type = t;
  }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }
  void resize(size_t n) {
    while (size_ < n) push_back(Operand{});
    size_ = n;
  }
  void insert(size_t i, const Operand& o) {
    push_back(o);
    Operand* p = buf_.get();
    std::copy_backward(p + i, p + size_ - 1, p + size_);
    buf_[i] = o;
  }

 private:
  [[gnu::noinline]] void grow() {
    const size_t capacity = std::max<size_t>(64, capacity_ * 2);
    auto buf = std::make_unique_for_overwrite<Operand[]>(capacity);
    std::copy(buf_.get(), buf_.get() + size_, buf.get());
    buf_ = std::move(buf);
    capacity_ = capacity;
  }
  std::unique_ptr<Operand[]> buf_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// The compare that branches when `op` does not (for `if`, which branches on false).
inline Op negate_compare(Op op) {
  switch (op) {
#define HM_NEG(T, a, b)   \
  case Op::T##a:          \
    return Op::T##b;      \
  case Op::T##b:          \
    return Op::T##a;      \
  case Op::T##a##Imm:     \
    return Op::T##b##Imm; \
  case Op::T##b##Imm:     \
    return Op::T##a##Imm;
    HM_NEG(I32, Eq, Ne)
    HM_NEG(I32, LtS, GeS)
    HM_NEG(I32, LtU, GeU)
    HM_NEG(I32, GtS, LeS)
    HM_NEG(I32, GtU, LeU)
    HM_NEG(I64, Eq, Ne)
    HM_NEG(I64, LtS, GeS)
    HM_NEG(I64, LtU, GeU)
    HM_NEG(I64, GtS, LeS)
    HM_NEG(I64, GtU, LeU)
#undef HM_NEG
    default:
      return Op::Count;
  }
}

/// The fused compare-and-branch for a compare op, or Op::Count if it has none.
inline Op fused_branch(Op op) {
  switch (op) {
#define HM_X(T, name)         \
  case Op::T##name:           \
    return Op::BrIf##T##name; \
  case Op::T##name##Imm:      \
    return Op::BrIf##T##name##Imm;
    HM_FUSED_CMPS(HM_X)
#undef HM_X
    default:
      return Op::Count;
  }
}

/// The compare-and-branch with the add before it fused in (Op::BrIfI32LtSAdd), for a
/// compare of two slots, or Op::Count.
inline Op fused_add_branch(Op cmp) {
  switch (cmp) {
#define HM_X(T, name) \
  case Op::T##name:   \
    return Op::BrIf##T##name##Add;
    HM_FUSED_CMPS(HM_X)
#undef HM_X
    default:
      return Op::Count;
  }
}

/// The compare with its operands swapped (a < b is b > a), or Op::Count.
inline Op swapped_compare(Op cmp) {
  switch (cmp) {
#define HM_SWAP(T)     \
  case Op::T##Eq:      \
    return Op::T##Eq;  \
  case Op::T##Ne:      \
    return Op::T##Ne;  \
  case Op::T##LtS:     \
    return Op::T##GtS; \
  case Op::T##LtU:     \
    return Op::T##GtU; \
  case Op::T##GtS:     \
    return Op::T##LtS; \
  case Op::T##GtU:     \
    return Op::T##LtU; \
  case Op::T##LeS:     \
    return Op::T##GeS; \
  case Op::T##LeU:     \
    return Op::T##GeU; \
  case Op::T##GeS:     \
    return Op::T##LeS; \
  case Op::T##GeU:     \
    return Op::T##LeU;
    HM_SWAP(I32)
    HM_SWAP(I64)
#undef HM_SWAP
    default:
      return Op::Count;
  }
}

/// Whether `x op 0` is x.
inline bool zero_is_identity(Op op) {
  switch (op) {
    case Op::I32Add:
    case Op::I32Sub:
    case Op::I32Or:
    case Op::I32Xor:
    case Op::I32Shl:
    case Op::I32ShrU:
    case Op::I32ShrS:
    case Op::I64Add:
    case Op::I64Sub:
    case Op::I64Or:
    case Op::I64Xor:
    case Op::I64Shl:
    case Op::I64ShrU:
    case Op::I64ShrS:
      return true;
    default:
      return false;
  }
}

/// The variant of a branch op for a backward branch to a loop (which checks for an interrupt
/// when taken), or Op::Count.
inline Op loop_variant(Op op) {
  switch (op) {
    case Op::Br:
      return Op::BrLoop;
    case Op::BrIf:
      return Op::BrIfLoop;
    case Op::BrUnless:
      return Op::BrUnlessLoop;
    case Op::BrIfAddImm:
      return Op::BrIfAddImmLoop;
    case Op::BrUnlessAddImm:
      return Op::BrUnlessAddImmLoop;
    case Op::BrIfAddImmNe:
      return Op::BrIfAddImmNeLoop;
    case Op::BrIfAddImmNeImm:
      return Op::BrIfAddImmNeImmLoop;
    case Op::BrIfLoad8U:
      return Op::BrIfLoad8ULoop;
    case Op::BrUnlessLoad8U:
      return Op::BrUnlessLoad8ULoop;
    case Op::BrIfLoad8UAddImm:
      return Op::BrIfLoad8UAddImmLoop;
    case Op::BrUnlessLoad8UAddImm:
      return Op::BrUnlessLoad8UAddImmLoop;
    case Op::BrIfLoad8UEqImm:
      return Op::BrIfLoad8UEqImmLoop;
    case Op::BrIfLoad8UNeImm:
      return Op::BrIfLoad8UNeImmLoop;
    case Op::BrIfAndImm:
      return Op::BrIfAndImmLoop;
    case Op::BrUnlessAndImm:
      return Op::BrUnlessAndImmLoop;
    case Op::BrIfI32EqAndImmLean:
    case Op::BrIfI32EqAndImm:
      return Op::BrIfI32EqAndImmLoop;
    case Op::BrIfI32NeAndImm:
    case Op::BrIfI32NeAndImmLean:  // (the loop form writes t, a temporary: harmless)
      return Op::BrIfI32NeAndImmLoop;
    case Op::BrIfI64AddImmNe:
      return Op::BrIfI64AddImmNeLoop;
    case Op::BrIfI64AddImmNeImm:
      return Op::BrIfI64AddImmNeImmLoop;
#define HM_X(T, name)          \
  case Op::BrIf##T##name##Add: \
    return Op::BrIf##T##name##AddLoop;
      HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(T, name)               \
  case Op::BrIf##T##name:           \
    return Op::BrIf##T##name##Loop; \
  case Op::BrIf##T##name##Imm:      \
    return Op::BrIf##T##name##ImmLoop;
      HM_FUSED_CMPS(HM_X)
#undef HM_X
    default:
      return Op::Count;
  }
}

/// The load with its address addition fused in (see Op::I32LoadAdd; `lean`: the form that
/// does not write the sum), or Op::Count.
inline Op load_with_add(Op load, Op add, bool lean) {
  switch (load) {
#define HM_X(name, T, Out)                                                           \
  case Op::name:                                                                     \
    return add == Op::I32Add      ? (lean ? Op::name##AddLean : Op::name##Add)       \
           : add == Op::I32AddImm ? (lean ? Op::name##AddImmLean : Op::name##AddImm) \
                                  : (lean ? Op::name##ShlAddLean : Op::name##ShlAdd);
    HM_LOADS(HM_X)
#undef HM_X
    default:
      return Op::Count;
  }
}

/// The form of a load or store at a constant address (see Op::I32LoadAbs), or Op::Count.
inline Op absolute_form(Op access) {
  switch (access) {
#define HM_X(name, T, Out) \
  case Op::name:           \
    return Op::name##Abs;
    HM_LOADS(HM_X)
#undef HM_X
#define HM_X(name, T)     \
  case Op::name:          \
    return Op::name##Abs; \
  case Op::name##Imm:     \
    return Op::name##ImmAbs;
    HM_STORES(HM_X)
#undef HM_X
    default:
      return Op::Count;
  }
}

/// Binary operators that have an immediate form.
inline Op imm_form(Op op) {
  switch (op) {
#define BINOP(name, code, in, out) \
  case Op::name:                   \
    return Op::name##Imm;
#define UNOP_TRAP(name, code, in, out)
#define BINOP_TRAP(name, code, in, out)
#include "execution/numeric_ops.def"
    default:
      return Op::Count;
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

// A block's parameter or result types: a view of a function type's, or the single type of
// `block (result t)` held inline, so that entering a block allocates nothing. The view is
// taken on demand since the inline type moves with its Ctrl.
class TypeList {
 public:
  TypeList() = default;
  explicit TypeList(std::span<const ValType> types)
      : data_(types.data()), size_(static_cast<uint32_t>(types.size())) {}
  explicit TypeList(ValType one) : size_(1), one_(one) {}
  std::span<const ValType> span() const { return {data_ ? data_ : &one_, size_}; }
  size_t size() const { return size_; }

 private:
  const ValType* data_ = nullptr;  // nullptr: the list is `one_` (or empty)
  uint32_t size_ = 0;
  ValType one_ = kUnknown;
};

// A control frame but its fixups: what entering a block resets.
struct CtrlFrame {
  CtrlKind kind = CtrlKind::Func;
  TypeList params;
  TypeList results;
  uint32_t height = 0;       // validation height: entries below belong to enclosing blocks
  uint32_t base = 0;         // stack position where the label's values go (== height, except in
                             // the then-arm of an `if` with parameters, see begin_if)
  bool unreachable = false;  // validation: the stack is polymorphic after br/return/...
  bool dead = false;         // emission: an enclosing block is unreachable, emit nothing
  uint32_t loop_pc = 0;
  uint32_t else_fixup = UINT32_MAX;  // BrUnless target of an `if`, patched at else/end
  // Definite assignment (see FunctionCompiler::assigned_): the set at entry, and the
  // intersection of the sets on every path reaching the label (all ones: none yet).
  uint64_t assigned_at_entry = 0;
  uint64_t assigned_at_label = ~uint64_t{0};

  std::span<const ValType> label_types() const {
    return kind == CtrlKind::Loop ? params.span() : results.span();
  }
};

struct Ctrl : CtrlFrame {
  std::vector<uint32_t> fixups;  // forward branch words to patch at `end`
};

// The control stack. Entries are built in place and never destroyed on pop, so entering a
// block moves and frees nothing, and a popped entry stays readable until the next push.
class CtrlStack {
 public:
  CtrlStack() = default;
  CtrlStack(CtrlStack&& o) noexcept { *this = std::move(o); }
  CtrlStack& operator=(CtrlStack&& o) noexcept {
    const size_t n = o.size();
    buf_ = std::move(o.buf_);
    end_ = buf_.data() + n;
    o.end_ = o.buf_.data();
    return *this;
  }

  bool empty() const { return end_ == buf_.data(); }
  size_t size() const { return static_cast<size_t>(end_ - buf_.data()); }
  Ctrl& back() { return end_[-1]; }
  const Ctrl& back() const { return end_[-1]; }
  Ctrl& operator[](size_t i) { return buf_[i]; }
  const Ctrl& operator[](size_t i) const { return buf_[i]; }
  // The entry push() will make the top, reset to a fresh frame of `kind`: fill it in, then
  // push() (or drop it by not pushing).
  Ctrl& prepare(CtrlKind kind) {
    if (end_ == buf_.data() + buf_.size()) [[unlikely]]
      grow();
    static_cast<CtrlFrame&>(*end_) = CtrlFrame{kind};
    end_->fixups.clear();
    return *end_;
  }
  void push() { ++end_; }
  void pop_back() { --end_; }
  void clear() { end_ = buf_.data(); }

 private:
  [[gnu::noinline]] void grow() {
    const size_t n = size();
    buf_.resize(std::max<size_t>(16, buf_.size() * 2));
    end_ = buf_.data() + n;
  }
  std::vector<Ctrl> buf_;
  Ctrl* end_ = nullptr;
};

// The loads and stores (0x28-0x3E), as switch cases: run() dispatches them itself and
// instruction() for everyone else; a case list (not a range test) keeps both jump tables.
#define HM_MEMORY_ACCESS_CASES \
  case 0x28:                   \
  case 0x29:                   \
  case 0x2A:                   \
  case 0x2B:                   \
  case 0x2C:                   \
  case 0x2D:                   \
  case 0x2E:                   \
  case 0x2F:                   \
  case 0x30:                   \
  case 0x31:                   \
  case 0x32:                   \
  case 0x33:                   \
  case 0x34:                   \
  case 0x35:                   \
  case 0x36:                   \
  case 0x37:                   \
  case 0x38:                   \
  case 0x39:                   \
  case 0x3A:                   \
  case 0x3B:                   \
  case 0x3C:                   \
  case 0x3D:                   \
  case 0x3E:

// The buffers a body pass grows, kept from one body to the next (see validate_function), so
// that a pass over a small function allocates and zeroes nothing.
struct BodyScratch {
  std::vector<ValType> locals;
  OperandStack stack;
  CtrlStack ctrls;
};

/// What a body pass produces: executable code, or nothing (a pure validator for tests and
/// fuzzing). Both run the same validation code; only emission is compiled out.
enum class BodyMode : bool { Validate, Compile };

template <BodyMode kMode>
class FunctionCompiler {
 public:
  FunctionCompiler(const ModuleData& m, uint32_t defined_index, BodyScratch* scratch = nullptr)
      : m_(m),
        body_(m.bodies[defined_index]),
        type_(m.types[m.func_types[m.imported_funcs + defined_index]]),
        r_(m.bytes, body_.body_offset, body_.body_end),
        handlers_(kMode == BodyMode::Compile ? handler_addresses() : nullptr),
        scratch_(scratch) {
    if (scratch_) {
      locals_ = std::move(scratch_->locals);
      stack_ = std::move(scratch_->stack);
      stack_.clear();
      ctrls_ = std::move(scratch_->ctrls);
      ctrls_.clear();
    }
  }
  ~FunctionCompiler() {
    if (scratch_) {
      scratch_->locals = std::move(locals_);
      scratch_->stack = std::move(stack_);
      scratch_->ctrls = std::move(ctrls_);
    }
  }
  FunctionCompiler(const FunctionCompiler&) = delete;
  FunctionCompiler& operator=(const FunctionCompiler&) = delete;

  Result<std::unique_ptr<CompiledFunc>> run();

 private:
  // ---- errors ----
  // Out of line and cold, so that the string building stays out of the hot paths.
  [[gnu::noinline, gnu::cold]] bool fail_invalid(std::string msg) {
    if (!error_) error_ = Error(ErrorKind::Invalid, std::move(msg), instr_offset_);
    return false;
  }
  [[gnu::noinline, gnu::cold]] bool fail_invalid(const char* msg) {
    return fail_invalid(std::string(msg));
  }
  // "<what> <index>", e.g. "unknown local 7".
  [[gnu::noinline, gnu::cold]] bool fail_unknown(const char* what, uint64_t index) {
    return fail_invalid(what + std::to_string(index));
  }
  [[gnu::noinline, gnu::cold]] void fail_mismatch(ValType expect, ValType got) {
    fail_invalid("type mismatch: expected " + type_name(expect) + ", got " + type_name(got));
  }
  // Two different types, unless one is unknown (unreachable code, or a pop of any type).
  [[gnu::noinline]] void check_mismatch(ValType expect, ValType got) {
    if (got != kUnknown && expect != kUnknown) fail_mismatch(expect, got);
  }
  bool failed() const { return error_.has_value() || !r_.ok(); }

  // ---- emission ----
  bool live() const {
    return kMode == BodyMode::Compile && !ctrls_.back().unreachable && !ctrls_.back().dead;
  }
  void op(Op o) {
    if (!live()) return;
    insts_.push_back({pc(), o});
    prev_op_ = last_op_;
    prev_op_pos_ = last_op_pos_;
    last_op_ = o;
    last_op_pos_ = pc();
    uint32_t h[kHandlerWords];
    std::memcpy(h, &handlers_[static_cast<size_t>(o)], sizeof h);
    code_.insert(code_.end(), h, h + kHandlerWords);
    last_dst_pos_ = UINT32_MAX;
  }
  void set_handler(uint32_t pos, Op o) {
    write_handler(code_, pos, o);
    if (!insts_.empty() && insts_.back().pos == pos) insts_.back().op = o;
  }
  // Makes the instruction at `pos` in `code` an `o` (its operand words stay).
  void write_handler(std::vector<uint32_t>& code, uint32_t pos, Op o) const {
    std::memcpy(&code[pos], &handlers_[static_cast<size_t>(o)], kHandlerWords * sizeof(uint32_t));
  }
  // The I32LoadShrUAndAddLean at `fetch` loads the value that the BrTableLookupLean at `lookup`
  // switches on (the load's dst is the lookup's index, the a of its I32AndShlImm): the two can
  // be one FetchDispatchLean[Loop].
  bool fetch_feeds_lookup(uint32_t fetch, uint32_t lookup) const {
    return code_[fetch + kHandlerWords] == code_[lookup + kHandlerWords + 1];
  }
  // A branch target is being placed at the current position: no instruction emitted from
  // here on may be fused with the one before it.
  void bind_label() { label_pc_ = pc(); }
  // Whether the last instruction emitted is `o`, ends at pc() with `operands` words after
  // its handler, writes `slot` (its operand word `dst_word`), and no label sits between it
  // and pc(): then the next instruction may absorb it.
  // An operand-stack slot (not a local): each value in one is read once, by the instruction
  // that pops it, so a fused instruction need not write one that its next part consumes.
  bool temporary(uint32_t slot) const { return slot >= local_slots_; }
  bool last_is(Op o, uint32_t operands, uint32_t slot, uint32_t dst_word = 0) const {
    return last_ends_here(o, operands) && code_[last_op_pos_ + kHandlerWords + dst_word] == slot;
  }
  // The same, whatever the last instruction writes.
  bool last_ends_here(Op o, uint32_t operands) const {
    return live() && last_op_ == o && last_op_pos_ + kHandlerWords + operands == pc() &&
           label_pc_ != pc();
  }
  // Turn the last instruction into `fused`, whose further operand words follow.
  void fuse_last(Op fused) {
    set_handler(last_op_pos_, fused);
    last_op_ = fused;
  }
  // fuse_last, then `words`, the first of them the slot the fused instruction writes last.
  void fuse_last(Op fused, std::initializer_list<uint32_t> words) {
    fuse_last(fused);
    last_dst_pos_ = pc();
    code_.insert(code_.end(), words);
  }
  // Instruction n-k (k >= 2) is `o` with `operands` words and ends where the next one starts,
  // with no label after its start.
  bool chained(size_t k, Op o, uint32_t operands) const {
    const size_t n = insts_.size();
    return n >= k && insts_[n - k].op == o &&
           insts_[n - k].pos + kHandlerWords + operands == insts_[n - k + 1].pos &&
           (label_pc_ == UINT32_MAX || label_pc_ <= insts_[n - k].pos);
  }
  // The instruction before the last one is `o` (with `operands` words), chained to it, and its
  // result (first operand word) is the last one's operand word `word`.
  bool previous_feeds_last(Op o, uint32_t operands, uint32_t word) const {
    return !insts_.empty() && insts_.back().pos == last_op_pos_ && chained(2, o, operands) &&
           code_[insts_[insts_.size() - 2].pos + kHandlerWords] ==
               code_[last_op_pos_ + kHandlerWords + word];
  }
  // The last `len` instructions become one, `fused`, where the first of them starts (operand
  // words stay where they were; the inner handler words go unused).
  void merge_last(size_t len, Op fused) {
    const size_t n = insts_.size();
    const uint32_t b = insts_[n - len].pos;
    set_handler(b, fused);
    insts_.resize(n - len + 1);
    insts_.back().op = fused;
    last_op_ = fused;
    last_op_pos_ = b;
    prev_op_ = Op::Count;
  }
  // The BrTableAddImm just emitted absorbs the instructions that computed its index when they
  // are one of the common switch idioms (operand words stay where they were; the inner
  // handler words go unused).
  void fuse_table_lookup() {
    const size_t n = insts_.size();
    if (!live() || n < 2) return;
    // Whether the words at these offsets from `b` all name operand-stack temporaries.
    auto temps = [&](uint32_t b, std::initializer_list<uint32_t> words) {
      for (uint32_t w : words)
        if (!temporary(code_[b + w])) return false;
      return true;
    };
    // A byte loaded and switched on (a type tag), maybe masked first.
    if (chained(2, Op::I32Load8U, 3) &&
        code_[insts_[n - 2].pos + 2] == code_[insts_[n - 1].pos + 3]) {
      const bool lean = temps(insts_[n - 2].pos, {2, 7});
      merge_last(2, lean ? Op::BrTableLoad8ULean : Op::BrTableLoad8U);
      return;
    }
    if (chained(3, Op::I32Load8U, 3) && chained(2, Op::I32AndImm, 4) &&
        code_[insts_[n - 3].pos + 2] == code_[insts_[n - 2].pos + 3] &&
        code_[insts_[n - 2].pos + 2] == code_[insts_[n - 1].pos + 3]) {
      const bool lean = temps(insts_[n - 3].pos, {2, 7, 13});
      merge_last(3, lean ? Op::BrTableLoad8UAndLean : Op::BrTableLoad8UAnd);
      return;
    }
    // A switch on a masked field (a type tag's variant bits), its intermediates temporaries.
    if (chained(2, Op::I32AndImm, 4) &&
        code_[insts_[n - 2].pos + 2] == code_[insts_[n - 1].pos + 3] &&
        temps(insts_[n - 2].pos, {2, 8})) {
      merge_last(2, Op::BrTableAndImmLean);
      return;
    }
    // A switch on a value looked up in a table, clang's sparse switch.
    if (chained(3, Op::I32AndShlImm, 7) &&
        (chained(2, Op::I32LoadAddImm, 6) || chained(2, Op::I32LoadAddImmLean, 6))) {
      const uint32_t b = insts_[n - 3].pos;
      if (code_[b + 12] == code_[b + 6] && code_[b + 20] == code_[b + 15]) {
        const bool lean = temps(b, {2, 6, 11, 15, 19});
        merge_last(3, lean ? Op::BrTableLookupLean : Op::BrTableLookup);
        // On a value fetched just before (not at a loop's head: no label between).
        if (lean && chained(2, Op::I32LoadShrUAndAddLean, 14) &&
            fetch_feeds_lookup(insts_[n - 4].pos, b))
          merge_last(2, Op::FetchDispatchLean);
      }
    }
  }
  // Emits `single` (dst, x), or extends the run of up to four of them that the last
  // instruction is into the next op of its run (Copy..Copy4, Const32..Const32x4: adjacent in
  // Op): one instruction, the parts still done in order.
  void emit_pair_run(Op single, uint32_t dst, uint32_t x) {
    const auto first = static_cast<uint32_t>(single);
    const auto last = static_cast<uint32_t>(last_op_);
    if (last >= first && last < first + 3 && last_ends_here(last_op_, 2 * (last - first + 1))) {
      fuse_last(static_cast<Op>(last + 1));
      code_.push_back(dst);
      code_.push_back(x);
      last_dst_pos_ = UINT32_MAX;
      return;
    }
    op(single);
    word(dst);
    word(x);
  }
  void emit_const(uint32_t dst, ValType t, uint64_t v) {
    if (t == ValType::I32 || t == ValType::F32) {
      emit_pair_run(Op::Const32, dst, static_cast<uint32_t>(v));
    } else {
      op(Op::Const64);
      word(dst);
      word(static_cast<uint32_t>(v));
      word(static_cast<uint32_t>(v >> 32));
    }
  }
  void emit_copy(uint32_t dst, uint32_t src) { emit_pair_run(Op::Copy, dst, src); }
  // Put operand `o`'s value into `dst`.
  void emit_move(uint32_t dst, const Operand& o) {
    if (o.is_const()) {
      emit_const(dst, o.type, o.imm);
    } else if (o.slot != dst) {
      emit_copy(dst, o.slot);
    }
  }
  // If the instruction just emitted is a compare producing `cond`, take it back out of the
  // code so the branch can test the operands itself.
  PendingCompare take_compare(const Operand& cond) {
    PendingCompare p;
    if (!live() || cond.deferred || last_dst_pos_ == UINT32_MAX ||
        last_dst_pos_ != last_op_pos_ + kHandlerWords || code_[last_dst_pos_] != cond.slot)
      return p;
    const uint32_t operands = last_op_pos_ + kHandlerWords;  // dst, a, b_or_imm_lo, imm_hi
    if (last_op_ == Op::I32Eqz || last_op_ == Op::I64Eqz) {
      // eqz is a compare with zero (a BrUnless for i32).
      p.op = last_op_ == Op::I32Eqz ? Op::I32EqImm : Op::I64EqImm;
      p.a = code_[operands + 1];
      p.has_imm = true;
    } else {
      Op fused = fused_branch(last_op_);
      if (fused == Op::Count) return p;
      p.op = last_op_;
      p.a = code_[operands + 1];
      p.b_or_imm_lo = code_[operands + 2];
      p.has_imm = fused_branch(last_op_) != Op::Count && imm_form(last_op_) == Op::Count;
      if (p.has_imm) p.imm_hi = code_[operands + 3];
    }
    code_.resize(last_op_pos_);
    while (!insts_.empty() && insts_.back().pos >= pc()) insts_.pop_back();
    last_dst_pos_ = UINT32_MAX;
    // The instruction before the compare is the last one again (the branch may absorb it).
    last_op_ = prev_op_;
    last_op_pos_ = prev_op_pos_;
    prev_op_ = Op::Count;
    return p;
  }
  // Emit "branch if (cmp) is `when`" (target word to follow), from a taken-back compare or a
  // plain condition slot.
  void emit_cond_branch(const PendingCompare& p, uint32_t cond_slot, bool when) {
    if (p.op == Op::Count && last_is(Op::I32AddImm, 4, cond_slot)) {
      // The condition was just computed as a + imm (a count-down loop): one instruction.
      fuse_last(when ? Op::BrIfAddImm : Op::BrUnlessAddImm);
      return;
    }
    if (p.op == Op::Count && last_is(Op::I32AndImm, 4, cond_slot)) {
      // A flag test, x & mask: one instruction.
      fuse_last(when ? Op::BrIfAndImm : Op::BrUnlessAndImm);
      return;
    }
    if (p.op == Op::Count &&
        (last_is(Op::I32Load8U, 3, cond_slot) || last_is(Op::I32Load8UAddImm, 6, cond_slot, 4) ||
         last_is(Op::I32Load8UAddImmLean, 6, cond_slot, 4))) {
      // A byte flag loaded and tested: one instruction.
      const bool add = last_op_ != Op::I32Load8U;
      fuse_last(add ? (when ? Op::BrIfLoad8UAddImm : Op::BrUnlessLoad8UAddImm)
                    : (when ? Op::BrIfLoad8U : Op::BrUnlessLoad8U));
      return;
    }
    if (p.op == Op::Count && live() && last_op_ == Op::Const32 &&
        last_is(Op::Const32, 2, code_[last_op_pos_ + kHandlerWords])) {
      // A constant set just before (a flag reset at the top of an interpreter's dispatch).
      fuse_last(when ? Op::BrIfConst32 : Op::BrUnlessConst32);
      code_.push_back(cond_slot);
      last_dst_pos_ = UINT32_MAX;
      return;
    }
    if (p.op == Op::Count) {
      op(when ? Op::BrIf : Op::BrUnless);
      word(cond_slot);
      return;
    }
    Op cmp = when ? p.op : negate_compare(p.op);
    if ((cmp == Op::I32EqImm || cmp == Op::I32NeImm) && p.b_or_imm_lo == 0) {
      emit_cond_branch(PendingCompare{}, p.a, cmp == Op::I32NeImm);  // a plain (un)less
      return;
    }
    if ((cmp == Op::I32EqImm || cmp == Op::I32NeImm) && last_is(Op::I32Load8U, 3, p.a)) {
      // A byte (a type tag) loaded and compared with a constant: one instruction.
      fuse_last(cmp == Op::I32EqImm ? Op::BrIfLoad8UEqImm : Op::BrIfLoad8UNeImm);
      code_.push_back(p.b_or_imm_lo);
      return;
    }
    if ((cmp == Op::I32Ne || cmp == Op::I32NeImm) && last_is(Op::I32AddImm, 4, p.a)) {
      // A counted loop's step and test, i += k; i != n: one instruction.
      fuse_last(cmp == Op::I32Ne ? Op::BrIfAddImmNe : Op::BrIfAddImmNeImm);
      code_.push_back(p.b_or_imm_lo);
      if (cmp == Op::I32NeImm) code_.push_back(p.imm_hi);
      return;
    }
    if ((cmp == Op::I64Ne || cmp == Op::I64NeImm) && last_is(Op::I64AddImm, 4, p.a)) {
      // The same for a 64-bit induction variable.
      fuse_last(cmp == Op::I64Ne ? Op::BrIfI64AddImmNe : Op::BrIfI64AddImmNeImm);
      code_.push_back(p.b_or_imm_lo);
      if (cmp == Op::I64NeImm) code_.push_back(p.imm_hi);
      return;
    }
    if (!p.has_imm && live()) {
      // One side was just computed as x + y (a loop's step): one instruction.
      // (The fused forms are ordered as HM_FUSED_CMPS: the I32 ones first.)
      const Op fused = fused_add_branch(cmp);
      const Op add = fused >= Op::BrIfI64EqAdd && fused != Op::Count ? Op::I64Add : Op::I32Add;
      for (int k = 0; k < 2; ++k) {
        const Op c = k == 0 ? cmp : swapped_compare(cmp);
        const uint32_t sum = k == 0 ? p.a : p.b_or_imm_lo, other = k == 0 ? p.b_or_imm_lo : p.a;
        if (fused_add_branch(c) == Op::Count || !last_is(add, 3, sum)) continue;
        fuse_last(fused_add_branch(c));
        code_.push_back(other);
        return;
      }
    }
    if (cmp == Op::I32Eq || cmp == Op::I32Ne) {
      // One side was just computed as x & mask (a byte or field compared): one instruction.
      for (int k = 0; k < 2; ++k) {
        const uint32_t x = k == 0 ? p.b_or_imm_lo : p.a, other = k == 0 ? p.a : p.b_or_imm_lo;
        if (!last_is(Op::I32AndImm, 4, x)) continue;
        // (The Lean forms, for a temporary x, do not write it; a back edge to a loop uses the
        // writing loop form.)
        const bool lean = temporary(x) && other != x;
        fuse_last(cmp == Op::I32Eq ? (lean ? Op::BrIfI32EqAndImmLean : Op::BrIfI32EqAndImm)
                                   : (lean ? Op::BrIfI32NeAndImmLean : Op::BrIfI32NeAndImm));
        code_.push_back(other);
        return;
      }
    }
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
  // In Validate mode only the types on the stack matter: slots, frame height and constant
  // realization are emission's, and are compiled out. A push there writes the type alone, so
  // an entry's other fields are stale; whatever the validator does with them only emits.
  static constexpr bool kEmit = kMode == BodyMode::Compile;
  uint32_t pos_slot(size_t depth) const { return local_slots_ + static_cast<uint32_t>(depth); }
  void note_height(size_t h) {
    if constexpr (kEmit) {
      if (h > max_height_) max_height_ = static_cast<uint32_t>(h);
    }
  }
  [[gnu::always_inline]] uint32_t push(ValType t) {
    if constexpr (!kEmit) {
      stack_.push_type(t);
      return 0;
    }
    uint32_t s = pos_slot(stack_.size());
    stack_.push_back({t, s, false});
    note_height(stack_.size());
    return s;
  }
  void push_const(ValType t, uint64_t v) {
    if constexpr (!kEmit) return stack_.push_type(t);
    stack_.push_back({t, kConstSlot, true, v});
    note_height(stack_.size());
  }
  void push_deferred(ValType t, uint32_t slot) {
    if constexpr (!kEmit) return stack_.push_type(t);
    stack_.push_back({t, slot, true});
    note_height(stack_.size());
  }
  // Pop, giving constants a slot (most consumers address operands by slot).
  Operand pop() {
    Operand o = pop_raw();
    if constexpr (kEmit) {
      if (o.is_const()) o = realize(o, stack_.size());
    }
    return o;
  }
  [[gnu::always_inline]] Operand pop(ValType expect) {
    Operand o = pop_raw(expect);
    if constexpr (kEmit) {
      if (o.is_const()) o = realize(o, stack_.size());
    }
    return o;
  }
  // A constant that was at stack index `index` gets written to that position.
  Operand realize(const Operand& o, size_t index) {
    uint32_t dst = pos_slot(index);
    emit_const(dst, o.type, o.imm);
    return Operand{o.type, dst, false};
  }
  [[gnu::always_inline]] Operand pop_raw() {
    if (stack_.size() == ctrls_.back().height) [[unlikely]]
      return pop_empty();
    Operand o = stack_.back();
    stack_.pop_back();
    return o;
  }
  [[gnu::noinline]] Operand pop_empty() {
    if (!ctrls_.back().unreachable) fail_invalid("type mismatch: operand stack underflow");
    note_height(stack_.size() + 1);
    return {kUnknown, pos_slot(stack_.size()), false};
  }
  [[gnu::always_inline]] Operand pop_raw(ValType expect) {
    Operand o = pop_raw();
    if (o.type != expect) [[unlikely]]
      check_mismatch(expect, o.type);
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
    if constexpr (kEmit) {
      for (size_t i = from; i < to; ++i) materialize(i);
    }
  }
  void materialize_all() { materialize_range(0, stack_.size()); }
  // A write to `slot` is coming: entries still reading it must take their copy first.
  void materialize_readers(uint32_t slot) {
    if constexpr (kEmit) {
      for (size_t i = 0; i < stack_.size(); ++i) {
        if (stack_[i].deferred && stack_[i].slot == slot) materialize(i);
      }
    }
  }
  // Checks the top |types| entries against `types` without popping.
  bool check_top(std::span<const ValType> types) {
    const Ctrl& c = ctrls_.back();
    const size_t n = types.size();
    if (stack_.size() >= c.height + n) [[likely]] {
      const Operand* top = stack_.data() + stack_.size() - n;
      for (size_t k = 0; k < n; ++k) {
        if (top[k].type != types[k] && top[k].type != kUnknown) [[unlikely]]
          return fail_invalid("type mismatch in block or branch operands");
      }
      return true;
    }
    return check_top_short(types);
  }
  // check_top() when the stack holds fewer entries than the types need (unreachable code).
  [[gnu::noinline]] bool check_top_short(std::span<const ValType> types) {
    const Ctrl& c = ctrls_.back();
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
  void pop_types(std::span<const ValType> types) {
    for (size_t k = types.size(); k-- > 0;) pop(types[k]);
  }
  void push_types(std::span<const ValType> types) {
    for (ValType t : types) push(t);
  }
  // In unreachable code the stack may hold fewer entries than the types need; pad it with
  // unknowns so positions stay consistent.
  void pad_for(size_t n) {
    if (stack_.size() < ctrls_.back().height + n) [[unlikely]]
      pad_short(n);
  }
  [[gnu::noinline]] void pad_short(size_t n) {
    Ctrl& c = ctrls_.back();
    while (stack_.size() < c.height + n) {
      uint32_t s = pos_slot(stack_.size());
      stack_.insert(c.height, Operand{kUnknown, s, false});
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
      // The branch just emitted (last_op_) checks for an interrupt itself, or goes through a
      // stub that does.
      const Op looped = loop_variant(last_op_);
      if (looped != Op::Count && pc() > last_op_pos_) {
        set_handler(last_op_pos_, looped);
        last_op_ = looped;
        code_.push_back(rel(target.loop_pc, pc()));
      } else {
        loop_stubs_.push_back({pc(), target.loop_pc});
        code_.push_back(0);
      }
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
      bool just_produced =
          !v.deferred && last_dst_pos_ != UINT32_MAX && live() && code_[last_dst_pos_] == v.slot;
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
    if constexpr (kEmit) assigned_ = ~uint64_t{0};  // no path continues here
  }

  // ---- definite assignment of declared locals ----
  // Wasm zeroes declared locals on entry, but most are written before they are read on every
  // path; only a prefix up to the last one that may be read first is zeroed per call.
  bool reachable() const { return !ctrls_.back().unreachable && !ctrls_.back().dead; }
  void local_read(uint32_t x) {
    if (kMode != BodyMode::Compile || x < type_.params.size() || !reachable()) return;
    const uint32_t d = x - static_cast<uint32_t>(type_.params.size());
    if (d < 64 && ((assigned_ >> d) & 1)) return;
    zeroed_locals_ = std::max(zeroed_locals_, d + 1);
  }
  void local_written(uint32_t x) {
    if (!kEmit || x < type_.params.size() || !reachable()) return;
    const uint32_t d = x - static_cast<uint32_t>(type_.params.size());
    if (d < 64) assigned_ |= uint64_t{1} << d;
  }
  // A branch from here to `target`'s label.
  void branch_assigned(Ctrl& target) {
    if (kEmit && reachable() && target.kind != CtrlKind::Loop)
      target.assigned_at_label &= assigned_;
  }

  // ---- immediates ----
  bool read_block_type(TypeList& params, TypeList& results);
  bool read_label(uint32_t& depth) {
    depth = r_.u32();
    if (depth >= ctrls_.size()) [[unlikely]]
      return fail_invalid("unknown label");
    return true;
  }
  bool read_memarg(uint32_t natural_align_log2, uint32_t& offset) {
    uint32_t align = r_.u32();
    offset = r_.u32();
    if (m_.memories.empty()) [[unlikely]]
      return fail_invalid("unknown memory 0");
    touches_memory_ = true;
    if (align > natural_align_log2) [[unlikely]]
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
    if (seg >= count) return fail_unknown("unknown data segment ", seg);
    if (!m_.data_count) {
      r_.fail("data count section required", instr_offset_);
      return false;
    }
    return true;
  }
  bool need_memory() {
    if (m_.memories.empty()) return fail_invalid("unknown memory 0");
    touches_memory_ = true;
    return true;
  }
  bool read_table(uint32_t& t) {
    t = r_.u32();
    if (failed()) return false;
    if (t >= m_.tables.size()) return fail_unknown("unknown table ", t);
    return true;
  }

  // ---- instruction groups ----
  bool instruction(uint8_t opcode);
  bool control(uint8_t opcode);
  bool prefixed_fc();
  bool load(Op o, ValType result, uint32_t align);
  bool store(Op o, ValType value, uint32_t align);
  bool unop(Op o, ValType in, ValType out) {
    if (o == Op::I32WrapI64 || o == Op::I32ReinterpretF32 || o == Op::F32ReinterpretI32 ||
        o == Op::I64ReinterpretF64 || o == Op::F64ReinterpretI64) {
      // The same bits in the same slot: a 32-bit value is read as its slot's low half, so a
      // wrap or reinterpret is only a new type for the stack entry, no instruction.
      Operand a = pop_raw(in);
      if (a.is_const()) {
        const bool narrow = out == ValType::I32 || out == ValType::F32;
        push_const(out, narrow ? static_cast<uint32_t>(a.imm) : a.imm);
      } else if (a.deferred) {
        push_deferred(out, a.slot);
      } else {
        push(out);  // a's own position: the same slot
      }
      return true;
    }
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
    if (kEmit && b.is_const() && b.imm == 0 && zero_is_identity(o)) {
      // x + 0, x | 0, x << 0, ...: the result is x, wherever it is (a local stays deferred).
      stack_.push_back(a);
      return true;
    }
    if (b.is_const() && with_imm != Op::Count) {
      uint32_t dst = push(out);
      if (with_imm == Op::I32AddImm && follows_add_imm()) {
        fuse_last(Op::I32AddImmThenAddImm,
                  {dst, a.slot, static_cast<uint32_t>(b.imm), static_cast<uint32_t>(b.imm >> 32)});
        return true;
      }
      if (o == Op::I32Shl && last_is(Op::I32AndImm, 4, a.slot)) {
        // (a & m) << s, a masked index scaled: one instruction (the mask still written).
        fuse_last(Op::I32AndShlImm,
                  {dst, static_cast<uint32_t>(b.imm), static_cast<uint32_t>(b.imm >> 32)});
        return true;
      }
      if (o == Op::I32And && last_is(Op::I32ShrUImm, 4, a.slot)) {
        // (a >> s) & m, a bit-field extraction: one instruction (the shift still written).
        fuse_last(Op::I32ShrUAndImm,
                  {dst, static_cast<uint32_t>(b.imm), static_cast<uint32_t>(b.imm >> 32)});
        return true;
      }
      op_dst(with_imm, dst);
      word(a.slot);
      word(static_cast<uint32_t>(b.imm));
      word(static_cast<uint32_t>(b.imm >> 32));
      return true;
    }
    if (b.is_const()) b = realize(b, b_index);
    uint32_t dst = push(out);
    if (o == Op::I32Add || o == Op::I32Xor) {
      // A shifted index or an extracted bit-field added to a base, a rotate or shift mixed
      // into a hash: one instruction.
      for (int k = 0; k < 2; ++k) {
        const uint32_t x = k == 0 ? a.slot : b.slot, other = k == 0 ? b.slot : a.slot;
        Op fused = o == Op::I32Xor                ? (last_is(Op::I32RotlImm, 4, x)   ? Op::I32RotlXor
                                                     : last_is(Op::I32ShrUImm, 4, x) ? Op::I32ShrUXor
                                                                                     : Op::Count)
                   : last_is(Op::I32ShlImm, 4, x) ? Op::I32ShlAdd
                   : last_is(Op::I32ShrUAndImm, 7, x, 4) ? Op::I32ShrUAndAdd
                                                         : Op::Count;
        if (fused == Op::Count) continue;
        if ((fused == Op::I32ShlAdd || fused == Op::I32RotlXor || fused == Op::I32ShrUXor) &&
            temporary(code_[last_op_pos_ + kHandlerWords]) &&
            other != code_[last_op_pos_ + kHandlerWords]) {
          fused = fused == Op::I32ShlAdd    ? Op::I32ShlAddLean
                  : fused == Op::I32RotlXor ? Op::I32RotlXorLean
                                            : Op::I32ShrUXorLean;
        }
        if (fused == Op::I32ShrUAndAdd) {
          const uint32_t shift = code_[last_op_pos_ + kHandlerWords],
                         masked = code_[last_op_pos_ + kHandlerWords + 4];
          if (temporary(shift) && temporary(masked) && other != shift && other != masked)
            fused = Op::I32ShrUAndAddLean;
        }
        fuse_last(fused);
        // A bytecode interpreter's fetch, i = *pc; ra = base + field(i): the I32Load too.
        if (fused == Op::I32ShrUAndAddLean && previous_feeds_last(Op::I32Load, 3, 1))
          merge_last(2, Op::I32LoadShrUAndAddLean);
        last_dst_pos_ = pc();
        code_.push_back(dst);
        code_.push_back(other);
        if (fused == Op::I32RotlXorLean || fused == Op::I32ShrUXorLean) merge_rotations(other);
        return true;
      }
    }
    if (fuse_with_last(o, a.slot, b.slot, dst)) return true;
    if (o == Op::I32Add && fuse_store_add(a.slot, b.slot, dst)) return true;
    if (o == Op::I32Add && follows_add_imm()) {
      fuse_last(Op::I32AddImmThenAdd, {dst, a.slot, b.slot});
      return true;
    }
    op_dst(o, dst);
    word(a.slot);
    word(b.slot);
    return true;
  }
  // `dst = x <o> y` where one of x, y is the result of the last instruction, an operand-stack
  // temporary: both become one instruction that does not write the temporary (words: the last
  // instruction's, then dst and the other operand).
  bool fuse_with_last(Op o, uint32_t x, uint32_t y, uint32_t dst) {
    if (!live() || insts_.empty() || insts_.back().pos != last_op_pos_) return false;
    const bool commutes = o == Op::I32Add || o == Op::I32And || o == Op::I32Or || o == Op::I32Xor;
    for (int k = 0; k < (commutes ? 2 : 1); ++k) {
      const uint32_t t = k == 0 ? x : y, other = k == 0 ? y : x;
      if (!temporary(t) || other == t) continue;
      const Op fused = fused_with_last(o, t, other);
      if (fused == Op::Count) continue;
      fuse_last(fused, {dst, other});
      return true;
    }
    return false;
  }
  // The instruction that does the last one, whose result is `t`, and then `t <o> other`; or
  // Op::Count.
  Op fused_with_last(Op o, uint32_t t, uint32_t other) const {
    if (o == Op::I32Add) {
      // SHA-2's sigmas added up, a loaded value added (sum += p[i]), base + i * size.
      if (last_is(Op::I32Rotl3Xor, 20, t, 18) || last_is(Op::I32Rotl2XorShrUXor, 20, t, 18)) {
        // The rotations still write their inner results (words 2 and 12) before b is read.
        const uint32_t ops = last_op_pos_ + kHandlerWords;
        if (other == code_[ops] || other == code_[ops + 10]) return Op::Count;
        return last_op_ == Op::I32Rotl3Xor ? Op::I32Rotl3XorAdd : Op::I32Rotl2XorShrUXorAdd;
      }
      if (last_is(Op::I32Load, 3, t)) return Op::I32LoadThenAdd;
      if (last_is(Op::I32LoadAddLean, 5, t, 3)) return Op::I32LoadAddLeanThenAdd;
      if (last_is(Op::I32LoadAddImmLean, 6, t, 4)) return Op::I32LoadAddImmLeanThenAdd;
      if (last_is(Op::I32MulImm, 4, t)) return Op::I32MulImmAdd;
    }
    // Two plain i32 operators (HM_I32_PAIRS).
    if (!last_is(last_op_, 3, t)) return Op::Count;
#define HM_X(First, Second) \
  if (last_op_ == Op::I32##First && o == Op::I32##Second) return Op::I32##First##Then##Second;
    HM_I32_PAIRS(HM_X)
#undef HM_X
    return Op::Count;
  }
  // The last instruction is a plain I32AddImm that the next one may follow in one (a loop's
  // steps of several induction variables).
  bool follows_add_imm() const {
    return last_ends_here(Op::I32AddImm, 4) && !insts_.empty() && insts_.back().pos == last_op_pos_;
  }
  // `dst = a + b` right after a store (a loop's `p[i] = v; p += k`): one instruction.
  bool fuse_store_add(uint32_t a, uint32_t b, uint32_t dst) {
    if (insts_.empty() || insts_.back().pos != last_op_pos_) return false;
    Op fused = Op::Count;
#define HM_X(name, T, n) \
  if (last_ends_here(Op::name, n)) fused = Op::name##ThenAdd;
    HM_STORES_THEN_ADD(HM_X)
#undef HM_X
    if (fused == Op::Count) return false;
    fuse_last(fused, {dst, a, b});
    return true;
  }
  // Rotations of one value xor-ed together (SHA-2's sigmas: rotr ^ rotr ^ rotr or shr), each
  // step xor-ing the one before, whose result is `b`: one instruction for up to three.
  void merge_rotations(uint32_t b) {
    const size_t n = insts_.size();
    if (n < 2) return;
    const uint32_t before = insts_[n - 2].pos + kHandlerWords;  // its operand words
    if (last_op_ == Op::I32RotlXorLean && chained(2, Op::I32RotlImm, 4) && code_[before] == b) {
      merge_last(2, Op::I32Rotl2Xor);
    } else if (chained(2, Op::I32Rotl2Xor, 12) && code_[before + 10] == b) {
      merge_last(2, last_op_ == Op::I32RotlXorLean ? Op::I32Rotl3Xor : Op::I32Rotl2XorShrUXor);
    }
  }
  // A load (0x28..0x35) or a store (0x36..0x3E).
  bool memory_access(uint8_t opcode) {
    struct Access {
      Op op;
      ValType type;
      uint32_t align;
    };
    static constexpr Access kAccesses[] = {
        {Op::I32Load, ValType::I32, 2},     // 0x28
        {Op::I64Load, ValType::I64, 3},     // 0x29
        {Op::I32Load, ValType::F32, 2},     // 0x2A
        {Op::I64Load, ValType::F64, 3},     // 0x2B
        {Op::I32Load8S, ValType::I32, 0},   // 0x2C
        {Op::I32Load8U, ValType::I32, 0},   // 0x2D
        {Op::I32Load16S, ValType::I32, 1},  // 0x2E
        {Op::I32Load16U, ValType::I32, 1},  // 0x2F
        {Op::I64Load8S, ValType::I64, 0},   // 0x30
        {Op::I64Load8U, ValType::I64, 0},   // 0x31
        {Op::I64Load16S, ValType::I64, 1},  // 0x32
        {Op::I64Load16U, ValType::I64, 1},  // 0x33
        {Op::I64Load32S, ValType::I64, 2},  // 0x34
        {Op::I64Load32U, ValType::I64, 2},  // 0x35
        {Op::I32Store, ValType::I32, 2},    // 0x36
        {Op::I64Store, ValType::I64, 3},    // 0x37
        {Op::I32Store, ValType::F32, 2},    // 0x38
        {Op::I64Store, ValType::F64, 3},    // 0x39
        {Op::Store8, ValType::I32, 0},      // 0x3A
        {Op::Store16, ValType::I32, 1},     // 0x3B
        {Op::Store8, ValType::I64, 0},      // 0x3C
        {Op::Store16, ValType::I64, 1},     // 0x3D
        {Op::Store32, ValType::I64, 2},     // 0x3E
    };
    const Access& a = kAccesses[opcode - 0x28];
    return opcode <= 0x35 ? load(a.op, a.type, a.align) : store(a.op, a.type, a.align);
  }
  // The commonest instructions, also dispatched directly by run(). Like read_label() and
  // read_memarg(), they go on after a malformed immediate (read as 0): the reader's error
  // outranks any they add, and run() stops before the next instruction.
  bool local_get() {
    uint32_t x = r_.u32();
    if (x >= locals_.size()) return fail_unknown("unknown local ", x);
    local_read(x);
    push_deferred(locals_[x], x);
    return true;
  }
  bool i32_const() {  // constants stay unmaterialized until used
    int32_t v = r_.s32();
    push_const(ValType::I32, static_cast<uint32_t>(v));
    return true;
  }
  bool local_set(bool tee) {
    uint32_t x = r_.u32();
    if (x >= locals_.size()) return fail_unknown("unknown local ", x);
    Operand v = pop_raw(locals_[x]);
    if constexpr (!kEmit) {
      if (tee) stack_.push_type(v.type);
      return true;
    }
    local_written(x);
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
                 code_[last_dst_pos_] == v.slot &&
                 v.slot == pos_slot(stack_.size() - (tee ? 1 : 0));
    materialize_readers(x);
    if (tee) v = stack_.back();
    if (fresh && last_dst_pos_ != UINT32_MAX) {
      code_[last_dst_pos_] = x;
      if (tee) stack_.back() = Operand{v.type, x, true};
    } else if (v.slot != x) {
      emit_copy(x, v.slot);
    }
    last_dst_pos_ = UINT32_MAX;
    return true;
  }
  bool begin_block(CtrlKind kind, uint32_t cond_slot, const PendingCompare& cmp = {});
  bool end_block();
  bool call(uint32_t func_index);
  void emit_loop_stubs();
  void duplicate_short_tails();
  void fuse_dispatch_steps();

  const ModuleData& m_;
  const FunctionBody& body_;
  const FuncType& type_;
  Reader r_;
  const void* const* handlers_;
  BodyScratch* scratch_;
  std::vector<ValType> locals_;
  uint32_t local_slots_ = 0;
  OperandStack stack_;
  CtrlStack ctrls_;
  std::vector<uint32_t> code_;
  struct Inst {
    uint32_t pos;
    Op op;
  };
  std::vector<Inst> insts_;  // every instruction emitted, in order (Compile mode)
  struct LoopStub {
    uint32_t word;     // a branch's target word, to point at the stub
    uint32_t loop_pc;  // where the stub goes after its check
  };
  std::vector<LoopStub> loop_stubs_;
  uint32_t max_height_ = 0;
  uint32_t last_dst_pos_ = UINT32_MAX;  // code index of the dst word of the last result op
  Op last_op_ = Op::Count;              // the last instruction emitted, and where
  uint32_t last_op_pos_ = 0;
  Op prev_op_ = Op::Count;  // the one before it (Op::Count: unknown)
  uint32_t prev_op_pos_ = 0;
  uint32_t last_end_ = 0;
  uint32_t label_pc_ = UINT32_MAX;  // where the last branch target was placed
  bool touches_memory_ = false;     // a memory instruction was read
  // Declared locals (bit i: local params+i, the first 64) written on every path to here, and
  // how many declared locals from the first must start at zero.
  uint64_t assigned_ = 0;
  uint32_t zeroed_locals_ = 0;
  uint64_t instr_offset_ = 0;
  std::optional<Error> error_;
};

}  // namespace hailmary::detail
