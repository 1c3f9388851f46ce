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
#include "execution/interpreter_macros.hpp"
#include "execution/numeric.hpp"

// The store of the running activation (a local in execute()).
#define HM_RUNNING_STORE s

// Computed goto ("labels as values") is a GNU extension that both GCC and Clang support; it
// is the point of this file.
#pragma GCC diagnostic ignored "-Wpedantic"

namespace hailmary::detail {

struct CallerAccess {
  static void set_instance(Caller& c, InstanceData* i) noexcept { c.instance_ = i; }
};

namespace {

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

}  // namespace

bool trapped(StoreData& s, TrapKind kind, FuncInst* entry, const CallFrame* base,
             const CallFrame* top) noexcept {
  if (kind == TrapKind::Interrupted) {
    s.interrupt_requested.store(false, std::memory_order_relaxed);
    s.call_limit.store(s.frames_end, std::memory_order_relaxed);
  }
  s.pending_error = make_trap(kind, entry, base, top);
  return false;
}

[[gnu::noinline]] bool exhausted(StoreData& s) noexcept {
  s.pending_error = Error::trap(TrapKind::CallStackExhausted);
  return false;
}

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

/// The code an activation's first frame returns to: ExitActivation's handler (set with the
/// handler table, before any code runs).
uint32_t g_exit_activation[kHandlerWords];

// Native nesting of host -> wasm -> host -> wasm ... activations; each costs native stack.
constexpr uint32_t kMaxActivations = 256;

[[gnu::noinline]] bool invoke_host(StoreData& s, FuncInst* func, uint64_t* slots) noexcept {
  Caller caller(s, nullptr);
  if (func->host(caller, slots, func->host_env)) return true;
  s.pending_error = caller.failed() ? caller.take_error()
                                    : Error::trap(TrapKind::HostError, "host function failed");
  return false;
}

/// The first frame of the activation whose frames end below `top`: the one that returns to
/// ExitActivation (the activation's own frames never do).
const CallFrame* activation_base(const CallFrame* top) noexcept {
  const CallFrame* f = top - 1;
  while (f->return_pc != g_exit_activation) --f;
  return f;
}

/// Ends a failed activation (its error in s.pending_error) whose frames end below `top`:
/// the store's stacks go back to where it started.
[[gnu::noinline, gnu::cold]] bool activation_failed(StoreData& s, CallFrame* top) noexcept {
  CallFrame* base = const_cast<CallFrame*>(activation_base(top));
  s.value_stack.top = base->fp;
  s.frames_top = base;
  --s.activations;
  return false;
}

/// Fails the activation whose frames end below `top` with a trap of `kind`.
[[gnu::noinline, gnu::cold]] bool activation_trapped(StoreData& s, TrapKind kind,
                                                     CallFrame* top) noexcept {
  trapped(s, kind, nullptr, activation_base(top), top);
  return activation_failed(s, top);
}

/// Fails the activation that called a host function with the function's error (a trap
/// without a backtrace gets this activation's). (Its frames end at s.frames_top, which the
/// call set: execute() keeps nothing across a host call that it need not.)
[[gnu::noinline, gnu::cold]] bool host_failed(StoreData& s, Caller& caller) noexcept {
  CallFrame* const top = s.frames_top;
  Error e = caller.failed() ? caller.take_error()
                            : Error::trap(TrapKind::HostError, "host function failed");
  if (e.kind() == ErrorKind::Trap && e.backtrace().empty()) {
    Error t = make_trap(e.trap_kind(), nullptr, activation_base(top), top);
    e.backtrace() = std::move(t.backtrace());
  }
  s.pending_error = std::move(e);
  return activation_failed(s, top);
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

}  // namespace

bool execute(StoreData* store, FuncInst* entry, const void* const** table_out) noexcept {
  if (!entry) {
    // Published once through handler_addresses(); kept out of the hot entry path so calls
    // don't pass a static-initialisation guard.
    // (LeafMemory is not in execute()'s code: its entry is another's, not a label of its own,
    // which would change GCC's code for the whole function.)
#define L_LeafMemory L_Unreachable
    static const void* const kHandlers[] = {
#include "execution/handler_table.inc"
    };
#undef L_LeafMemory
    static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == static_cast<size_t>(Op::Count));
    *table_out = kHandlers;
    const void* exit = &&L_ExitActivation;
    std::memcpy(g_exit_activation, &exit, sizeof exit);
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
  // Arguments in place: the frame starts at the stack's top.
  uint64_t* fp = s.value_stack.top;
  CallFrame* frame = s.frames_top;
  // Room for the first frame (the first call from it checks the next one), and a bound on
  // host -> wasm -> host -> ... nesting, where each level costs native stack.
  if (fp + entry->code->frame_slots > s.value_stack.end || frame >= s.frames_end ||
      s.activations >= kMaxActivations) [[unlikely]]
    return exhausted(s);
  ++s.activations;

  // Hot state only: what an activation needs at its end (where it started, the function it
  // started in) is in its first frame, out of the registers and out of the way of host calls,
  // which would have to save them.
  InstanceData* inst = entry->instance;
  const uint32_t* pc = entry->code->code.data();
  uint8_t* mem_base = nullptr;
  // Accesses of up to 8 bytes at an address below this are in bounds (MemoryInst::fast_limit:
  // size - 7, or 0 for an empty memory): one compare on the fast path, the exact check only
  // for an address near or past the end.
  uint64_t mem_fast_limit = 0;
  // The activation's first frame records the entry function (for backtraces and lazy
  // translation, like any callee) and returns to ExitActivation: the end of the activation
  // is then the return of its first frame, with no test on every return.
  *frame++ = CallFrame{g_exit_activation, fp, inst, entry};
  // What the activation's host calls see of it (one for all: see the host call).
  Caller caller(s, inst);
  TrapKind trap = TrapKind::None;
  FuncInst* callee = nullptr;
  uint64_t* callee_fp = nullptr;

  HM_RELOAD_MEMORY();
  NEXT();

#define HM_LEAF 0
#include "execution/handlers.inc"
#undef HM_LEAF

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

L_ExitActivation:
  // The entry function returned through the first frame: frame is that frame again, fp is
  // where the activation started, and the results are there.
  s.value_stack.top = fp;
  s.frames_top = frame;
  --s.activations;
  return true;

L_trap:
  return activation_trapped(s, trap, frame);
}

const void* const* handler_addresses() noexcept {
  static const void* const* table = [] {
    const void* const* t = nullptr;
    execute(nullptr, nullptr, &t);
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
  const CompiledFunc* cf = func->code;
  if (!cf) [[unlikely]]
    return invoke_host(s, func, slots);
  uint64_t* const top = s.value_stack.top;
  if (slots == top) return invoke_wasm_raw(func, slots);
  // Wasm runs with its arguments in place, at the stack's top: they go there, and the results
  // come back from there. (The frame may be larger than the red zone past the stack's end
  // that leaf code relies on: execute() checks the whole frame, but only after this copy.)
  if (top + cf->param_slots > s.value_stack.end) [[unlikely]]
    return exhausted(s);
  // (Plain loops: a few words, where a memmove call costs more than the copy.)
  for (uint32_t i = 0, n = cf->param_slots; i < n; ++i) {
    top[i] = slots[i];
    HM_SCALAR_LOOP(i);
  }
  if (!invoke_wasm_raw(func, top)) return false;
  for (uint32_t i = 0, n = cf->result_count; i < n; ++i) {
    slots[i] = top[i];
    HM_SCALAR_LOOP(i);
  }
  return true;
}

bool invoke_raw(FuncInst* func, uint64_t* slots) noexcept {
  return invoke(*func->store, func, slots);
}

}  // namespace hailmary::detail
