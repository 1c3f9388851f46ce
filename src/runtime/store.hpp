// Runtime objects owned by a Store. The interpreter reads these directly, so they are plain
// structs; the public handles in include/hailmary/extern.hpp point at them.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "binary/module_data.hpp"
#include "hailmary/engine.hpp"
#include "hailmary/extern.hpp"
#include "hailmary/module.hpp"

namespace hailmary::detail {

struct CompiledFunc;
struct StoreData;
struct InstanceData;

struct EngineData {
  EngineConfig config;
  std::mutex types_mutex;
  struct TypeLess {
    bool operator()(const FuncType& a, const FuncType& b) const {
      return std::tie(a.params, a.results) < std::tie(b.params, b.results);
    }
  };
  std::map<FuncType, uint32_t, TypeLess> type_ids;  // guarded by types_mutex
  std::deque<FuncType> types_by_id;                 // stable addresses
  /// Canonical id of a function type, shared by every module of this engine.
  uint32_t intern(const FuncType& type);
  const FuncType& type_of(uint32_t id);
};

struct FuncInst {
  const FuncType* type = nullptr;  // interned in the engine
  uint32_t type_id = 0;
  StoreData* store = nullptr;
  // Wasm functions:
  InstanceData* instance = nullptr;
  // The translated body; until the first call, possibly a placeholder whose code is one
  // LazyCompile instruction (the interpreter then calls translate_lazily()).
  const CompiledFunc* code = nullptr;
  // code->leaf_code (set_code keeps it so): a host call's way in, one load shorter.
  const uint32_t* leaf_code = nullptr;
  uint32_t func_index = 0;  // index in its module (for backtraces)
  // Host functions (code == nullptr):
  RawHostFunction host = nullptr;
  void* host_env = nullptr;
  uint32_t host_slots = 0;  // max(params, results): the slots a call hands over
  std::shared_ptr<void> host_env_owner;
};

struct MemoryInst {
  uint8_t* base = nullptr;  // reserved up front; never moves
  uint64_t size = 0;        // accessible bytes
  uint64_t max_pages = 0;   // effective maximum (declared, engine limit)
  uint64_t reserved = 0;    // bytes of address space reserved
  uint64_t generation = 0;  // bumped on every successful grow
  uint64_t fast_limit = 0;  // size - 7, or 0 when empty: see the interpreter's bounds check
  MemoryType type;          // type.limits.min tracks the current size for import matching
  MemoryInst() = default;
  MemoryInst(const MemoryInst&) = delete;
  MemoryInst& operator=(const MemoryInst&) = delete;
  ~MemoryInst();
  uint64_t pages() const noexcept { return size / kPageSize; }
  /// Returns the old page count, or -1 on failure (as memory.grow does).
  int64_t grow(uint64_t delta_pages) noexcept;
};

struct TableInst {
  std::vector<uint64_t> elems;  // FuncInst* or externref bits; 0 = null
  TableType type;
  uint64_t max = 0;  // effective maximum
  int64_t grow(uint64_t delta, uint64_t init) noexcept;
};

struct GlobalInst {
  uint64_t bits = 0;
  GlobalType type;
};

struct InstanceData {
  Module module;
  const ModuleData* mod = nullptr;
  StoreData* store = nullptr;
  std::vector<FuncInst*> funcs;
  /// For each function defined here (by function index; imports unused): where a call of it
  /// starts, so that a call from this instance's code loads its entry in one step instead of
  /// through FuncInst and CompiledFunc. Kept equal to funcs[i]->code (set_code).
  struct CallTarget {
    const uint32_t* entry = nullptr;
    uint32_t frame_slots = 0;
    FuncInst* func = nullptr;
  };
  std::vector<CallTarget> call_targets;
  void set_code(FuncInst* f, const CompiledFunc* code);
  std::vector<TableInst*> tables;
  std::vector<MemoryInst*> memories;
  std::vector<GlobalInst*> globals;
  /// Element segments as evaluated references; emptied by elem.drop.
  std::vector<std::vector<uint64_t>> elem_segments;
  /// Data segments as views into the module bytes; emptied by data.drop.
  std::vector<std::span<const uint8_t>> data_segments;
  MemoryInst* memory0 = nullptr;  // fast path for the interpreter
  explicit InstanceData(Module m) : module(std::move(m)), mod(&module.data()) {}
};

/// A saved wasm activation for returns and backtraces: where the caller resumes, and the
/// function it called (so no register has to hold the current function).
struct CallFrame {
  const uint32_t* return_pc;
  uint64_t* fp;
  InstanceData* inst;
  FuncInst* callee;
};

struct StoreData {
  Engine engine;
  std::deque<std::unique_ptr<FuncInst>> funcs;
  std::deque<std::unique_ptr<MemoryInst>> memories;
  std::deque<std::unique_ptr<TableInst>> tables;
  std::deque<std::unique_ptr<GlobalInst>> globals;
  std::deque<std::unique_ptr<InstanceData>> instances;

  // The execution stacks, shared by nested (re-entrant) calls.
  uint64_t* stack_base = nullptr;
  ValueStack value_stack;  // top: the first free slot for a new activation from the host
  size_t stack_bytes = 0;
  // max_call_depth + 1 frames, left uninitialised (written before read); never reallocated.
  std::unique_ptr<CallFrame[]> frames;
  CallFrame* frames_end = nullptr;  // frames + max_call_depth: a call needs a frame below it
  // What wasm calls compare the next frame against: frames_end, or the first frame while an
  // interrupt is pending, so that one compare per call covers both (see Store::interrupt).
  std::atomic<CallFrame*> call_limit{nullptr};
  CallFrame* frames_top = nullptr;  // the first frame not in use by nested activations
  uint32_t max_call_depth = 0;      // from the engine's config
  uint32_t activations = 0;         // execute() activations nested on the native stack
  std::atomic<bool> interrupt_requested{false};
  std::optional<Error> pending_error;  // why the last invoke() failed

  explicit StoreData(const Engine& e);
  ~StoreData();
  FuncInst* new_host_func(FuncType type, RawHostFunction fn, std::shared_ptr<void> env);
};

/// Translates wasm function `f`'s body (if no other instance of its module did yet) and points
/// f->code at it. On failure returns nullptr with the error in store.pending_error.
const CompiledFunc* translate_lazily(StoreData& store, FuncInst* f) noexcept;

/// The type of export/import index `index` of kind `kind` in `m`'s index spaces.
ExternType extern_type_of(const ModuleData& m, ExternKind kind, uint32_t index);
/// A memory with its whole maximum reserved; nullptr and `error` set on failure.
std::unique_ptr<MemoryInst> make_memory(const MemoryType& type, uint64_t engine_max_pages,
                                        std::string& error);
/// Import matching (spec 4.5.2 "external typing"): limits of `actual` within `expected`.
bool limits_match(const Limits& actual, const Limits& expected);

}  // namespace hailmary::detail
