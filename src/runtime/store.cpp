// Engine, Store and the raw runtime objects (memories, tables).
#include "runtime/store.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

#include "execution/code.hpp"

namespace hailmary {

namespace detail {

uint32_t EngineData::intern(const FuncType& type) {
  std::lock_guard lock(types_mutex);
  auto [it, inserted] = type_ids.try_emplace(type, static_cast<uint32_t>(types_by_id.size()));
  if (inserted) types_by_id.push_back(type);
  return it->second;
}

const FuncType& EngineData::type_of(uint32_t id) {
  std::lock_guard lock(types_mutex);
  return types_by_id[id];
}

MemoryInst::~MemoryInst() {
  if (base) munmap(base, reserved);
}

int64_t MemoryInst::grow(uint64_t delta_pages) noexcept {
  uint64_t old_pages = pages();
  if (delta_pages > max_pages || old_pages + delta_pages > max_pages) return -1;
  if (delta_pages == 0) return static_cast<int64_t>(old_pages);
  uint64_t new_size = (old_pages + delta_pages) * kPageSize;
  if (mprotect(base + size, new_size - size, PROT_READ | PROT_WRITE) != 0) return -1;
  size = new_size;
  fast_limit = new_size - 7;
  type.limits.min = old_pages + delta_pages;
  ++generation;
  return static_cast<int64_t>(old_pages);
}

/// Reserve address space for the memory's whole maximum so its base never moves.
std::unique_ptr<MemoryInst> make_memory(const MemoryType& type, uint64_t engine_max_pages,
                                        std::string& error) {
  auto m = std::make_unique<MemoryInst>();
  uint64_t max = std::min<uint64_t>(type.limits.max.value_or(kMaxPages), kMaxPages);
  max = std::min(max, engine_max_pages);
  if (type.limits.min > max) {
    error = "memory of " + std::to_string(type.limits.min) + " pages exceeds the limit of " +
            std::to_string(max) + " pages";
    return nullptr;
  }
  m->max_pages = max;
  m->type = type;
  m->reserved = std::max<uint64_t>(max, 1) * kPageSize;
  void* p =
      mmap(nullptr, m->reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    error = "cannot reserve address space for linear memory";
    return nullptr;
  }
  m->base = static_cast<uint8_t*>(p);
  uint64_t initial = type.limits.min;
  m->type.limits.min = 0;
  if (initial > 0 && m->grow(initial) < 0) {
    error = "cannot allocate " + std::to_string(initial) + " pages of linear memory";
    return nullptr;
  }
  m->generation = 0;
  return m;
}

int64_t TableInst::grow(uint64_t delta, uint64_t init) noexcept {
  uint64_t old = elems.size();
  if (delta > max || old + delta > max) return -1;
  try {
    elems.resize(old + delta, init);
  } catch (...) {
    return -1;
  }
  type.limits.min = old + delta;
  return static_cast<int64_t>(old);
}

void InstanceData::set_code(FuncInst* f, const CompiledFunc* code) {
  f->code = code;
  f->leaf_code = code->leaf_code.get();
  call_targets[f->func_index] = {code->code.data(), code->frame_slots, f};
}

StoreData::StoreData(const Engine& e) : engine(e) {
  const EngineConfig& c = engine.config();
  stack_bytes = std::max<size_t>(c.value_stack_slots, 1024) * sizeof(uint64_t);
  stack_bytes += kValueStackRedZone * sizeof(uint64_t);
  void* p = mmap(nullptr, stack_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p != MAP_FAILED) {
    stack_base = static_cast<uint64_t*>(p);
    value_stack.end = stack_base + stack_bytes / sizeof(uint64_t) - kValueStackRedZone;
  } else {
    stack_bytes = 0;  // every call then traps with "call stack exhausted"
  }
  value_stack.top = stack_base;
  max_call_depth = c.max_call_depth;
  frames.reset(new CallFrame[static_cast<size_t>(c.max_call_depth) + 1]);
  frames_end = frames.get() + c.max_call_depth;
  frames_top = frames.get();
  call_limit.store(frames_end, std::memory_order_relaxed);
}

StoreData::~StoreData() {
  if (stack_base) munmap(stack_base, stack_bytes);
}

FuncInst* StoreData::new_host_func(FuncType type, RawHostFunction fn, std::shared_ptr<void> env) {
  auto f = std::make_unique<FuncInst>();
  f->type_id = engine.data().intern(type);
  f->type = &engine.data().type_of(f->type_id);
  f->store = this;
  f->host = fn;
  f->host_slots = static_cast<uint32_t>(std::max(f->type->params.size(), f->type->results.size()));
  f->host_env = env.get();
  f->host_env_owner = std::move(env);
  funcs.push_back(std::move(f));
  return funcs.back().get();
}

}  // namespace detail

Engine::Engine(EngineConfig config) : data_(std::make_shared<detail::EngineData>()) {
  data_->config = config;
  if (data_->config.max_call_depth == 0) data_->config.max_call_depth = 1;
}

const EngineConfig& Engine::config() const noexcept {
  return data_->config;
}

Store::Store(const Engine& engine) : data_(std::make_unique<detail::StoreData>(engine)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
const Engine& Store::engine() const noexcept {
  return data_->engine;
}
void Store::interrupt() noexcept {
  data_->interrupt_requested.store(true, std::memory_order_relaxed);
  data_->call_limit.store(data_->frames.get(), std::memory_order_relaxed);
}

}  // namespace hailmary
