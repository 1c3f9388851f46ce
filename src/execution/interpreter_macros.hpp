// The interpreters' shared macros: execute() (interpreter.cpp) and the leaf interpreter
// (leaf_interpreter.cpp) each include this, then handlers.inc into their function body.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

// These loops run a handful of times; the empty asm keeps GCC from vectorising them (and
// from versioning them for aliasing), which costs more than it saves at that length.
#define HM_SCALAR_LOOP(i) asm("" : "+r"(i))
// A fused instruction's write of an intermediate result: done (HM_KEEP), or left out in the
// Lean forms, where the translator found it an operand-stack temporary (HM_DROP).
#define HM_KEEP(x) x
#define HM_DROP(x)
#define HM_R_I32(w) static_cast<uint32_t>(fp[w])
#define HM_R_I64(w) (fp[w])
#define HM_R_F32(w) std::bit_cast<float>(static_cast<uint32_t>(fp[w]))
#define HM_R_F64(w) std::bit_cast<double>(fp[w])
#define HM_W_I32(w, v) (fp[w] = static_cast<uint32_t>(v))
#define HM_W_I64(w, v) (fp[w] = static_cast<uint64_t>(v))
#define HM_W_F32(w, v) (fp[w] = std::bit_cast<uint32_t>(v))
#define HM_W_F64(w, v) (fp[w] = std::bit_cast<uint64_t>(v))

// The interpreters' shared vocabulary, over the state each declares: fp, pc, inst, s,
// mem_base, mem_fast_limit, trap.
#define HM_RELOAD_MEMORY()               \
  do {                                   \
    if (MemoryInst* m = inst->memory0) { \
      mem_base = m->base;                \
      mem_fast_limit = m->fast_limit;    \
    }                                    \
  } while (0)
#define HM_MEM_SIZE() (inst->memory0 ? inst->memory0->size : uint64_t{0})
// Traps unless the n (<= 8) bytes at `ea` are in linear memory.
// (The first compare is the unlikely one: GCC then moves the exact check out of line, and the
// in-bounds path runs straight through instead of jumping over it.)
#define HM_CHECK_BOUNDS(ea, n)                                                                  \
  do {                                                                                          \
    if (__builtin_expect((ea) >= mem_fast_limit, 0) && (ea) + (n) > HM_MEM_SIZE()) [[unlikely]] \
      TRAP(TrapKind::MemoryOutOfBounds);                                                        \
  } while (0)
// The 64-bit immediate in words w and w + 1; a wasm address (an i32) in the slot named at
// word w.
#define HM_IMM64(w) (pc[w] | (static_cast<uint64_t>(pc[(w) + 1]) << 32))
#define HM_SLOT_ADDR(w) static_cast<uint64_t>(static_cast<uint32_t>(fp[pc[w]]))
// `T v`, read from linear memory at `address` (a uint64_t), bounds checked.
#define HM_READ(T, v, address)        \
  const uint64_t v##_ea = (address);  \
  HM_CHECK_BOUNDS(v##_ea, sizeof(T)); \
  T v;                                \
  std::memcpy(&v, mem_base + v##_ea, sizeof(T))
// Writes `value` as a T to linear memory at `address` (a uint64_t), bounds checked.
#define HM_WRITE(T, address, value)              \
  do {                                           \
    const uint64_t ea_ = (address);              \
    HM_CHECK_BOUNDS(ea_, sizeof(T));             \
    const T v_ = static_cast<T>(value);          \
    std::memcpy(mem_base + ea_, &v_, sizeof(T)); \
  } while (0)
// The handler's address is the instruction's first two words (4-byte aligned: an unaligned
// 64-bit load, which x86-64 and AArch64 do at full speed).
#define NEXT()                                   \
  do {                                           \
    const void* handler_;                        \
    std::memcpy(&handler_, pc, sizeof handler_); \
    HM_OPSTATS_RECORD(handler_);                 \
    goto* handler_;                              \
  } while (0)
// Branch targets are stored relative to the word that holds them.
#define HM_JUMP(k) pc = pc + (k) + static_cast<int32_t>(pc[k])
// A taken branch back to a loop: the loop's header check, done by the branch. [[likely]]: a
// loop's conditional back edge is mostly taken, and GCC then lays out the taken path as the
// straight one (no jump to it before the dispatch's jump).
#define HM_CHECK_INTERRUPT()                                                           \
  [[likely]] if (HM_RUNNING_STORE.interrupt_requested.load(std::memory_order_relaxed)) \
      TRAP(TrapKind::Interrupted)
#define TRAP(kind) \
  do {             \
    trap = (kind); \
    goto L_trap;   \
  } while (0)
