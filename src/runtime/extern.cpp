// Public handles: Func, Memory, Table, Global, Extern, Caller.
#include "hailmary/extern.hpp"

#include <cstring>

#include "execution/interpreter.hpp"
#include "hailmary/instance.hpp"
#include "runtime/store.hpp"

namespace hailmary {

namespace {

struct UntypedHost {
  HostFunction fn;
  const FuncType* type;
};

/// Adapts an untyped HostFunction to the raw slot ABI.
bool untyped_thunk(Caller& caller, uint64_t* slots, void* env) {
  auto* h = static_cast<UntypedHost*>(env);
  const FuncType& t = *h->type;
  Value params[16];
  Value results[16];
  std::vector<Value> big_params, big_results;
  Value* p = params;
  Value* r = results;
  if (t.params.size() > 16) {
    big_params.resize(t.params.size());
    p = big_params.data();
  }
  if (t.results.size() > 16) {
    big_results.resize(t.results.size());
    r = big_results.data();
  }
  for (size_t i = 0; i < t.params.size(); ++i) p[i] = Value::from_bits(t.params[i], slots[i]);
  for (size_t i = 0; i < t.results.size(); ++i) r[i] = Value::from_bits(t.results[i], 0);
  Result<void> ok = h->fn(caller, {p, t.params.size()}, {r, t.results.size()});
  if (!ok) {
    caller.fail(std::move(ok).error());
    return false;
  }
  for (size_t i = 0; i < t.results.size(); ++i) {
    if (r[i].type() != t.results[i]) {
      caller.fail(Error(ErrorKind::Usage, "host function returned " + to_string(r[i]) + " where " +
                                              std::string(to_string(t.results[i])) +
                                              " was declared"));
      return false;
    }
    slots[i] = r[i].bits();
  }
  return true;
}

[[gnu::noinline, gnu::cold]] Error take_pending(detail::StoreData& s) {
  Error e = std::move(*s.pending_error);
  s.pending_error.reset();
  return e;
}

uint64_t canonical_bits(const Value& v) {
  switch (v.type()) {
    case ValType::I32:
    case ValType::F32:
      return static_cast<uint32_t>(v.bits());
    default:
      return v.bits();
  }
}

}  // namespace

// ---- Func ----
Func Func::host(Store& store, FuncType type, HostFunction fn) {
  auto env = std::make_shared<UntypedHost>(UntypedHost{std::move(fn), nullptr});
  Func f(store.data().new_host_func(std::move(type), &untyped_thunk, env));
  env->type = f.inst_->type;
  return f;
}

Func Func::host_raw(Store& store, FuncType type, RawHostFunction fn, std::shared_ptr<void> env) {
  return Func(store.data().new_host_func(std::move(type), fn, std::move(env)));
}

const FuncType& Func::type() const noexcept {
  return *inst_->type;
}

Error detail::take_call_error(FuncInst* f) {
  return take_pending(*f->store);
}
const detail::ValueStack* detail::value_stack_of(FuncInst* f) noexcept {
  return f->code && f->store->stack_base ? &f->store->value_stack : nullptr;
}

Result<void> Func::call(std::span<const Value> args, std::span<Value> results) const {
  if (!inst_) return Error(ErrorKind::Usage, "call of a null function");
  const FuncType& t = *inst_->type;
  if (args.size() != t.params.size())
    return Error(ErrorKind::Usage, "expected " + std::to_string(t.params.size()) +
                                       " arguments, got " + std::to_string(args.size()) + " for " +
                                       to_string(t));
  if (results.size() != t.results.size())
    return Error(ErrorKind::Usage, "expected room for " + std::to_string(t.results.size()) +
                                       " results for " + to_string(t));
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type() != t.params[i])
      return Error(ErrorKind::Usage, "argument " + std::to_string(i) + " is " + to_string(args[i]) +
                                         ", expected " + std::string(to_string(t.params[i])));
  }
  size_t n = std::max(t.params.size(), t.results.size());
  uint64_t small[16];
  std::vector<uint64_t> big;
  uint64_t* slots = small;
  if (n > 16) {
    big.resize(n);
    slots = big.data();
  }
  for (size_t i = 0; i < args.size(); ++i) slots[i] = canonical_bits(args[i]);
  if (auto r = call_raw(slots); !r) return r;
  for (size_t i = 0; i < results.size(); ++i) results[i] = Value::from_bits(t.results[i], slots[i]);
  return {};
}

Result<std::vector<Value>> Func::call(std::span<const Value> args) const {
  if (!inst_) return Error(ErrorKind::Usage, "call of a null function");
  std::vector<Value> results(inst_->type->results.size());
  if (auto r = call(args, results); !r) return std::move(r).error();
  return results;
}

// ---- Memory ----
Result<Memory> Memory::create(Store& store, MemoryType type) {
  std::string why;
  auto m = detail::make_memory(type, store.engine().config().max_memory_pages, why);
  if (!m) return Error(ErrorKind::Instantiate, why);
  auto& list = store.data().memories;
  list.push_back(std::move(m));
  return Memory(list.back().get());
}

MemoryType Memory::type() const noexcept {
  return inst_->type;
}
uint8_t* Memory::data() const noexcept {
  return inst_->base;
}
uint64_t Memory::size() const noexcept {
  return inst_->size;
}
uint64_t Memory::pages() const noexcept {
  return inst_->pages();
}
uint64_t Memory::generation() const noexcept {
  return inst_->generation;
}

Result<uint64_t> Memory::grow(uint64_t delta) const {
  int64_t old = inst_->grow(delta);
  if (old < 0)
    return Error(ErrorKind::Usage, "memory.grow by " + std::to_string(delta) +
                                       " pages failed (maximum " +
                                       std::to_string(inst_->max_pages) + " pages)");
  return static_cast<uint64_t>(old);
}

Result<void> Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > inst_->size || out.size() > inst_->size - offset)
    return Error(ErrorKind::Ffi, "memory read of " + std::to_string(out.size()) + " bytes at " +
                                     std::to_string(offset) + " is out of bounds (size " +
                                     std::to_string(inst_->size) + ")");
  if (!out.empty()) std::memcpy(out.data(), inst_->base + offset, out.size());
  return {};
}

Result<void> Memory::write(uint64_t offset, std::span<const uint8_t> in) const {
  if (offset > inst_->size || in.size() > inst_->size - offset)
    return Error(ErrorKind::Ffi, "memory write of " + std::to_string(in.size()) + " bytes at " +
                                     std::to_string(offset) + " is out of bounds (size " +
                                     std::to_string(inst_->size) + ")");
  if (!in.empty()) std::memcpy(inst_->base + offset, in.data(), in.size());
  return {};
}

// ---- Table ----
Result<Table> Table::create(Store& store, TableType type, Value init) {
  if (!is_ref(type.element) || init.type() != type.element)
    return Error(ErrorKind::Usage,
                 "table initial value must be a " + std::string(to_string(type.element)));
  auto t = std::make_unique<detail::TableInst>();
  t->type = type;
  t->max = std::min<uint64_t>(type.limits.max.value_or(UINT32_MAX),
                              store.engine().config().max_table_elements);
  if (type.limits.min > t->max) return Error(ErrorKind::Instantiate, "table too large");
  t->elems.assign(type.limits.min, init.bits());
  auto& list = store.data().tables;
  list.push_back(std::move(t));
  return Table(list.back().get());
}

TableType Table::type() const noexcept {
  return inst_->type;
}
uint64_t Table::size() const noexcept {
  return inst_->elems.size();
}

Result<Value> Table::get(uint64_t index) const {
  if (index >= inst_->elems.size()) return Error::trap(TrapKind::TableOutOfBounds);
  return Value::from_bits(inst_->type.element, inst_->elems[index]);
}

Result<void> Table::set(uint64_t index, Value value) const {
  if (value.type() != inst_->type.element)
    return Error(ErrorKind::Usage,
                 "table element must be a " + std::string(to_string(inst_->type.element)));
  if (index >= inst_->elems.size()) return Error::trap(TrapKind::TableOutOfBounds);
  inst_->elems[index] = value.bits();
  return {};
}

Result<uint64_t> Table::grow(uint64_t delta, Value init) const {
  if (init.type() != inst_->type.element)
    return Error(ErrorKind::Usage,
                 "table element must be a " + std::string(to_string(inst_->type.element)));
  int64_t old = inst_->grow(delta, init.bits());
  if (old < 0) return Error(ErrorKind::Usage, "table.grow failed");
  return static_cast<uint64_t>(old);
}

// ---- Global ----
Result<Global> Global::create(Store& store, GlobalType type, Value init) {
  if (init.type() != type.type)
    return Error(ErrorKind::Usage,
                 "global initial value must be a " + std::string(to_string(type.type)));
  auto g = std::make_unique<detail::GlobalInst>();
  g->type = type;
  g->bits = canonical_bits(init);
  auto& list = store.data().globals;
  list.push_back(std::move(g));
  return Global(list.back().get());
}

GlobalType Global::type() const noexcept {
  return inst_->type;
}
Value Global::get() const noexcept {
  return Value::from_bits(inst_->type.type, inst_->bits);
}

Result<void> Global::set(Value value) const {
  if (!inst_->type.mutable_) return Error(ErrorKind::Usage, "global is immutable");
  if (value.type() != inst_->type.type)
    return Error(ErrorKind::Usage, "global is a " + std::string(to_string(inst_->type.type)));
  inst_->bits = canonical_bits(value);
  return {};
}

// ---- Extern ----
ExternType Extern::type() const {
  ExternType t;
  t.kind = kind();
  if (auto* f = func()) t.func = f->type();
  if (auto* x = table()) t.table = x->type();
  if (auto* m = memory()) t.memory = m->type();
  if (auto* g = global()) t.global = g->type();
  return t;
}

// ---- Caller ----
std::optional<Extern> Caller::get_export(std::string_view name) const {
  if (!instance_) return std::nullopt;
  return Instance(instance_).get_export(name);
}

std::optional<Memory> Caller::memory() const {
  if (!instance_ || !instance_->memory0) return std::nullopt;
  return Memory(instance_->memory0);
}

void Caller::fail(Error error) {
  if (!error_) error_ = std::move(error);
}

Error Caller::take_error() {
  Error e = std::move(*error_);
  error_.reset();
  return e;
}

}  // namespace hailmary
