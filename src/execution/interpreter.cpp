// The interpreter loop: direct-threaded dispatch with computed goto over the code that
// validation/function_compiler.cpp emits. Wasm-to-wasm calls never recurse on the native
// stack: they push a CallFrame and continue in the same loop. Only host functions that call
// back into wasm nest, and those nestings are bounded separately.
#include "execution/interpreter.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#ifdef HM_OPSTATS
#include <unordered_map>
#include <vector>
#endif

#include "execution/code.hpp"
#include "execution/numeric.hpp"

// Computed goto ("labels as values") is a GNU extension that both GCC and Clang support; it
// is the point of this file.
#pragma GCC diagnostic ignored "-Wpedantic"

namespace hailmary::detail {
namespace {

#ifdef HM_OPSTATS
// Profiling build (-DHM_OPSTATS): counts executed instructions, pairs and triples, and prints
// the most frequent ones at exit. Finds the sequences worth a superinstruction.
struct OpStats {
  static constexpr size_t kN = static_cast<size_t>(Op::Count) + 1;
  std::vector<uint64_t> ops = std::vector<uint64_t>(kN), pairs = std::vector<uint64_t>(kN * kN);
  std::unordered_map<uint64_t, uint64_t> triples;
  size_t prev = kN - 1, prev2 = kN - 1;
  void record(const void* handler) {
    size_t op = op_of_handler(handler);
    ++ops[op];
    ++pairs[prev * kN + op];
    ++triples[(prev2 * kN + prev) * kN + op];
    prev2 = prev;
    prev = op;
  }
  static void top(const char* title, std::vector<std::pair<uint64_t, uint64_t>> v, size_t n,
                  size_t arity, uint64_t total) {
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
    std::fprintf(stderr, "== %s\n", title);
    for (size_t i = 0; i < std::min(n, v.size()); ++i) {
      std::fprintf(stderr, "%6.2f%% %12llu ",
                   100.0 * static_cast<double>(v[i].second) / static_cast<double>(total),
                   static_cast<unsigned long long>(v[i].second));
      uint64_t k = v[i].first;
      size_t parts[3];
      for (size_t j = arity; j-- > 0;) {
        parts[j] = k % kN;
        k /= kN;
      }
      for (size_t j = 0; j < arity; ++j) std::fprintf(stderr, " %s", op_name(parts[j]));
      std::fprintf(stderr, "\n");
    }
  }
  ~OpStats() {
    uint64_t total = 0;
    std::vector<std::pair<uint64_t, uint64_t>> v;
    for (size_t i = 0; i < kN; ++i)
      if (ops[i]) v.emplace_back(i, ops[i]), total += ops[i];
    std::fprintf(stderr, "== %llu instructions\n", static_cast<unsigned long long>(total));
    top("ops", v, 70, 1, total);
    v.clear();
    for (size_t i = 0; i < kN * kN; ++i)
      if (pairs[i]) v.emplace_back(i, pairs[i]);
    top("pairs", v, 80, 2, total);
    v.assign(triples.begin(), triples.end());
    top("triples", v, 60, 3, total);
  }
};
OpStats g_opstats;
#define HM_OPSTATS_RECORD(h) g_opstats.record(h)
#else
#define HM_OPSTATS_RECORD(h) ((void)0)
#endif

#ifndef HM_LAYOUT_PROBE
#define HM_LAYOUT_PROBE 0
#endif

// Native nesting of host -> wasm -> host -> wasm ... activations; each costs native stack.
constexpr uint32_t kMaxActivations = 256;

/// The trap with its backtrace: each frame above `base` records the function it called, and
/// `entry` is the function this activation started in.
[[gnu::noinline, gnu::cold]] Error make_trap(TrapKind kind, FuncInst* entry, const CallFrame* base,
                                             const CallFrame* top) {
  Error e = Error::trap(kind);
  auto add = [&](FuncInst* f) {
    if (!f) return;
    Frame fr;
    fr.func_index = f->func_index;
    if (f->instance) fr.func_name = std::string(f->instance->module.function_name(f->func_index));
    e.backtrace().push_back(std::move(fr));
  };
  for (const CallFrame* f = top; f > base; --f) add(f[-1].callee);
  add(entry);
  return e;
}

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

[[gnu::noinline]] bool invoke_host(StoreData& s, FuncInst* func, uint64_t* slots) noexcept {
  Caller caller(s, nullptr);
  if (func->host(caller, slots, func->host_env)) return true;
  s.pending_error = caller.failed() ? caller.take_error()
                                    : Error::trap(TrapKind::HostError, "host function failed");
  return false;
}

[[gnu::noinline]] bool exhausted(StoreData& s) noexcept {
  s.pending_error = Error::trap(TrapKind::CallStackExhausted);
  return false;
}
/// Records why a host function called from wasm failed, with a backtrace for traps.
[[gnu::noinline, gnu::cold]] void host_failed(StoreData& s, Caller& caller, FuncInst* entry,
                                              const CallFrame* base_frame,
                                              const CallFrame* frame) noexcept {
  Error e = caller.failed() ? caller.take_error()
                            : Error::trap(TrapKind::HostError, "host function failed");
  if (e.kind() == ErrorKind::Trap && e.backtrace().empty()) {
    Error t = make_trap(e.trap_kind(), entry, base_frame, frame);
    e.backtrace() = std::move(t.backtrace());
  }
  s.pending_error = std::move(e);
}

/// memory.copy within one memory: a memmove, but for a case glibc's memmove handles badly on
/// AMD Zen (this machine class): over 2 KiB, no overlap, and the destination 1 to 31 bytes
/// past the source modulo 4 KiB. Its `rep movsb` then runs 2.5 to 27 times slower (4 KiB in
/// 1.16 us instead of 43 ns). Pieces of 2 KiB or less, copied from the end, stay off that
/// path and copy at the speed of the good case. A guest's memcpy lands on such addresses by
/// chance of its heap layout.
[[gnu::noinline]] void copy_within_memory(uint8_t* base, uint64_t to, uint64_t from,
                                          uint64_t n) noexcept {
  constexpr uint64_t kPiece = 2048;
  const bool apart = to >= from + n || from >= to + n;
  if (n > kPiece && apart && ((to - from) & 4095) - 1 < 31) {
    uint64_t left = n;
    while (left > kPiece) {
      left -= kPiece;
      std::memmove(base + to + left, base + from + left, kPiece);
    }
    std::memmove(base + to, base + from, left);
    return;
  }
  std::memmove(base + to, base + from, n);
}

/// Runs wasm function `entry` with the arguments in `slots` (results replace them), on a new
/// frame at the store's stack top: invoke() is this, after the host-function case. With
/// entry == nullptr, only publishes the handler table through `table_out`.
bool execute(StoreData* store, FuncInst* entry, uint64_t* slots,
             const void* const** table_out) noexcept {
  if (!entry) {
    // Published once through handler_addresses(); kept out of the hot entry path so calls
    // don't pass a static-initialisation guard.
    static const void* const kHandlers[] = {
#define HM_X(name, n) &&L_##name,
        HM_CONTROL_OPS(HM_X)
#undef HM_X
#define UNOP(name, code, in, out) &&L_##name,
#define BINOP UNOP
#include "execution/numeric_ops.def"
#define BINOP(name, code, in, out) &&L_##name##Imm,
#define UNOP_TRAP(name, code, in, out)
#define BINOP_TRAP(name, code, in, out)
#include "execution/numeric_ops.def"
#define HM_X(T, name) &&L_BrIf##T##name, &&L_BrIf##T##name##Imm,
            HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(T, name) &&L_BrIf##T##name##Loop, &&L_BrIf##T##name##ImmLoop,
                HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(name, T, Out) &&L_##name##Add, &&L_##name##AddImm, &&L_##name##ShlAdd,
                    HM_LOADS(HM_X)
#undef HM_X
#define HM_X(name, T, Out) &&L_##name##AddLean, &&L_##name##AddImmLean, &&L_##name##ShlAddLean,
                        HM_LOADS(HM_X)
#undef HM_X
#define HM_X(T, name) &&L_BrIf##T##name##Add, &&L_BrIf##T##name##AddLoop,
                            HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(First, Second) &&L_I32##First##Then##Second,
                                HM_I32_PAIRS(HM_X)
#undef HM_X
#define HM_X(name, T, n) &&L_##name##ThenAdd,
                                    HM_STORES_THEN_ADD(HM_X)
#undef HM_X
#define HM_X(name, T, Out) &&L_##name##Abs,
                                        HM_LOADS(HM_X)
#undef HM_X
#define HM_X(name, T) &&L_##name##Abs, &&L_##name##ImmAbs,
                                            HM_STORES(HM_X)
#undef HM_X
    };
    static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == static_cast<size_t>(Op::Count));
    *table_out = kHandlers;
#if HM_LAYOUT_PROBE > 0
    // clang-format off
    static const void* const kLayoutProbes[] = {
        &&L_layout_probe_1,
#if HM_LAYOUT_PROBE > 1
        &&L_layout_probe_2,
#endif
#if HM_LAYOUT_PROBE > 2
        &&L_layout_probe_3,
#endif
    };
    // clang-format on
    asm volatile("" : : "r"(kLayoutProbes));  // keeps them, and so their handlers
#endif
    return true;
  }
  StoreData& s = *store;
  uint64_t* fp = s.value_stack.top;
  {
    const CompiledFunc* cf = entry->code;
    // (The call depth needs no check here: this frame is not a CallFrame, and the first call
    // from it checks frames_end.)
    // (Nesting is bounded where it happens: at the host calls that may re-enter.)
    if (fp + cf->frame_slots > s.value_stack.end) [[unlikely]]
      return exhausted(s);
    // Plain loops: these are a few words, and a memcpy call costs more than the copy.
    // Typed calls put their arguments in place (detail::value_stack_of): nothing to copy.
    if (slots != fp) {
      for (uint32_t i = 0, n = cf->param_slots; i < n; ++i) {
        fp[i] = slots[i];
        HM_SCALAR_LOOP(i);
      }
    }
  }

  // Hot state only; the call path reads its limits from `s` (they would be spilled anyway).
  InstanceData* inst = entry->instance;
  const uint32_t* pc = entry->code->code.data();
  uint8_t* mem_base = nullptr;
  // Accesses of up to 8 bytes at an address below this are in bounds (MemoryInst::fast_limit:
  // size - 7, or 0 for an empty memory): one compare on the fast path, the exact check only
  // for an address near or past the end.
  uint64_t mem_fast_limit = 0;
  // This activation's share of the store's execution state, which host calls from it
  // change and put back: read here once, so that a host call stores them back without
  // loading them first (back-to-back host calls then carry no store-to-load dependencies).
  uint64_t* const entry_fp = fp;
  CallFrame* const base_frame = s.frames_top;
  const uint32_t entry_activations = s.activations;
  CallFrame* frame = base_frame;  // next free frame
  TrapKind trap = TrapKind::None;
  FuncInst* callee = nullptr;
  uint64_t* callee_fp = nullptr;

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
#define HM_CHECK_INTERRUPT() \
  [[likely]] if (s.interrupt_requested.load(std::memory_order_relaxed)) TRAP(TrapKind::Interrupted)
#define TRAP(kind) \
  do {             \
    trap = (kind); \
    goto L_trap;   \
  } while (0)

  HM_RELOAD_MEMORY();
  NEXT();

L_Unreachable:
  TRAP(TrapKind::Unreachable);
L_LazyCompile : {
  // First call of a function whose body is not translated yet: translate it, point its
  // FuncInst at the result, and start it as do_call would have (the frame is already pushed,
  // with the placeholder's frame size, which covers only the parameters).
  FuncInst* f = frame == base_frame ? entry : frame[-1].callee;
  const CompiledFunc* cf = translate_lazily(s, f);
  if (!cf) return false;
  if (fp + cf->frame_slots > s.value_stack.end) TRAP(TrapKind::CallStackExhausted);
  pc = cf->code.data();
  NEXT();
}
L_ZeroLocals:
  // The declared locals that may be read before written; usually a few, so no memset.
  for (uint32_t i = pc[2], e = pc[3]; i < e; ++i) {
    fp[i] = 0;
    HM_SCALAR_LOOP(i);
  }
  pc += 4;
  NEXT();

L_Br:
  HM_JUMP(2);
  NEXT();
L_BrIf:
  if (static_cast<uint32_t>(fp[pc[2]]) != 0) {
    HM_JUMP(3);
  } else {
    pc += 4;
  }
  NEXT();
L_BrUnless:
  if (static_cast<uint32_t>(fp[pc[2]]) == 0) {
    HM_JUMP(3);
  } else {
    pc += 4;
  }
  NEXT();
L_BrLoop:
  HM_CHECK_INTERRUPT();
  HM_JUMP(2);
  NEXT();
L_BrIfLoop:
  if (static_cast<uint32_t>(fp[pc[2]]) != 0) {
    HM_CHECK_INTERRUPT();
    HM_JUMP(3);
  } else {
    pc += 4;
  }
  NEXT();
L_BrUnlessLoop:
  if (static_cast<uint32_t>(fp[pc[2]]) == 0) {
    HM_CHECK_INTERRUPT();
    HM_JUMP(3);
  } else {
    pc += 4;
  }
  NEXT();
L_BrTable : {
  uint32_t i = static_cast<uint32_t>(fp[pc[2]]);
  uint32_t n = pc[3];
  HM_JUMP(4 + std::min(i, n));
  NEXT();
}
// The tail of every br_table form: the index `x` plus the immediate at word `w` is written to
// the slot named at word w - 2 and selects a target among those after the count at w + 2.
// The same without writing the index (the Lean forms).
#define HM_BR_TABLE_JUMP(x, w)                            \
  do {                                                    \
    const uint32_t i_ = static_cast<uint32_t>(x) + pc[w]; \
    HM_JUMP((w) + 3 + std::min(i_, pc[(w) + 2]));         \
    NEXT();                                               \
  } while (0)
#define HM_BR_TABLE_ADD(x, w)                             \
  do {                                                    \
    const uint32_t i_ = static_cast<uint32_t>(x) + pc[w]; \
    fp[pc[(w)-2]] = i_;                                   \
    HM_JUMP((w) + 3 + std::min(i_, pc[(w) + 2]));         \
    NEXT();                                               \
  } while (0)
// `v`: the byte at wasm address `addr` (a uint32_t) + the offset at word offset_word, also
// written to the slot named at dst_word.
#define HM_LOAD8U_INTO(v, dst_word, addr, offset_word)                \
  const uint64_t ea_ = static_cast<uint64_t>(addr) + pc[offset_word]; \
  HM_CHECK_BOUNDS(ea_, 1);                                            \
  const uint32_t v = mem_base[ea_];                                   \
  fp[pc[dst_word]] = v

L_BrTableAddImm:
  HM_BR_TABLE_ADD(fp[pc[3]], 4);
L_BrTableLookup : {
  // Words: 2-8 the I32AndShlImm (t, a, mask, dst, shift), 11-16 the I32LoadAddImm (sum, a,
  // imm, dst, offset), 19-23 the BrTableAddImm (sum, a, imm, count), 24- the targets.
  const uint32_t t = static_cast<uint32_t>(fp[pc[3]]) & pc[4];
  fp[pc[2]] = t;
  const uint32_t scaled = t << (pc[7] & 31);
  fp[pc[6]] = scaled;
  const uint32_t sum = scaled + pc[13];
  fp[pc[11]] = sum;
  const uint64_t ea = static_cast<uint64_t>(sum) + pc[16];
  HM_CHECK_BOUNDS(ea, 4);
  uint32_t v;
  std::memcpy(&v, mem_base + ea, 4);
  fp[pc[15]] = v;
  HM_BR_TABLE_ADD(v, 21);
}
// The tail of the BrTableLookup forms: the slot value `x` selects an entry of the table in
// linear memory, and that entry a target.
#define HM_LOOKUP_JUMP(x)                                                                          \
  do {                                                                                             \
    HM_READ(uint32_t, v,                                                                           \
            static_cast<uint64_t>(((static_cast<uint32_t>(x) & pc[4]) << (pc[7] & 31)) + pc[13]) + \
                pc[16]);                                                                           \
    HM_BR_TABLE_JUMP(v, 21);                                                                       \
  } while (0)
L_BrTableLookupLeanLoop:
  HM_CHECK_INTERRUPT();
  goto L_BrTableLookupLean;
L_BrTableLookupLean:
  HM_LOOKUP_JUMP(fp[pc[3]]);
// Words: 2-4 the I32Load (dst, addr, offset), 9-15 the I32ShrUAndAddLean on dst, 16- the
// BrTableLookupLean(Loop) on dst, which uses the loaded value without reading it back.
// HM_FETCH_AT fetches at wasm address `addr` (a uint64_t), HM_FETCH at its address slot's.
#define HM_FETCH_AT(i, addr)                                                       \
  HM_READ(uint32_t, i, (addr) + pc[4]);                                            \
  fp[pc[2]] = i;                                                                   \
  fp[pc[14]] = static_cast<uint32_t>(((i >> (pc[9] & 31)) & pc[12]) + fp[pc[15]]); \
  pc += 16
#define HM_FETCH(i) HM_FETCH_AT(i, HM_SLOT_ADDR(3))
L_FetchDispatchLean : {
  HM_FETCH(i);
  HM_LOOKUP_JUMP(i);
}
L_FetchDispatchLeanLoop : {
  HM_FETCH(i);
  HM_CHECK_INTERRUPT();
  HM_LOOKUP_JUMP(i);
}
L_Copy2AddImmFetchDispatchLeanLoop : {
  const uint64_t addr = fp[pc[3]];
  fp[pc[2]] = addr;
  fp[pc[4]] = fp[pc[5]];
  fp[pc[8]] = static_cast<uint32_t>(fp[pc[9]] + pc[10]);
  pc += 12;
  HM_FETCH_AT(i, static_cast<uint64_t>(static_cast<uint32_t>(addr)));
  HM_CHECK_INTERRUPT();
  HM_LOOKUP_JUMP(i);
}
#undef HM_FETCH
#undef HM_FETCH_AT
#undef HM_LOOKUP_JUMP
L_BrTableAndImmLean:
  // Words: 2-5 the I32AndImm (t, a, mask), 8-12 the BrTableAddImm, 13- the targets.
  HM_BR_TABLE_JUMP(static_cast<uint32_t>(fp[pc[3]]) & pc[4], 10);
L_BrTableLoad8U : {
  // Words: 2-4 the I32Load8U (dst, addr, offset), 7-11 the BrTableAddImm (sum, a, imm,
  // count), 12- the targets.
  HM_LOAD8U_INTO(v, 2, static_cast<uint32_t>(fp[pc[3]]), 4);
  HM_BR_TABLE_ADD(v, 9);
}
L_BrTableLoad8UAnd : {
  // Words: 2-4 the I32Load8U, 7-10 the I32AndImm (t, a, mask), 13-17 the BrTableAddImm,
  // 18- the targets.
  HM_LOAD8U_INTO(v, 2, static_cast<uint32_t>(fp[pc[3]]), 4);
  const uint32_t t = v & pc[9];
  fp[pc[7]] = t;
  HM_BR_TABLE_ADD(t, 15);
}
L_BrTableLoad8ULean : {
  const uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(fp[pc[3]])) + pc[4];
  HM_CHECK_BOUNDS(ea, 1);
  HM_BR_TABLE_JUMP(mem_base[ea], 9);
}
L_BrTableLoad8UAndLean : {
  const uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(fp[pc[3]])) + pc[4];
  HM_CHECK_BOUNDS(ea, 1);
  HM_BR_TABLE_JUMP(mem_base[ea] & pc[9], 15);
}
L_I32ShrUAndImm : {
  const uint32_t t = static_cast<uint32_t>(fp[pc[3]]) >> (pc[4] & 31);
  fp[pc[2]] = t;
  fp[pc[6]] = t & pc[7];
  pc += 9;
  NEXT();
}
L_I32ShrUAndAdd : {
  const uint32_t t = static_cast<uint32_t>(fp[pc[3]]) >> (pc[4] & 31);
  fp[pc[2]] = t;
  const uint32_t x = t & pc[7];
  fp[pc[6]] = x;
  fp[pc[9]] = static_cast<uint32_t>(x + fp[pc[10]]);
  pc += 11;
  NEXT();
}
L_I32ShrUAndAddLean:
  fp[pc[9]] = static_cast<uint32_t>(((static_cast<uint32_t>(fp[pc[3]]) >> (pc[4] & 31)) & pc[7]) +
                                    fp[pc[10]]);
  pc += 11;
  NEXT();
L_I32Load16UAndShlAddLean : {
  // Words: 2-4 the I32And, 7-14 the load (t, a, shift lo, hi, sum, b, dst, offset).
  const uint32_t index = static_cast<uint32_t>(fp[pc[3]]) & static_cast<uint32_t>(fp[pc[4]]);
  const uint32_t sum = (index << (pc[9] & 31)) + static_cast<uint32_t>(fp[pc[12]]);
  const uint64_t ea = static_cast<uint64_t>(sum) + pc[14];
  HM_CHECK_BOUNDS(ea, 2);
  uint16_t v;
  std::memcpy(&v, mem_base + ea, 2);
  fp[pc[13]] = v;
  pc += 15;
  NEXT();
}
L_I32Load8UAddAdd : {
  // Words: 2-4 the I32Add, 7-11 the I32Load8UAdd.
  const uint32_t m = static_cast<uint32_t>(fp[pc[3]] + fp[pc[4]]);
  fp[pc[2]] = m;
  const uint32_t sum = static_cast<uint32_t>(m + fp[pc[9]]);
  fp[pc[7]] = sum;
  const uint64_t ea = static_cast<uint64_t>(sum) + pc[11];
  HM_CHECK_BOUNDS(ea, 1);
  fp[pc[10]] = mem_base[ea];
  pc += 12;
  NEXT();
}
L_I32LoadShrUAndAddLean : {
  // Words: 2-4 the I32Load, 7-15 the I32ShrUAndAddLean.
  const uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(fp[pc[3]])) + pc[4];
  HM_CHECK_BOUNDS(ea, 4);
  uint32_t v;
  std::memcpy(&v, mem_base + ea, 4);
  fp[pc[2]] = v;
  fp[pc[14]] = static_cast<uint32_t>(((v >> (pc[9] & 31)) & pc[12]) + fp[pc[15]]);
  pc += 16;
  NEXT();
}
L_I32ShlAdd : {
  const uint32_t t = static_cast<uint32_t>(fp[pc[3]]) << (pc[4] & 31);
  fp[pc[2]] = t;
  fp[pc[6]] = static_cast<uint32_t>(t + fp[pc[7]]);
  pc += 8;
  NEXT();
}
L_I32AndShlImm : {
  const uint32_t t = static_cast<uint32_t>(fp[pc[3]]) & pc[4];
  fp[pc[2]] = t;
  fp[pc[6]] = static_cast<uint32_t>(t << (pc[7] & 31));
  pc += 9;
  NEXT();
}
// t = a & mask; branch on t (flag tests) or on t compared with b (field compares), with the
// loop variants that check for an interrupt when taken.
#define HM_BR_AND_IMM(name, test, target_word, check, keep)      \
  L_##name : {                                                   \
    const uint32_t t = static_cast<uint32_t>(fp[pc[3]]) & pc[4]; \
    keep(fp[pc[2]] = t);                                         \
    if (test) {                                                  \
      check;                                                     \
      HM_JUMP(target_word);                                      \
    } else {                                                     \
      pc += (target_word) + 1;                                   \
    }                                                            \
    NEXT();                                                      \
  }
#define HM_EQ_B static_cast<uint32_t>(fp[pc[6]]) == t
#define HM_NE_B static_cast<uint32_t>(fp[pc[6]]) != t
  HM_BR_AND_IMM(BrIfAndImm, t != 0, 6, (void)0, HM_KEEP)
  HM_BR_AND_IMM(BrUnlessAndImm, t == 0, 6, (void)0, HM_KEEP)
  HM_BR_AND_IMM(BrIfAndImmLoop, t != 0, 6, HM_CHECK_INTERRUPT(), HM_KEEP)
  HM_BR_AND_IMM(BrUnlessAndImmLoop, t == 0, 6, HM_CHECK_INTERRUPT(), HM_KEEP)
  HM_BR_AND_IMM(BrIfI32EqAndImm, HM_EQ_B, 7, (void)0, HM_KEEP)
  HM_BR_AND_IMM(BrIfI32NeAndImm, HM_NE_B, 7, (void)0, HM_KEEP)
  HM_BR_AND_IMM(BrIfI32EqAndImmLoop, HM_EQ_B, 7, HM_CHECK_INTERRUPT(), HM_KEEP)
  HM_BR_AND_IMM(BrIfI32NeAndImmLoop, HM_NE_B, 7, HM_CHECK_INTERRUPT(), HM_KEEP)
  HM_BR_AND_IMM(BrIfI32EqAndImmLean, HM_EQ_B, 7, (void)0, HM_DROP)
  HM_BR_AND_IMM(BrIfI32NeAndImmLean, HM_NE_B, 7, (void)0, HM_DROP)
#undef HM_EQ_B
#undef HM_NE_B
#undef HM_BR_AND_IMM
// d = load(a + offset); d2 = load(d + offset2).
#define HM_LOAD_LOAD(name, keep)                                                   \
  L_##name : {                                                                     \
    uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(fp[pc[3]])) + pc[4]; \
    HM_CHECK_BOUNDS(ea, 4);                                                        \
    uint32_t v;                                                                    \
    std::memcpy(&v, mem_base + ea, 4);                                             \
    keep(fp[pc[2]] = v);                                                           \
    ea = static_cast<uint64_t>(v) + pc[6];                                         \
    HM_CHECK_BOUNDS(ea, 4);                                                        \
    std::memcpy(&v, mem_base + ea, 4);                                             \
    fp[pc[5]] = v;                                                                 \
    pc += 7;                                                                       \
    NEXT();                                                                        \
  }
  HM_LOAD_LOAD(I32LoadLoad, HM_KEEP)
  HM_LOAD_LOAD(I32LoadLoadLean, HM_DROP)
#undef HM_LOAD_LOAD
L_I32ShlAddLean:
  fp[pc[6]] = static_cast<uint32_t>((static_cast<uint32_t>(fp[pc[3]]) << (pc[4] & 31)) + fp[pc[7]]);
  pc += 8;
  NEXT();
L_I32RotlXorLean:
  fp[pc[6]] = std::rotl(static_cast<uint32_t>(fp[pc[3]]), static_cast<int>(pc[4] & 31)) ^
              static_cast<uint32_t>(fp[pc[7]]);
  pc += 8;
  NEXT();
L_I32ShrUXorLean:
  fp[pc[6]] = (static_cast<uint32_t>(fp[pc[3]]) >> (pc[4] & 31)) ^ static_cast<uint32_t>(fp[pc[7]]);
  pc += 8;
  NEXT();
  // Words: 2-5 the I32RotlImm (d, x, k), 8-13 an I32RotlXorLean on d, and for the triples
  // 16-21 the last rotate or shift xor-ed with the second's result.
#define HM_ROTATIONS(name, third)                                                                  \
  L_##name : {                                                                                     \
    const uint32_t v1 = std::rotl(static_cast<uint32_t>(fp[pc[3]]), static_cast<int>(pc[4] & 31)); \
    fp[pc[2]] = v1;                                                                                \
    const uint32_t v2 =                                                                            \
        std::rotl(static_cast<uint32_t>(fp[pc[9]]), static_cast<int>(pc[10] & 31)) ^ v1;           \
    fp[pc[12]] = v2;                                                                               \
    third;                                                                                         \
    NEXT();                                                                                        \
  }
  HM_ROTATIONS(I32Rotl2Xor, pc += 14)
  HM_ROTATIONS(
      I32Rotl3Xor,
      fp[pc[20]] = std::rotl(static_cast<uint32_t>(fp[pc[17]]), static_cast<int>(pc[18] & 31)) ^ v2;
      pc += 22)
  HM_ROTATIONS(I32Rotl2XorShrUXor,
               fp[pc[20]] = (static_cast<uint32_t>(fp[pc[17]]) >> (pc[18] & 31)) ^ v2;
               pc += 22)
  HM_ROTATIONS(
      I32Rotl3XorAdd,
      fp[pc[22]] = static_cast<uint32_t>(
          (std::rotl(static_cast<uint32_t>(fp[pc[17]]), static_cast<int>(pc[18] & 31)) ^ v2) +
          fp[pc[23]]);
      pc += 24)
  HM_ROTATIONS(I32Rotl2XorShrUXorAdd,
               fp[pc[22]] = static_cast<uint32_t>(
                   ((static_cast<uint32_t>(fp[pc[17]]) >> (pc[18] & 31)) ^ v2) + fp[pc[23]]);
               pc += 24)
#undef HM_ROTATIONS
  // An i32 load at `ea` (a uint64_t) whose value is added to the slot at word w + 1 and
  // written to the slot at word w; then the instruction's w + 2 words are done.
#define HM_LOAD_THEN_ADD(address, w)                        \
  do {                                                      \
    HM_READ(uint32_t, v, address);                          \
    fp[pc[w]] = static_cast<uint32_t>(v + fp[pc[(w) + 1]]); \
    pc += (w) + 2;                                          \
    NEXT();                                                 \
  } while (0)
L_I32LoadThenAdd:
  // Words: 2-4 the I32Load (dst, addr, offset), 5 dst, 6 b.
  HM_LOAD_THEN_ADD(HM_SLOT_ADDR(3) + pc[4], 5);
L_I32LoadAddLeanThenAdd:
  // Words: 2-6 the I32LoadAddLean (sum, a, b, dst, offset), 7 dst, 8 b.
  HM_LOAD_THEN_ADD(static_cast<uint64_t>(static_cast<uint32_t>(fp[pc[3]] + fp[pc[4]])) + pc[6], 7);
L_I32LoadAddImmLeanThenAdd:
  // Words: 2-7 the I32LoadAddImmLean (sum, a, imm lo, hi, dst, offset), 8 dst, 9 b.
  HM_LOAD_THEN_ADD(static_cast<uint64_t>(static_cast<uint32_t>(fp[pc[3]] + pc[4])) + pc[7], 8);
#undef HM_LOAD_THEN_ADD
L_I32MulImmAdd:
  fp[pc[6]] = static_cast<uint32_t>(static_cast<uint32_t>(fp[pc[3]]) * pc[4] + fp[pc[7]]);
  pc += 8;
  NEXT();
#define HM_LOAD_STORE(name, T)               \
  L_##name : {                               \
    HM_READ(T, v, HM_SLOT_ADDR(3) + pc[4]);  \
    HM_WRITE(T, HM_SLOT_ADDR(5) + pc[6], v); \
    pc += 7;                                 \
    NEXT();                                  \
  }
  HM_LOAD_STORE(I32LoadStore, uint32_t)
  HM_LOAD_STORE(I64LoadStore, uint64_t)
  HM_LOAD_STORE(Load8Store8, uint8_t)
  HM_LOAD_STORE(Load16Store16, uint16_t)
#undef HM_LOAD_STORE
L_I32RotlXor : {
  const uint32_t t = std::rotl(static_cast<uint32_t>(fp[pc[3]]), static_cast<int>(pc[4] & 31));
  fp[pc[2]] = t;
  fp[pc[6]] = t ^ static_cast<uint32_t>(fp[pc[7]]);
  pc += 8;
  NEXT();
}
L_I32ShrUXor : {
  const uint32_t t = static_cast<uint32_t>(fp[pc[3]]) >> (pc[4] & 31);
  fp[pc[2]] = t;
  fp[pc[6]] = t ^ static_cast<uint32_t>(fp[pc[7]]);
  pc += 8;
  NEXT();
}
// Counted loops: i = i + k; branch if i != n, as i32 (k one word) or i64 (k two words).
#define HM_BR_ADD_NE(name, T, sum, bound, target_word, check) \
  L_##name : {                                                \
    const T v = static_cast<T>(sum);                          \
    fp[pc[2]] = v;                                            \
    if (v != static_cast<T>(bound)) {                         \
      check;                                                  \
      HM_JUMP(target_word);                                   \
    } else {                                                  \
      pc += (target_word) + 1;                                \
    }                                                         \
    NEXT();                                                   \
  }
#define HM_SUM32 fp[pc[3]] + pc[4]
#define HM_SUM64 fp[pc[3]] + (pc[4] | (uint64_t{pc[5]} << 32))
  HM_BR_ADD_NE(BrIfAddImmNe, uint32_t, HM_SUM32, fp[pc[6]], 7, (void)0)
  HM_BR_ADD_NE(BrIfAddImmNeImm, uint32_t, HM_SUM32, pc[6], 8, (void)0)
  HM_BR_ADD_NE(BrIfAddImmNeLoop, uint32_t, HM_SUM32, fp[pc[6]], 7, HM_CHECK_INTERRUPT())
  HM_BR_ADD_NE(BrIfAddImmNeImmLoop, uint32_t, HM_SUM32, pc[6], 8, HM_CHECK_INTERRUPT())
  HM_BR_ADD_NE(BrIfI64AddImmNe, uint64_t, HM_SUM64, fp[pc[6]], 7, (void)0)
  HM_BR_ADD_NE(BrIfI64AddImmNeImm, uint64_t, HM_SUM64, HM_IMM64(6), 8, (void)0)
  HM_BR_ADD_NE(BrIfI64AddImmNeLoop, uint64_t, HM_SUM64, fp[pc[6]], 7, HM_CHECK_INTERRUPT())
  HM_BR_ADD_NE(BrIfI64AddImmNeImmLoop, uint64_t, HM_SUM64, HM_IMM64(6), 8, HM_CHECK_INTERRUPT())
#undef HM_BR_ADD_NE
  // t = a + b; branch if t <cmp> c.
#define HM_X(T, name)                                 \
  L_BrIf##T##name##Add : {                            \
    const auto t = HM_R_##T(pc[3]) + HM_R_##T(pc[4]); \
    HM_W_##T(pc[2], t);                               \
    if (num::T##name(t, HM_R_##T(pc[5]))) {           \
      HM_JUMP(6);                                     \
    } else {                                          \
      pc += 7;                                        \
    }                                                 \
    NEXT();                                           \
  }                                                   \
  L_BrIf##T##name##AddLoop : {                        \
    const auto t = HM_R_##T(pc[3]) + HM_R_##T(pc[4]); \
    HM_W_##T(pc[2], t);                               \
    if (num::T##name(t, HM_R_##T(pc[5]))) {           \
      HM_CHECK_INTERRUPT();                           \
      HM_JUMP(6);                                     \
    } else {                                          \
      pc += 7;                                        \
    }                                                 \
    NEXT();                                           \
  }
  HM_FUSED_CMPS(HM_X)
#undef HM_X
#undef HM_SUM32
#undef HM_SUM64
  // A byte flag loaded and tested: `if (p[i])`, `while (*s)`.
#define HM_BR_LOAD8U(name, addr, dst_word, offset_word, target_word, test, check) \
  L_##name : {                                                                    \
    HM_LOAD8U_INTO(v, dst_word, addr, offset_word);                               \
    if (test) {                                                                   \
      check;                                                                      \
      HM_JUMP(target_word);                                                       \
    } else {                                                                      \
      pc += (target_word) + 1;                                                    \
    }                                                                             \
    NEXT();                                                                       \
  }
#define HM_ADDR static_cast<uint32_t>(fp[pc[3]])
#define HM_SUM_ADDR (fp[pc[2]] = static_cast<uint32_t>(fp[pc[3]] + pc[4]))
#define HM_FORMS(name, addr, dst_word, offset_word, target_word, test)        \
  HM_BR_LOAD8U(name, addr, dst_word, offset_word, target_word, test, (void)0) \
  HM_BR_LOAD8U(name##Loop, addr, dst_word, offset_word, target_word, test, HM_CHECK_INTERRUPT())
  HM_FORMS(BrIfLoad8U, HM_ADDR, 2, 4, 5, v != 0)
  HM_FORMS(BrUnlessLoad8U, HM_ADDR, 2, 4, 5, v == 0)
  HM_FORMS(BrIfLoad8UEqImm, HM_ADDR, 2, 4, 6, v == pc[5])
  HM_FORMS(BrIfLoad8UNeImm, HM_ADDR, 2, 4, 6, v != pc[5])
  HM_FORMS(BrIfLoad8UAddImm, HM_SUM_ADDR, 6, 7, 8, v != 0)
  HM_FORMS(BrUnlessLoad8UAddImm, HM_SUM_ADDR, 6, 7, 8, v == 0)
#undef HM_FORMS
#undef HM_ADDR
#undef HM_SUM_ADDR
#undef HM_BR_LOAD8U
#undef HM_LOAD8U_INTO
#undef HM_BR_TABLE_ADD
#undef HM_BR_TABLE_JUMP
#define HM_BR_ADD_IMM(name, test, check)                         \
  L_##name : {                                                   \
    const uint32_t v = static_cast<uint32_t>(fp[pc[3]] + pc[4]); \
    fp[pc[2]] = v;                                               \
    if (test) {                                                  \
      check;                                                     \
      HM_JUMP(6);                                                \
    } else {                                                     \
      pc += 7;                                                   \
    }                                                            \
    NEXT();                                                      \
  }
  HM_BR_ADD_IMM(BrIfAddImm, v != 0, (void)0)
  HM_BR_ADD_IMM(BrUnlessAddImm, v == 0, (void)0)
  HM_BR_ADD_IMM(BrIfAddImmLoop, v != 0, HM_CHECK_INTERRUPT())
  HM_BR_ADD_IMM(BrUnlessAddImmLoop, v == 0, HM_CHECK_INTERRUPT())
#undef HM_BR_ADD_IMM
L_Copy:
  fp[pc[2]] = fp[pc[3]];
  pc += 4;
  NEXT();
L_Copy2:
  fp[pc[2]] = fp[pc[3]];
  fp[pc[4]] = fp[pc[5]];
  pc += 6;
  NEXT();
L_Copy3:
  fp[pc[2]] = fp[pc[3]];
  fp[pc[4]] = fp[pc[5]];
  fp[pc[6]] = fp[pc[7]];
  pc += 8;
  NEXT();
L_Copy4:
  fp[pc[2]] = fp[pc[3]];
  fp[pc[4]] = fp[pc[5]];
  fp[pc[6]] = fp[pc[7]];
  fp[pc[8]] = fp[pc[9]];
  pc += 10;
  NEXT();
L_Select:
  fp[pc[2]] = static_cast<uint32_t>(fp[pc[5]]) != 0 ? fp[pc[3]] : fp[pc[4]];
  pc += 6;
  NEXT();
L_Const32:
  fp[pc[2]] = pc[3];
  pc += 4;
  NEXT();
// d = k, then the BrIf / BrUnless whose words follow (cond, target).
L_BrIfConst32:
  fp[pc[2]] = pc[3];
  pc += 2;
  goto L_BrIf;
L_BrUnlessConst32:
  fp[pc[2]] = pc[3];
  pc += 2;
  goto L_BrUnless;
L_Const64:
  fp[pc[2]] = pc[3] | (static_cast<uint64_t>(pc[4]) << 32);
  pc += 5;
  NEXT();
L_GlobalGet:
  fp[pc[2]] = inst->globals[pc[3]]->bits;
  pc += 4;
  NEXT();
L_GlobalSet:
  inst->globals[pc[2]]->bits = fp[pc[3]];
  pc += 4;
  NEXT();

// Pushes the frame for wasm function `callee` (code `cf`, arguments at callee_fp) and
// continues in it. One compare covers the call depth and a pending interrupt (call_limit).
#define HM_ENTER_WASM(cf)                                               \
  do {                                                                  \
    if (frame >= s.call_limit.load(std::memory_order_relaxed) ||        \
        callee_fp + (cf)->frame_slots > s.value_stack.end) [[unlikely]] \
      goto call_refused;                                                \
    *frame++ = CallFrame{pc, fp, inst, callee};                         \
    fp = callee_fp;                                                     \
  } while (0)

L_Copy2CallDefined:
  fp[pc[2]] = fp[pc[3]];
  fp[pc[4]] = fp[pc[5]];
  pc += 4;  // on into CallDefined, whose operands follow
  goto L_CallDefined;
L_CopyCallDefined:
  fp[pc[2]] = fp[pc[3]];
  pc += 2;
  goto L_CallDefined;
L_I32AddImmCallDefined:
  fp[pc[2]] = static_cast<uint32_t>(fp[pc[3]] + pc[4]);
  pc += 4;  // on into CallDefined, whose operands follow
L_CallDefined : {
  // Same module, same instance: no memory to reload, never a host function; the entry comes
  // from the instance's table (one load less on the way to the callee's first instruction).
  const InstanceData::CallTarget& target = inst->call_targets[pc[2]];
  callee = target.func;
  callee_fp = fp + pc[3];
  pc += 4;
  if (frame >= s.call_limit.load(std::memory_order_relaxed) ||
      callee_fp + target.frame_slots > s.value_stack.end) [[unlikely]]
    goto call_refused;
  *frame++ = CallFrame{pc, fp, inst, callee};
  fp = callee_fp;
  pc = target.entry;
  NEXT();
}

L_Call:
  callee = inst->funcs[pc[2]];
  callee_fp = fp + pc[3];
  pc += 4;
  goto do_call;

L_CallIndirect : {
  TableInst* t = inst->tables[pc[3]];
  uint32_t i = static_cast<uint32_t>(fp[pc[5]]);
  if (i >= t->elems.size()) TRAP(TrapKind::UndefinedElement);
  callee = reinterpret_cast<FuncInst*>(t->elems[i]);
  if (!callee) TRAP(TrapKind::UninitializedElement);
  if (callee->type_id != inst->mod->type_ids[pc[2]]) TRAP(TrapKind::IndirectCallTypeMismatch);
  callee_fp = fp + pc[4];
  pc += 6;
  goto do_call;
}

call_refused:
  // The limit compare failed: an interrupt, a full stack, or a limit left at the first frame
  // by an interrupt already delivered (then the call goes ahead).
  if (s.interrupt_requested.load(std::memory_order_relaxed)) TRAP(TrapKind::Interrupted);
  if (frame >= s.frames_end || callee_fp + callee->code->frame_slots > s.value_stack.end)
    TRAP(TrapKind::CallStackExhausted);
  s.call_limit.store(s.frames_end, std::memory_order_relaxed);
  goto do_call;

do_call:
  if (const CompiledFunc* cf = callee->code) {
    HM_ENTER_WASM(cf);
    if (callee->instance != inst) {
      inst = callee->instance;
      mem_base = nullptr;
      mem_fast_limit = 0;
      HM_RELOAD_MEMORY();
    }
    pc = cf->code.data();
    NEXT();
  } else {
    // A host function: it sees the arguments in place and writes its results there.
    if (entry_activations >= kMaxActivations) TRAP(TrapKind::CallStackExhausted);
    bool ok;
    {
      // Scoped so that the Caller is destroyed before the next dispatch: a computed goto
      // may not leave the scope of an object with a destructor (Clang enforces this).
      // A nested activation starts above our frames and the callee's slots.
      s.value_stack.top = callee_fp + callee->host_slots;
      s.frames_top = frame;
      s.activations = entry_activations + 1;
      Caller caller(s, inst);
      ok = callee->host(caller, callee_fp, callee->host_env);
      s.value_stack.top = entry_fp;
      s.frames_top = base_frame;
      s.activations = entry_activations;
      if (!ok) host_failed(s, caller, entry, base_frame, frame);
    }
    if (!ok) return false;
    HM_RELOAD_MEMORY();
    NEXT();
  }

L_ReturnFrom:
  fp[0] = fp[pc[2]];
  goto L_Return;
L_Return:
  // (s.frames_top is base_frame while this activation runs; read from the store, not from
  // the native stack, where GCC spills base_frame: a load there right after the frame's
  // stores made call-heavy code up to 20% slower at some stack addresses.)
  if (frame == s.frames_top) {
    if (slots != fp) {
      for (uint32_t i = 0, n = entry->code->result_count; i < n; ++i) {
        slots[i] = fp[i];
        HM_SCALAR_LOOP(i);
      }
    }
    return true;
  }
  --frame;
  pc = frame->return_pc;
  fp = frame->fp;
  // Same instance, same memory: its base never moves, and a grow in the callee already
  // updated mem_fast_limit (host calls reload it themselves).
  if (frame->inst != inst) [[unlikely]] {
    inst = frame->inst;
    mem_base = nullptr;
    mem_fast_limit = 0;
    HM_RELOAD_MEMORY();
  }
  NEXT();

  // ---- memory ----
  // A load of T at `address` (a uint64_t) into the slot named at word 2; five words. The
  // plain forms and the constant-address ones (<Load>Abs) differ only in the address.
#define HM_LOAD_AT(T, Out, address)                         \
  {                                                         \
    HM_READ(T, v, address);                                 \
    fp[pc[2]] = static_cast<uint64_t>(static_cast<Out>(v)); \
    pc += 5;                                                \
    NEXT();                                                 \
  }
#define HM_LOAD(name, T, Out) L_##name : HM_LOAD_AT(T, Out, HM_SLOT_ADDR(3) + pc[4])
  HM_LOADS(HM_LOAD)
#undef HM_LOAD

  // sum = a + b (or a + imm), written back (not in the Lean forms); then the load at
  // sum + offset.
#define HM_LOAD_ADD(name, T, Out, lean, keep)                            \
  L_##name##Add##lean : {                                                \
    const uint32_t sum = static_cast<uint32_t>(fp[pc[3]] + fp[pc[4]]);   \
    keep(fp[pc[2]] = sum);                                               \
    uint64_t ea = static_cast<uint64_t>(sum) + pc[6];                    \
    HM_CHECK_BOUNDS(ea, sizeof(T));                                      \
    T v;                                                                 \
    std::memcpy(&v, mem_base + ea, sizeof(T));                           \
    fp[pc[5]] = static_cast<uint64_t>(static_cast<Out>(v));              \
    pc += 7;                                                             \
    NEXT();                                                              \
  }                                                                      \
  L_##name##AddImm##lean : {                                             \
    const uint32_t sum = static_cast<uint32_t>(fp[pc[3]] + pc[4]);       \
    keep(fp[pc[2]] = sum);                                               \
    uint64_t ea = static_cast<uint64_t>(sum) + pc[7];                    \
    HM_CHECK_BOUNDS(ea, sizeof(T));                                      \
    T v;                                                                 \
    std::memcpy(&v, mem_base + ea, sizeof(T));                           \
    fp[pc[6]] = static_cast<uint64_t>(static_cast<Out>(v));              \
    pc += 8;                                                             \
    NEXT();                                                              \
  }                                                                      \
  L_##name##ShlAdd##lean : {                                             \
    const uint32_t t = static_cast<uint32_t>(fp[pc[3]]) << (pc[4] & 31); \
    keep(fp[pc[2]] = t);                                                 \
    const uint32_t sum = static_cast<uint32_t>(t + fp[pc[7]]);           \
    keep(fp[pc[6]] = sum);                                               \
    uint64_t ea = static_cast<uint64_t>(sum) + pc[9];                    \
    HM_CHECK_BOUNDS(ea, sizeof(T));                                      \
    T v;                                                                 \
    std::memcpy(&v, mem_base + ea, sizeof(T));                           \
    fp[pc[8]] = static_cast<uint64_t>(static_cast<Out>(v));              \
    pc += 10;                                                            \
    NEXT();                                                              \
  }
#define HM_LOAD_ADD_FORMS(name, T, Out) \
  HM_LOAD_ADD(name, T, Out, , HM_KEEP) HM_LOAD_ADD(name, T, Out, Lean, HM_DROP)
  HM_LOADS(HM_LOAD_ADD_FORMS)
#undef HM_LOAD_ADD_FORMS
#undef HM_LOAD_ADD

#define HM_STORE(name, T)                            \
  L_##name : {                                       \
    HM_WRITE(T, HM_SLOT_ADDR(2) + pc[4], fp[pc[3]]); \
    pc += 5;                                         \
    NEXT();                                          \
  }
  HM_STORE(I32Store, uint32_t)
  HM_STORE(I64Store, uint64_t)
  HM_STORE(Store8, uint8_t)
  HM_STORE(Store16, uint16_t)
  HM_STORE(Store32, uint32_t)
#undef HM_STORE

#define HM_STORE_IMM(name, T)                          \
  L_##name##Imm : {                                    \
    HM_WRITE(T, HM_SLOT_ADDR(2) + pc[3], HM_IMM64(4)); \
    pc += 6;                                           \
    NEXT();                                            \
  }
  HM_STORE_IMM(I32Store, uint32_t)
  HM_STORE_IMM(I64Store, uint64_t)
  HM_STORE_IMM(Store8, uint8_t)
  HM_STORE_IMM(Store16, uint16_t)
  HM_STORE_IMM(Store32, uint32_t)
#undef HM_STORE_IMM

  // The store's words as in the forms above (n of them: the value is a slot for 3, an
  // immediate for 4), then the I32Add's dst, a, b.
#define HM_X(name, T, n)                                                        \
  L_##name##ThenAdd : HM_WRITE(T, HM_SLOT_ADDR(2) + ((n) == 3 ? pc[4] : pc[3]), \
                               (n) == 3 ? fp[pc[3]] : HM_IMM64(4));             \
  fp[pc[(n) + 2]] = static_cast<uint32_t>(fp[pc[(n) + 3]] + fp[pc[(n) + 4]]);   \
  pc += (n) + 5;                                                                \
  NEXT();
  HM_STORES_THEN_ADD(HM_X)
#undef HM_X

  // Loop steps: induction variables stepped one after the other (in order: the second may
  // read the first's result).
L_I32AddImmThenAddImm:
  fp[pc[2]] = static_cast<uint32_t>(fp[pc[3]] + pc[4]);
  fp[pc[6]] = static_cast<uint32_t>(fp[pc[7]] + pc[8]);
  pc += 10;
  NEXT();
L_I32AddImmThenAdd:
  fp[pc[2]] = static_cast<uint32_t>(fp[pc[3]] + pc[4]);
  fp[pc[6]] = static_cast<uint32_t>(fp[pc[7]] + fp[pc[8]]);
  pc += 9;
  NEXT();

#define HM_X(name, T, Out) L_##name##Abs : HM_LOAD_AT(T, Out, HM_IMM64(3))
  HM_LOADS(HM_X)
#undef HM_X
#undef HM_LOAD_AT
#define HM_X(name, T)                                       \
  L_##name##Abs : HM_WRITE(T, HM_IMM64(3), fp[pc[2]]);      \
  pc += 5;                                                  \
  NEXT();                                                   \
  L_##name##ImmAbs : HM_WRITE(T, HM_IMM64(2), HM_IMM64(4)); \
  pc += 6;                                                  \
  NEXT();
  HM_STORES(HM_X)
#undef HM_X

L_MemorySize:
  fp[pc[2]] = HM_MEM_SIZE() / kPageSize;
  pc += 3;
  NEXT();
L_MemoryGrow : {
  int64_t old = inst->memory0->grow(static_cast<uint32_t>(fp[pc[3]]));
  fp[pc[2]] = old < 0 ? 0xFFFFFFFFu : static_cast<uint32_t>(old);
  HM_RELOAD_MEMORY();
  pc += 4;
  NEXT();
}
L_MemoryInit : {
  const uint64_t mem_size = HM_MEM_SIZE();
  std::span<const uint8_t> seg = inst->data_segments[pc[2]];
  uint64_t d = static_cast<uint32_t>(fp[pc[3]]);
  uint64_t src = static_cast<uint32_t>(fp[pc[4]]);
  uint64_t n = static_cast<uint32_t>(fp[pc[5]]);
  if (src + n > seg.size() || d + n > mem_size) TRAP(TrapKind::MemoryOutOfBounds);
  if (n) std::memcpy(mem_base + d, seg.data() + src, n);
  pc += 6;
  NEXT();
}
L_DataDrop:
  inst->data_segments[pc[2]] = {};
  pc += 3;
  NEXT();
L_MemoryCopy : {
  const uint64_t mem_size = HM_MEM_SIZE();
  uint64_t d = static_cast<uint32_t>(fp[pc[2]]);
  uint64_t src = static_cast<uint32_t>(fp[pc[3]]);
  uint64_t n = static_cast<uint32_t>(fp[pc[4]]);
  if (src + n > mem_size || d + n > mem_size) TRAP(TrapKind::MemoryOutOfBounds);
  if (n) copy_within_memory(mem_base, d, src, n);
  pc += 5;
  NEXT();
}
L_MemoryFill : {
  const uint64_t mem_size = HM_MEM_SIZE();
  uint64_t d = static_cast<uint32_t>(fp[pc[2]]);
  uint8_t v = static_cast<uint8_t>(fp[pc[3]]);
  uint64_t n = static_cast<uint32_t>(fp[pc[4]]);
  if (d + n > mem_size) TRAP(TrapKind::MemoryOutOfBounds);
  if (n) std::memset(mem_base + d, v, n);
  pc += 5;
  NEXT();
}

  // ---- tables and references ----
L_TableGet : {
  TableInst* t = inst->tables[pc[3]];
  uint64_t i = static_cast<uint32_t>(fp[pc[4]]);
  if (i >= t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  fp[pc[2]] = t->elems[i];
  pc += 5;
  NEXT();
}
L_TableSet : {
  TableInst* t = inst->tables[pc[2]];
  uint64_t i = static_cast<uint32_t>(fp[pc[3]]);
  if (i >= t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  t->elems[i] = fp[pc[4]];
  pc += 5;
  NEXT();
}
L_TableSize:
  fp[pc[2]] = inst->tables[pc[3]]->elems.size();
  pc += 4;
  NEXT();
L_TableGrow : {
  int64_t old = inst->tables[pc[3]]->grow(static_cast<uint32_t>(fp[pc[5]]), fp[pc[4]]);
  fp[pc[2]] = old < 0 ? 0xFFFFFFFFu : static_cast<uint32_t>(old);
  pc += 6;
  NEXT();
}
L_TableFill : {
  TableInst* t = inst->tables[pc[2]];
  uint64_t i = static_cast<uint32_t>(fp[pc[3]]);
  uint64_t n = static_cast<uint32_t>(fp[pc[5]]);
  if (i + n > t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  std::fill_n(t->elems.begin() + static_cast<ptrdiff_t>(i), n, fp[pc[4]]);
  pc += 6;
  NEXT();
}
L_TableCopy : {
  TableInst* dt = inst->tables[pc[2]];
  TableInst* st = inst->tables[pc[3]];
  uint64_t d = static_cast<uint32_t>(fp[pc[4]]);
  uint64_t src = static_cast<uint32_t>(fp[pc[5]]);
  uint64_t n = static_cast<uint32_t>(fp[pc[6]]);
  if (src + n > st->elems.size() || d + n > dt->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  if (n) std::memmove(dt->elems.data() + d, st->elems.data() + src, n * sizeof(uint64_t));
  pc += 7;
  NEXT();
}
L_TableInit : {
  TableInst* t = inst->tables[pc[2]];
  const std::vector<uint64_t>& seg = inst->elem_segments[pc[3]];
  uint64_t d = static_cast<uint32_t>(fp[pc[4]]);
  uint64_t src = static_cast<uint32_t>(fp[pc[5]]);
  uint64_t n = static_cast<uint32_t>(fp[pc[6]]);
  if (src + n > seg.size() || d + n > t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  if (n) std::memcpy(t->elems.data() + d, seg.data() + src, n * sizeof(uint64_t));
  pc += 7;
  NEXT();
}
L_ElemDrop:
  inst->elem_segments[pc[2]].clear();
  inst->elem_segments[pc[2]].shrink_to_fit();
  pc += 3;
  NEXT();
L_RefIsNull:
  fp[pc[2]] = fp[pc[3]] == 0 ? 1 : 0;
  pc += 4;
  NEXT();
L_RefFunc:
  fp[pc[2]] = reinterpret_cast<uint64_t>(inst->funcs[pc[3]]);
  pc += 4;
  NEXT();

  // ---- numeric ----
#define UNOP(name, code, in, out)                            \
  L_##name : HM_W_##out(pc[2], num::name(HM_R_##in(pc[3]))); \
  pc += 4;                                                   \
  NEXT();
#define BINOP(name, code, in, out)                                             \
  L_##name : HM_W_##out(pc[2], num::name(HM_R_##in(pc[3]), HM_R_##in(pc[4]))); \
  pc += 5;                                                                     \
  NEXT();
#define UNOP_TRAP(name, code, in, out)           \
  L_##name : {                                   \
    num::out r{};                                \
    TrapKind k = num::name(HM_R_##in(pc[3]), r); \
    if (k != TrapKind::None) TRAP(k);            \
    HM_W_##out(pc[2], r);                        \
    pc += 4;                                     \
    NEXT();                                      \
  }
#define BINOP_TRAP(name, code, in, out)                            \
  L_##name : {                                                     \
    num::out r{};                                                  \
    TrapKind k = num::name(HM_R_##in(pc[3]), HM_R_##in(pc[4]), r); \
    if (k != TrapKind::None) TRAP(k);                              \
    HM_W_##out(pc[2], r);                                          \
    pc += 5;                                                       \
    NEXT();                                                        \
  }
#include "execution/numeric_ops.def"

#define HM_IMM_I32(v) static_cast<uint32_t>(v)
#define HM_IMM_I64(v) (v)
#define HM_IMM_F32(v) std::bit_cast<float>(static_cast<uint32_t>(v))
#define HM_IMM_F64(v) std::bit_cast<double>(v)
#define BINOP(name, code, in, out)                                                          \
  L_##name##Imm : HM_W_##out(pc[2], num::name(HM_R_##in(pc[3]), HM_IMM_##in(HM_IMM64(4)))); \
  pc += 6;                                                                                  \
  NEXT();
#define UNOP_TRAP(name, code, in, out)
#define BINOP_TRAP(name, code, in, out)
#include "execution/numeric_ops.def"

#define HM_X(T, name)                                                                 \
  L_BrIf##T##name : if (num::T##name(HM_R_##T(pc[2]), HM_R_##T(pc[3]))) {             \
    HM_JUMP(4);                                                                       \
  }                                                                                   \
  else {                                                                              \
    pc += 5;                                                                          \
  }                                                                                   \
  NEXT();                                                                             \
  L_BrIf##T##name##Imm                                                                \
      : if (num::T##name(HM_R_##T(pc[2]),                                             \
                         HM_IMM_##T(pc[3] | (static_cast<uint64_t>(pc[4]) << 32)))) { \
    HM_JUMP(5);                                                                       \
  }                                                                                   \
  else {                                                                              \
    pc += 6;                                                                          \
  }                                                                                   \
  NEXT();
  HM_FUSED_CMPS(HM_X)
#undef HM_X
#define HM_X(T, name)                                                                 \
  L_BrIf##T##name##Loop : if (num::T##name(HM_R_##T(pc[2]), HM_R_##T(pc[3]))) {       \
    HM_CHECK_INTERRUPT();                                                             \
    HM_JUMP(4);                                                                       \
  }                                                                                   \
  else {                                                                              \
    pc += 5;                                                                          \
  }                                                                                   \
  NEXT();                                                                             \
  L_BrIf##T##name##ImmLoop                                                            \
      : if (num::T##name(HM_R_##T(pc[2]),                                             \
                         HM_IMM_##T(pc[3] | (static_cast<uint64_t>(pc[4]) << 32)))) { \
    HM_CHECK_INTERRUPT();                                                             \
    HM_JUMP(5);                                                                       \
  }                                                                                   \
  else {                                                                              \
    pc += 6;                                                                          \
  }                                                                                   \
  NEXT();
  HM_FUSED_CMPS(HM_X)
#undef HM_X

#define HM_X(First, Second)                                                                 \
  L_I32##First##Then##Second                                                                \
      : HM_W_I32(pc[5], num::I32##Second(num::I32##First(HM_R_I32(pc[3]), HM_R_I32(pc[4])), \
                                         HM_R_I32(pc[6])));                                 \
  pc += 7;                                                                                  \
  NEXT();
  HM_I32_PAIRS(HM_X)
#undef HM_X

  // Handlers no code uses, in a build with -DHM_LAYOUT_PROBE=1..3 only: GCC then lays out the
  // whole function anew, as it does after any change to it. Lua workloads run 2-3% faster
  // or slower in such a layout; scripts/ab.sh says how to tell a change's effect from that.
#if HM_LAYOUT_PROBE > 0
L_layout_probe_1:
  pc += 2;
  NEXT();
#endif
#if HM_LAYOUT_PROBE > 1
L_layout_probe_2:
  pc += 4;
  NEXT();
#endif
#if HM_LAYOUT_PROBE > 2
L_layout_probe_3:
  pc += 6;
  NEXT();
#endif

L_trap:
  if (trap == TrapKind::Interrupted) {
    s.interrupt_requested.store(false, std::memory_order_relaxed);
    s.call_limit.store(s.frames_end, std::memory_order_relaxed);
  }
  s.pending_error = make_trap(trap, entry, base_frame, frame);
  return false;

#undef NEXT
#undef HM_JUMP
#undef TRAP
#undef HM_CHECK_INTERRUPT
#undef HM_RELOAD_MEMORY
#undef HM_MEM_SIZE
#undef HM_CHECK_BOUNDS
#undef HM_IMM64
#undef HM_SLOT_ADDR
#undef HM_READ
#undef HM_WRITE
}

}  // namespace

const void* const* handler_addresses() noexcept {
  static const void* const* table = [] {
    const void* const* t = nullptr;
    execute(nullptr, nullptr, nullptr, &t);
    // For profiling: with HM_PRINT_HANDLERS=1 (and ASLR off: setarch -R), sampled addresses
    // from `perf script` can be attributed to instructions.
    if (const char* e = std::getenv("HM_PRINT_HANDLERS"); e && *e == '1') {
      for (size_t i = 0; i < static_cast<size_t>(Op::Count); ++i)
        std::fprintf(stderr, "handler %p %s\n", t[i], op_name(i));
    }
    return t;
  }();
  return table;
}

bool invoke(StoreData& s, FuncInst* func, uint64_t* slots) noexcept {
  if (!func->code) [[unlikely]]
    return invoke_host(s, func, slots);
  return execute(&s, func, slots, nullptr);
}

bool invoke_raw(FuncInst* func, uint64_t* slots) noexcept {
  return invoke(*func->store, func, slots);
}

bool invoke_wasm_raw(FuncInst* func, uint64_t* slots) noexcept {
  return execute(func->store, func, slots, nullptr);
}

}  // namespace hailmary::detail
