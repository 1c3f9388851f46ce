// The executable form of a function body: threaded code over 32-bit words. Every value lives
// in a 64-bit frame slot (params, then locals, then the operand stack, whose positions the
// compiler knows statically), so instructions name their operands by slot index, like a
// register machine. An instruction starts with the address of its handler in two words
// (kHandlerWords), so dispatch is one indirect jump through memory. Branch target words hold
// the target's distance from the target word itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hailmary::detail {

// Instructions with operands beyond the simple numeric ones (those come from
// numeric_ops.def). Operand words follow the handler words in the order listed; the counts
// are operand words (-1: variable).
#define HM_CONTROL_OPS(X)                                                                         \
  X(Unreachable, 0) /* */                                                                         \
  X(LeafMemory, 0)  /* leaf code only, first: loads memory 0's base and size into registers */    \
  X(LazyCompile, 0) /* the whole body of a function not translated yet (see FuncInst) */          \
  X(ZeroLocals, 2)  /* begin, end: slots [begin, end) = 0, first in a body that needs it */       \
  X(Br, 1)          /* target */                                                                  \
  X(BrIf, 2)        /* cond, target */                                                            \
  X(BrUnless, 2)    /* cond, target */                                                            \
  X(BrLoop, 1)      /* target: Br/BrIf/BrUnless back to a loop (they check for an */              \
  X(BrIfLoop, 2)    /* interrupt when taken: loops have no header instruction) */                 \
  X(BrUnlessLoop, 2)                                                                              \
  X(BrTable, -1)          /* index, count, target*count, default */                               \
  X(BrTableAddImm, -2)    /* sum, a, imm lo, imm hi, count, targets: index = sum = a+imm */       \
  X(BrTableLookup, -3)    /* an I32AndShlImm, I32LoadAddImm, BrTableAddImm chain, words as */     \
                          /* they were (inner handler words unused): a switch whose index is */   \
                          /* looked up in a table in linear memory, clang's sparse switch */      \
  X(BrTableLoad8U, -4)    /* an I32Load8U and a BrTableAddImm on the byte: a switch on a */       \
  X(BrTableLoad8UAnd, -5) /* type tag; the same with an I32AndImm between them */                 \
  /* The "Lean" forms: the same where every intermediate result is an operand-stack */            \
  /* temporary consumed by the next part (dead): only the last result is written. */              \
  X(BrTableLookupLean, -3)                                                                        \
  X(BrTableLookupLeanLoop, -3) /* a loop's back edge that was a br to a BrTableLookupLean */      \
  X(BrTableLoad8ULean, -4)                                                                        \
  X(BrTableLoad8UAndLean, -5)                                                                     \
  X(BrTableAndImmLean, -6) /* an I32AndImm (t, a, mask) and a BrTableAddImm on t, both temps */   \
  /* An I32LoadShrUAndAddLean whose loaded value indexes the BrTableLookupLean(Loop) after it, */ \
  /* words as they were (the inner handler words those of the second, valid): an interpreter's */ \
  /* fetch, decode and dispatch, with no round trip of the fetched value through its slot. */     \
  X(FetchDispatchLean, -7)                                                                        \
  X(FetchDispatchLeanLoop, -7)                                                                    \
  /* A Copy2 (dst, src, dst2, src2) and an I32AddImm, then a FetchDispatchLeanLoop whose */       \
  /* address slot is the Copy2's dst, words as they were: the dispatch at the end of an */        \
  /* interpreter's case (its pc copied and stepped), the address used without a reload. */        \
  X(Copy2AddImmFetchDispatchLeanLoop, -8)                                                         \
  X(I32ShrUAndImm, 7) /* t, a, shift lo, hi, dst, mask lo, hi: t = a >> s; dst = t & m */         \
  X(I32ShrUAndAdd, 9) /* ... dst, mask lo, hi, dst2, b: and dst2 = dst + b */                     \
  X(I32ShrUAndAddLean, 9)                                                                         \
  X(I32LoadShrUAndAddLean, 14)   /* an I32Load (dst, addr, offset), then an I32ShrUAndAddLean */  \
                                 /* on dst (its handler words unused) */                          \
  X(I32Load16UAndShlAddLean, 13) /* an I32And (t, a, b), then an I32Load16UShlAddLean */          \
                                 /* indexed by t (its handler words unused) */                    \
  X(I32Load8UAddAdd, 10)         /* an I32Add (m, x, y), then an I32Load8UAdd (sum, m, c, dst, */ \
                                 /* offset) on m; both sums written */                            \
  X(I32ShlAdd, 6)                /* t, a, shift lo, hi, dst, b: t = a << s; dst = t + b */        \
  X(I32ShlAddLean, 6)                                                                             \
  X(I32AndShlImm, 7) /* t, a, mask lo, hi, dst, shift lo, hi: t = a & m; dst = t << s */          \
  X(BrIfAndImm, 5)   /* t, a, mask lo, hi, target: t = a & m; branch if t != 0 */                 \
  X(BrUnlessAndImm, 5)                                                                            \
  X(BrIfAndImmLoop, 5)                                                                            \
  X(BrUnlessAndImmLoop, 5)                                                                        \
  X(I32LoadLoad, 5) /* d, a, offset, d2, offset2: d = load(a+off); d2 = load(d+off2) */           \
  X(I32LoadLoadLean, 5)                                                                           \
  X(I32RotlXor, 6) /* t, a, k lo, hi, dst, b: t = rotl(a, k); dst = t ^ b */                      \
  X(I32RotlXorLean, 6)                                                                            \
  X(I32ShrUXor, 6) /* t, a, k lo, hi, dst, b: t = a >> k; dst = t ^ b */                          \
  X(I32ShrUXorLean, 6)                                                                            \
  /* An I32RotlImm (d, x, k) and an I32RotlXorLean on d (14 words); the same then a */            \
  /* further I32RotlXorLean or I32ShrUXorLean on that (22 words): SHA-2's sigmas */               \
  X(I32Rotl2Xor, 12)                                                                              \
  X(I32Rotl3Xor, 20)                                                                              \
  X(I32Rotl2XorShrUXor, 20)                                                                       \
  /* The same two, their result (a temporary, not written) added to b: words 22, 23 dst, b. */    \
  X(I32Rotl3XorAdd, 22)                                                                           \
  X(I32Rotl2XorShrUXorAdd, 22)                                                                    \
  /* An i32 load whose value (a temporary, not written) is added to b: the load's words, then */  \
  /* dst, b. For the plain I32Load and the Lean forms at a computed address: sum += p[i]. */      \
  X(I32LoadThenAdd, 5)                                                                            \
  X(I32LoadAddLeanThenAdd, 7)                                                                     \
  X(I32LoadAddImmLeanThenAdd, 8)                                                                  \
  X(I32MulImmAdd, 6) /* t, a, k lo, hi, dst, b: dst = a * k + b, t (a temporary) not written */   \
  /* A load whose value (a temporary, not written) the next store stores: memory to memory, */    \
  /* a struct field copied. Words: the load's (dst, addr, offset), then addr2, offset2. */        \
  X(I32LoadStore, 5)                                                                              \
  X(I64LoadStore, 5)                                                                              \
  X(Load8Store8, 5)                                                                               \
  X(Load16Store16, 5)                                                                             \
  X(I32AddImmThenAddImm, 8) /* d, a, k lo, hi, d2, a2, k2 lo, hi: two I32AddImm in a row */       \
  X(I32AddImmThenAdd, 7)    /* d, a, k lo, hi, d2, a2, b2: an I32AddImm, then an I32Add */        \
  X(BrIfAddImmNe, 6)        /* t, a, k lo, hi, b, target: t = a + k; branch if t != b */          \
  X(BrIfAddImmNeImm, 7)     /* t, a, k lo, hi, c lo, hi, target: branch if t != c */              \
  X(BrIfAddImmNeLoop, 6)                                                                          \
  X(BrIfAddImmNeImmLoop, 7)                                                                       \
  X(BrIfI64AddImmNe, 6)    /* the same for i64: t, a, k lo, hi, b, target */                      \
  X(BrIfI64AddImmNeImm, 7) /* t, a, k lo, hi, c lo, hi, target */                                 \
  X(BrIfI64AddImmNeLoop, 6)                                                                       \
  X(BrIfI64AddImmNeImmLoop, 7)                                                                    \
  X(BrIfLoad8U, 4) /* dst, addr, offset, target: dst = load8_u; branch if != 0 */                 \
  X(BrUnlessLoad8U, 4)                                                                            \
  X(BrIfLoad8UAddImm, 7) /* sum, a, imm lo, hi, dst, offset, target: the same at a+imm */         \
  X(BrIfLoad8UEqImm, 5)  /* dst, addr, offset, imm, target: branch if the byte == imm */          \
  X(BrIfLoad8UNeImm, 5)                                                                           \
  X(BrIfLoad8ULoop, 4)                                                                            \
  X(BrUnlessLoad8ULoop, 4)                                                                        \
  X(BrIfLoad8UAddImmLoop, 7)                                                                      \
  X(BrUnlessLoad8UAddImmLoop, 7)                                                                  \
  X(BrIfLoad8UEqImmLoop, 5)                                                                       \
  X(BrIfLoad8UNeImmLoop, 5)                                                                       \
  X(BrUnlessLoad8UAddImm, 7)                                                                      \
  X(BrIfAddImm, 5) /* t, a, imm lo, hi, target: t = a + imm; branch if t != 0 */                  \
  X(BrUnlessAddImm, 5)                                                                            \
  X(BrIfAddImmLoop, 5)                                                                            \
  X(BrUnlessAddImmLoop, 5)                                                                        \
  X(BrIfConst32, 4) /* d, k, cond, target: d = k (an i32.const set); branch if cond != 0 */       \
  X(BrUnlessConst32, 4)                                                                           \
  X(Copy, 2)  /* dst, src */                                                                      \
  X(Copy2, 4) /* dst, src, dst2, src2: two copies in order */                                     \
  X(Copy3, 6) /* three, and four copies in order (values shuffled at a join) */                   \
  X(Copy4, 8)                                                                                     \
  X(BrIfI32EqAndImm, 6) /* t, a, mask lo, hi, b, target: t = a & m; branch if b == t */           \
  X(BrIfI32NeAndImm, 6)                                                                           \
  X(BrIfI32EqAndImmLean, 6) /* the same, t a temporary: not written */                            \
  X(BrIfI32NeAndImmLean, 6)                                                                       \
  X(BrIfI32EqAndImmLoop, 6)                                                                       \
  X(BrIfI32NeAndImmLoop, 6)                                                                       \
  X(Return, 0)      /* */                                                                         \
  X(ReturnFrom, 1)  /* src: the single result is copied to slot 0 first */                        \
  X(Call, 2)        /* func index, arg base */                                                    \
  X(CallDefined, 2) /* the same, for a function defined in this module (same instance) */         \
  /* an I32AddImm (an argument) then a CallDefined, operands as they were */                      \
  X(I32AddImmCallDefined, 6)                                                                      \
  X(CopyCallDefined, 4)  /* a Copy (dst, src), then a CallDefined: an argument moved in place */  \
  X(Copy2CallDefined, 6) /* two copies (dst, src, dst2, src2), then a CallDefined */              \
  X(CallIndirect, 4)     /* type index, table, arg base, index slot */                            \
  X(Select, 4)           /* dst, a, b, cond */                                                    \
  X(Const32, 2)          /* dst, value */                                                         \
  X(Const32x2, 4)        /* dst, value, dst2, value2: two Const32 in a row */                     \
  X(Const32x3, 6)                                                                                 \
  X(Const32x4, 8)                                                                                 \
  X(Const64, 3)   /* dst, low, high */                                                            \
  X(GlobalGet, 2) /* dst, global */                                                               \
  X(GlobalSet, 2) /* global, src */                                                               \
  X(I32Load, 3)   /* dst, addr, offset (also f32.load) */                                         \
  X(I64Load, 3)   /* (also f64.load) */                                                           \
  X(I32Load8S, 3)                                                                                 \
  X(I32Load8U, 3)                                                                                 \
  X(I32Load16S, 3)                                                                                \
  X(I32Load16U, 3)                                                                                \
  X(I64Load8S, 3)                                                                                 \
  X(I64Load8U, 3)                                                                                 \
  X(I64Load16S, 3)                                                                                \
  X(I64Load16U, 3)                                                                                \
  X(I64Load32S, 3)                                                                                \
  X(I64Load32U, 3)                                                                                \
  X(I32Store, 3) /* addr, value, offset (also f32.store) */                                       \
  X(I64Store, 3) /* (also f64.store) */                                                           \
  X(Store8, 3)                                                                                    \
  X(Store16, 3)                                                                                   \
  X(Store32, 3)     /* i64.store32 */                                                             \
  X(I32StoreImm, 4) /* addr, offset, value low, value high: a constant value */                   \
  X(I64StoreImm, 4)                                                                               \
  X(Store8Imm, 4)                                                                                 \
  X(Store16Imm, 4)                                                                                \
  X(Store32Imm, 4)                                                                                \
  X(MemorySize, 1) /* dst */                                                                      \
  X(MemoryGrow, 2) /* dst, delta */                                                               \
  X(MemoryInit, 4) /* segment, dst, src, n */                                                     \
  X(DataDrop, 1)   /* segment */                                                                  \
  X(MemoryCopy, 3) /* dst, src, n */                                                              \
  X(MemoryFill, 3) /* dst, value, n */                                                            \
  X(TableGet, 3)   /* dst, table, index */                                                        \
  X(TableSet, 3)   /* table, index, value */                                                      \
  X(TableSize, 2)  /* dst, table */                                                               \
  X(TableGrow, 4)  /* dst, table, init, n */                                                      \
  X(TableFill, 4)  /* table, index, value, n */                                                   \
  X(TableCopy, 5)  /* dst table, src table, dst, src, n */                                        \
  X(TableInit, 5)  /* table, segment, dst, src, n */                                              \
  X(ElemDrop, 1)   /* segment */                                                                  \
  X(RefIsNull, 2)  /* dst, ref */                                                                 \
  X(RefFunc, 2)    /* dst, func index */

// Integer compares that fuse with a following br_if / if into one compare-and-branch.
#define HM_FUSED_CMPS(X) \
  X(I32, Eq)             \
  X(I32, Ne)             \
  X(I32, LtS)            \
  X(I32, LtU)            \
  X(I32, GtS)            \
  X(I32, GtU)            \
  X(I32, LeS)            \
  X(I32, LeU)            \
  X(I32, GeS)            \
  X(I32, GeU)            \
  X(I64, Eq)             \
  X(I64, Ne)             \
  X(I64, LtS) X(I64, LtU) X(I64, GtS) X(I64, GtU) X(I64, LeS) X(I64, LeU) X(I64, GeS) X(I64, GeU)

// The loads: name, memory type, extended-to type.
#define HM_LOADS(X)                 \
  X(I32Load, uint32_t, uint32_t)    \
  X(I64Load, uint64_t, uint64_t)    \
  X(I32Load8S, int8_t, uint32_t)    \
  X(I32Load8U, uint8_t, uint32_t)   \
  X(I32Load16S, int16_t, uint32_t)  \
  X(I32Load16U, uint16_t, uint32_t) \
  X(I64Load8S, int8_t, int64_t)     \
  X(I64Load8U, uint8_t, uint64_t)   \
  X(I64Load16S, int16_t, int64_t)   \
  X(I64Load16U, uint16_t, uint64_t) \
  X(I64Load32S, int32_t, int64_t) X(I64Load32U, uint32_t, uint64_t)

// Two i32 operators where the second takes the first's result, an operand-stack temporary
// that is not written: t = a <First> b; dst = t <Second> c (t first for the operators that do
// not commute). Words: t, a, b, dst, c. X(First, Second).
#define HM_I32_PAIR_FIRSTS(X, Second) \
  X(Add, Second)                      \
  X(Sub, Second)                      \
  X(Mul, Second)                      \
  X(And, Second)                      \
  X(Or, Second)                       \
  X(Xor, Second)                      \
  X(Shl, Second)                      \
  X(ShrU, Second)
#define HM_I32_PAIRS(X)      \
  HM_I32_PAIR_FIRSTS(X, Add) \
  HM_I32_PAIR_FIRSTS(X, Sub) \
  HM_I32_PAIR_FIRSTS(X, And) \
  HM_I32_PAIR_FIRSTS(X, Or)  \
  HM_I32_PAIR_FIRSTS(X, Xor)

// A store, then an i32.add (dst, a, b) after its words: a loop's `p[i] = v; p += k`.
// X(store name, stored type, the store's operand words).
#define HM_STORES_THEN_ADD(X) \
  X(I32Store, uint32_t, 3)    \
  X(I64Store, uint64_t, 3)    \
  X(Store8, uint8_t, 3)       \
  X(Store16, uint16_t, 3)     \
  X(Store32, uint32_t, 3)     \
  X(I32StoreImm, uint32_t, 4) \
  X(I64StoreImm, uint64_t, 4) \
  X(Store8Imm, uint8_t, 4)    \
  X(Store16Imm, uint16_t, 4)  \
  X(Store32Imm, uint32_t, 4)

// The stores with a value from a slot: name, stored type (the Imm forms store a constant).
#define HM_STORES(X)    \
  X(I32Store, uint32_t) \
  X(I64Store, uint64_t) \
  X(Store8, uint8_t)    \
  X(Store16, uint16_t)  \
  X(Store32, uint32_t)

enum class Op : uint16_t {
#define HM_X(name, n) name,
  HM_CONTROL_OPS(HM_X)
#undef HM_X
#define UNOP(name, code, in, out) name,
#define BINOP(name, code, in, out) name,
#include "execution/numeric_ops.def"
// `a op imm`: a binary operator whose second operand is a constant (2 immediate words).
#define BINOP(name, code, in, out) name##Imm,
#define UNOP_TRAP(name, code, in, out)
#define BINOP_TRAP(name, code, in, out)
#include "execution/numeric_ops.def"
// Compare-and-branch: a, b, target / a, imm low, imm high, target.
#define HM_X(T, name) BrIf##T##name, BrIf##T##name##Imm,
      HM_FUSED_CMPS(HM_X)
#undef HM_X
// The same, branching back to a loop (see BrLoop).
#define HM_X(T, name) BrIf##T##name##Loop, BrIf##T##name##ImmLoop,
          HM_FUSED_CMPS(HM_X)
#undef HM_X
// An address computation fused into the load that uses it; the sum is still written to its
// slot, so nothing depends on the sum being dead afterwards.
//   <Load>Add:    sum, a, b, dst, offset          sum = a + b; dst = load(sum + offset)
//   <Load>AddImm: sum, a, imm lo, imm hi, dst, offset
//   <Load>ShlAdd: t, a, shift lo, hi, sum, b, dst, offset   (an I32ShlAdd, then the load)
#define HM_X(name, T, Out) name##Add, name##AddImm, name##ShlAdd,
              HM_LOADS(HM_X)
#undef HM_X
// The same where the sums (and the shifted value) are operand-stack temporaries, consumed by
// the load: they are not written.
#define HM_X(name, T, Out) name##AddLean, name##AddImmLean, name##ShlAddLean,
                  HM_LOADS(HM_X)
#undef HM_X
// A step fused into the compare-and-branch that tests its sum (a loop's j += i; j <= n):
// t, a, b, c, target: t = a + b (written back); branch if t <cmp> c.
#define HM_X(T, name) BrIf##T##name##Add, BrIf##T##name##AddLoop,
                      HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(First, Second) I32##First##Then##Second,
                          HM_I32_PAIRS(HM_X)
#undef HM_X
#define HM_X(name, T, n) name##ThenAdd,
                              HM_STORES_THEN_ADD(HM_X)
#undef HM_X
// Accesses at a constant address (a static variable: i32.const a; load offset=o), the
// effective address a + o in two words.
//   <Load>Abs:      dst, ea lo, ea hi
//   <Store>Abs:     value, ea lo, ea hi
//   <Store>ImmAbs:  ea lo, ea hi, value lo, value hi
#define HM_X(name, T, Out) name##Abs,
                                  HM_LOADS(HM_X)
#undef HM_X
#define HM_X(name, T) name##Abs, name##ImmAbs,
                                      HM_STORES(HM_X)
#undef HM_X
                                          Count
};
// Runs that the translator extends one op at a time (emit_pair_run).
static_assert(static_cast<int>(Op::Copy4) == static_cast<int>(Op::Copy) + 3);
static_assert(static_cast<int>(Op::Const32x4) == static_cast<int>(Op::Const32) + 3);

struct CompiledFunc {
  std::vector<uint32_t> code;
  uint32_t param_slots = 0;
  uint32_t local_slots = 0;  ///< params + declared locals
  /// Slots [param_slots, zero_end) are zeroed on entry (by the body's first instruction, a
  /// ZeroLocals); the declared locals after them are written before they are read on every
  /// path (so their initial value is never seen).
  uint32_t zero_end = 0;
  uint32_t frame_slots = 0;  ///< local_slots + the deepest operand stack
  uint32_t result_count = 0;
  /// For code that calls nothing (every op runs_in_leaf) and has no loops: the same code for
  /// the leaf interpreter, which host calls run it in. Null otherwise.
  std::unique_ptr<uint32_t[]> leaf_code;
};

/// Words of the handler address that starts every instruction.
constexpr uint32_t kHandlerWords = sizeof(void*) / sizeof(uint32_t);

/// The address of every handler, indexed by Op.
const void* const* handler_addresses() noexcept;
/// The same for the leaf interpreter, which runs code without calls or loops.
const void* const* leaf_handler_addresses() noexcept;

/// The ops whose handlers the leaf interpreter does not have: the calls, and what calls into
/// the runtime (memory.grow, bulk memory, tables).
// clang-format off
#define HM_OPS_OUTSIDE_LEAF(X) \
  X(LazyCompile)               \
  X(Call)                      \
  X(CallDefined)               \
  X(I32AddImmCallDefined)      \
  X(CopyCallDefined)           \
  X(Copy2CallDefined)          \
  X(CallIndirect)              \
  X(MemoryGrow)                \
  X(MemoryInit)                \
  X(DataDrop)                  \
  X(MemoryCopy)                \
  X(MemoryFill)                \
  X(TableGet)                  \
  X(TableSet)                  \
  X(TableSize)                 \
  X(TableGrow)                 \
  X(TableFill)                 \
  X(TableCopy)                 \
  X(TableInit)                 \
  X(ElemDrop)                  \
  X(RefIsNull)                 \
  X(RefFunc)
// clang-format on

/// Whether the leaf interpreter runs `op`: not those above, nor popcnt, sqrt and nearest,
/// which are library calls on baseline x86-64 (its handlers for them leave the leaf).
constexpr bool runs_in_leaf(Op op) {
  switch (op) {
#define HM_X(name) case Op::name:
    HM_OPS_OUTSIDE_LEAF(HM_X)
#undef HM_X
    case Op::I32Popcnt:
    case Op::I64Popcnt:
    case Op::F32Sqrt:
    case Op::F64Sqrt:
    case Op::F32Nearest:
    case Op::F64Nearest:
      return false;
    default:
      return op < Op::Count;
  }
}

/// A listing of `f`'s code, one instruction a line ("pc: Name operands..."), for debugging
/// the code generator. Set HM_DISASSEMBLE=1 to have compile_module print every function.
std::string disassemble(const CompiledFunc& f);

/// Words of the instruction at `pos`, an `op` (a table's count past the end of `code` counts
/// as no targets).
size_t instruction_words(const std::vector<uint32_t>& code, size_t pos, size_t op);

/// The Op whose handler is `handler` (Op::Count if none), and an Op's name: for the listing
/// and for the HM_OPSTATS profiling build.
size_t op_of_handler(const void* handler);
const char* op_name(size_t op);

}  // namespace hailmary::detail
