// The leaf interpreter: execute() for code that calls nothing and has no loops
// (CompiledFunc::leaf_code), which host -> guest calls of such functions run in. Its handlers are
// execute()'s (handlers.inc) without those that call out. It exists for its entry and exit: this
// file is compiled with the callee-saved registers reserved (-ffixed-*, CMakeLists.txt), so GCC
// saves and restores none of them, which was a third of the time of a host call of a small
// function; the values that do not fit in the other registers are spilled instead.
#include "execution/code.hpp"
#include "execution/interpreter.hpp"
#include "execution/interpreter_macros.hpp"
#include "execution/numeric.hpp"
#include "hailmary/extern.hpp"

// Computed goto ("labels as values") is a GNU extension that both GCC and Clang support.
#pragma GCC diagnostic ignored "-Wpedantic"

#define HM_OPSTATS_RECORD(h) ((void)0)
// (Not a local: it would take a register or a spill on the entry path.)
#define HM_RUNNING_STORE (*entry->store)

namespace hailmary::detail {
namespace {

// Set by invoke_wasm_raw(nullptr, nullptr): the table is the function's, like its labels.
const void* const* g_leaf_handlers = nullptr;

}  // namespace

// The leaf interpreter's entry is the host's call of a wasm function itself: a function with
// leaf code runs here, any other goes on to execute(). (One call, not a call and a jump:
// a host -> guest call of a small function is a few dozen instructions in all.)
bool invoke_wasm_raw(FuncInst* entry, uint64_t* slots) noexcept {
  if (!entry) [[unlikely]] {
    static const void* const kHandlers[] = {
#include "execution/handler_table.inc"
    };
    static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == static_cast<size_t>(Op::Count));
    g_leaf_handlers = kHandlers;
    return true;
  }
  // Leaf code runs with its arguments in place (`slots` is the value stack's top: see
  // extern.hpp): the frame is `slots`, and the results are left there too. It needs no room
  // check: its frame fits in the red zone past the value stack's end (the translator sees to
  // it), and the top is never past the end.
  const uint32_t* pc = entry->leaf_code;
  uint64_t* const fp = slots;
  if (!pc) return execute(entry->store, entry);
  InstanceData* inst = entry->instance;
  uint8_t* mem_base = nullptr;  // (set by the LeafMemory that starts code that touches memory)
  uint64_t mem_fast_limit = 0;
  TrapKind trap = TrapKind::None;
  NEXT();

#define HM_LEAF 1
#include "execution/handlers.inc"
#undef HM_LEAF

L_ReturnFrom:
  fp[0] = fp[pc[2]];
L_Return:
  return true;

L_trap:
  return trapped(*entry->store, trap, entry, nullptr, nullptr);  // (no frames of its own)

  // Not in leaf code (runs_in_leaf): the translator makes no leaf copy of code that has them.
#define HM_X(name) L_##name:
  HM_OPS_OUTSIDE_LEAF(HM_X)
#undef HM_X
L_outside_leaf:
  // (A trap instruction, not a call of abort(): with no call in it, the function may keep
  // its temporaries in the red zone below the stack pointer and needs no frame.)
  __builtin_trap();
}

const void* const* leaf_handler_addresses() noexcept {
  static const void* const* table = [] {
    invoke_wasm_raw(nullptr, nullptr);
    return g_leaf_handlers;
  }();
  return table;
}

}  // namespace hailmary::detail
