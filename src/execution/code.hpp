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
  X(Br)               /* target */                                                     \
  X(BrIf)             /* cond, target */                                               \
  X(BrUnless)         /* cond, target */                                               \
  X(BrTable)          /* index, count, target*count, default */                        \
  X(Copy)             /* dst, src */                                                   \
  X(Return)           /* */                                                            \
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
