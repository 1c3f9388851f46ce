// The executable form of a function body: threaded code over 32-bit words. Every value lives
// in a 64-bit frame slot (params, then locals, then the operand stack, whose positions the
// compiler knows statically), so instructions name their operands by slot index, like a
// register machine. A handler word holds the offset of its handler from the interpreter's
// base label.
#pragma once

#include <cstdint>
#include <vector>

namespace hailmary::detail {

// Instructions with operands beyond the simple numeric ones (those come from
// numeric_ops.def). Operand words follow the handler word in the order listed.
#define HM_CONTROL_OPS(X)                                                              \
  X(Unreachable)      /* */                                                            \
  X(LoopHeader)       /* (checks for an interrupt) */                                  \
  X(Br)               /* target */                                                     \
  X(BrIf)             /* cond, target */                                               \
  X(BrUnless)         /* cond, target */                                               \
  X(BrTable)          /* index, count, target*count, default */                        \
  X(Copy)             /* dst, src */                                                   \
  X(Return)           /* */                                                            \
  X(ReturnFrom)       /* src: the single result is copied to slot 0 first */          \
  X(Call)             /* func index, arg base */                                       \
  X(CallIndirect)     /* type index, table, arg base, index slot */                    \
  X(Select)           /* dst, a, b, cond */                                            \
  X(Const32)          /* dst, value */                                                 \
  X(Const64)          /* dst, low, high */                                             \
  X(GlobalGet)        /* dst, global */                                                \
  X(GlobalSet)        /* global, src */                                                \
  X(I32Load)          /* dst, addr, offset (also f32.load) */                          \
  X(I64Load)          /* (also f64.load) */                                            \
  X(I32Load8S)                                                                         \
  X(I32Load8U)                                                                         \
  X(I32Load16S)                                                                        \
  X(I32Load16U)                                                                        \
  X(I64Load8S)                                                                         \
  X(I64Load8U)                                                                         \
  X(I64Load16S)                                                                        \
  X(I64Load16U)                                                                        \
  X(I64Load32S)                                                                        \
  X(I64Load32U)                                                                        \
  X(I32Store)         /* addr, value, offset (also f32.store) */                       \
  X(I64Store)         /* (also f64.store) */                                           \
  X(Store8)                                                                            \
  X(Store16)                                                                           \
  X(Store32)          /* i64.store32 */                                                \
  X(MemorySize)       /* dst */                                                        \
  X(MemoryGrow)       /* dst, delta */                                                 \
  X(MemoryInit)       /* segment, dst, src, n */                                       \
  X(DataDrop)         /* segment */                                                    \
  X(MemoryCopy)       /* dst, src, n */                                                \
  X(MemoryFill)       /* dst, value, n */                                              \
  X(TableGet)         /* dst, table, index */                                          \
  X(TableSet)         /* table, index, value */                                        \
  X(TableSize)        /* dst, table */                                                 \
  X(TableGrow)        /* dst, table, init, n */                                        \
  X(TableFill)        /* table, index, value, n */                                     \
  X(TableCopy)        /* dst table, src table, dst, src, n */                          \
  X(TableInit)        /* table, segment, dst, src, n */                                \
  X(ElemDrop)         /* segment */                                                    \
  X(RefIsNull)        /* dst, ref */                                                   \
  X(RefFunc)          /* dst, func index */

// Integer compares that fuse with a following br_if / if into one compare-and-branch.
#define HM_FUSED_CMPS(X) \
  X(I32, Eq) X(I32, Ne) X(I32, LtS) X(I32, LtU) X(I32, GtS) X(I32, GtU) X(I32, LeS) X(I32, LeU) \
  X(I32, GeS) X(I32, GeU) X(I64, Eq) X(I64, Ne) X(I64, LtS) X(I64, LtU) X(I64, GtS) X(I64, GtU) \
  X(I64, LeS) X(I64, LeU) X(I64, GeS) X(I64, GeU)

enum class Op : uint16_t {
#define HM_X(name) name,
  HM_CONTROL_OPS(HM_X)
#undef HM_X
#define UNOP(name, code, in, out) name,
#define BINOP(name, code, in, out) name,
#define UNOP_TRAP(name, code, in, out) name,
#define BINOP_TRAP(name, code, in, out) name,
#include "execution/numeric_ops.def"
#undef UNOP
#undef BINOP
#undef UNOP_TRAP
#undef BINOP_TRAP
// `a op imm`: a binary operator whose second operand is a constant (2 immediate words).
#define UNOP(name, code, in, out)
#define BINOP(name, code, in, out) name##Imm,
#define UNOP_TRAP(name, code, in, out)
#define BINOP_TRAP(name, code, in, out)
#include "execution/numeric_ops.def"
#undef UNOP
#undef BINOP
#undef UNOP_TRAP
#undef BINOP_TRAP
// Compare-and-branch: a, b, target / a, imm low, imm high, target.
#define HM_X(T, name) BrIf##T##name, BrIf##T##name##Imm,
  HM_FUSED_CMPS(HM_X)
#undef HM_X
  Count
};

struct CompiledFunc {
  std::vector<uint32_t> code;
  uint32_t param_slots = 0;
  uint32_t local_slots = 0;  ///< params + declared locals
  uint32_t frame_slots = 0;  ///< local_slots + the deepest operand stack
  uint32_t result_count = 0;
};

/// Offsets of every handler from the interpreter's base label, indexed by Op.
const int32_t* handler_offsets() noexcept;

}  // namespace hailmary::detail
