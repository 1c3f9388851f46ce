// Instantiation (spec 4.5.4): link imports, allocate, initialise segments, run start.
#include "hailmary/instance.hpp"

#include <algorithm>
#include <cstring>

#include "execution/code.hpp"
#include "execution/interpreter.hpp"
#include "hailmary/linker.hpp"
#include "runtime/store.hpp"
#include "validation/function_compiler.hpp"

namespace hailmary {

namespace detail {

bool limits_match(const Limits& actual, const Limits& expected) {
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

namespace {

std::string import_name(const ImportDesc& i) {
  return i.module + "." + i.name;
}

Result<void> check_import(const ImportDesc& imp, const Extern& ext, const ModuleData& m,
                          EngineData& engine) {
  auto mismatch = [&](const std::string& why) {
    return Error(ErrorKind::Link, "incompatible import type for " + import_name(imp) + ": " + why);
  };
  if (ext.kind() != imp.kind)
    return mismatch("expected " + std::string(to_string(imp.kind)) + ", got " +
                    std::string(to_string(ext.kind())));
  switch (imp.kind) {
    case ExternKind::Func: {
      uint32_t want = engine.intern(m.types[imp.type_index]);
      if (ext.func()->inst()->type_id != want)
        return mismatch("expected " + to_string(m.types[imp.type_index]) + ", got " +
                        to_string(ext.func()->type()));
      break;
    }
    case ExternKind::Table: {
      TableType t = ext.table()->type();
      if (t.element != imp.table.element || !limits_match(t.limits, imp.table.limits))
        return mismatch("table types differ");
      break;
    }
    case ExternKind::Memory: {
      if (!limits_match(ext.memory()->type().limits, imp.memory.limits))
        return mismatch("memory limits differ");
      break;
    }
    case ExternKind::Global: {
      if (!(ext.global()->type() == imp.global)) return mismatch("global types differ");
      break;
    }
  }
  return {};
}

uint64_t eval_const(const ConstExpr& e, const InstanceData& inst) {
  switch (e.op) {
    case ConstExpr::Op::GlobalGet:
      return inst.globals[e.index]->bits;
    case ConstExpr::Op::RefFunc:
      return reinterpret_cast<uint64_t>(inst.funcs[e.index]);
    case ConstExpr::Op::RefNull:
      return 0;
    default:
      return e.bits;
  }
}

}  // namespace
}  // namespace detail

Result<Instance> Linker::instantiate(const Module& module) const {
  using namespace detail;
  StoreData& s = store_->data();
  const ModuleData& m = module.data();

  // Resolve every import before allocating anything.
  std::vector<Extern> resolved;
  resolved.reserve(m.imports.size());
  for (const ImportDesc& imp : m.imports) {
    auto it = defs_.find(std::pair<std::string, std::string>(imp.module, imp.name));
    if (it == defs_.end())
      return Error(ErrorKind::Link, "unknown import: " + detail::import_name(imp) + " (" +
                                        std::string(to_string(imp.kind)) + ")");
    if (auto r = detail::check_import(imp, it->second, m, s.engine.data()); !r)
      return std::move(r).error();
    resolved.push_back(it->second);
  }

  s.instances.push_back(std::make_unique<InstanceData>(module));
  InstanceData& inst = *s.instances.back();
  inst.store = &s;
  for (const Extern& e : resolved) {
    switch (e.kind()) {
      case ExternKind::Func:
        inst.funcs.push_back(e.func()->inst());
        break;
      case ExternKind::Table:
        inst.tables.push_back(e.table()->inst());
        break;
      case ExternKind::Memory:
        inst.memories.push_back(e.memory()->inst());
        break;
      case ExternKind::Global:
        inst.globals.push_back(e.global()->inst());
        break;
    }
  }
  inst.call_targets.resize(m.imported_funcs + m.bodies.size());
  for (uint32_t i = 0; i < m.bodies.size(); ++i) {
    auto f = std::make_unique<FuncInst>();
    uint32_t type_index = m.func_types[m.imported_funcs + i];
    f->type_id = m.type_ids[type_index];
    f->type = &s.engine.data().type_of(f->type_id);
    f->store = &s;
    f->instance = &inst;
    f->func_index = m.imported_funcs + i;
    inst.set_code(f.get(), m.code->current(i));  // translated, or a placeholder until called
    inst.funcs.push_back(f.get());
    s.funcs.push_back(std::move(f));
  }
  const EngineConfig& config = s.engine.config();
  for (size_t i = m.imported_tables; i < m.tables.size(); ++i) {
    auto t = std::make_unique<TableInst>();
    t->type = m.tables[i];
    t->max = std::min<uint64_t>(t->type.limits.max.value_or(UINT32_MAX), config.max_table_elements);
    if (t->type.limits.min > t->max)
      return Error(ErrorKind::Instantiate, "table of " + std::to_string(t->type.limits.min) +
                                               " elements exceeds the limit");
    t->elems.assign(t->type.limits.min, 0);
    inst.tables.push_back(t.get());
    s.tables.push_back(std::move(t));
  }
  for (size_t i = m.imported_memories; i < m.memories.size(); ++i) {
    std::string why;
    auto mem = make_memory(m.memories[i], config.max_memory_pages, why);
    if (!mem) return Error(ErrorKind::Instantiate, why);
    inst.memories.push_back(mem.get());
    s.memories.push_back(std::move(mem));
  }
  inst.memory0 = inst.memories.empty() ? nullptr : inst.memories[0];
  // Globals may refer to imported globals and to any function.
  for (size_t i = m.imported_globals; i < m.globals.size(); ++i) {
    auto g = std::make_unique<GlobalInst>();
    g->type = m.globals[i].type;
    g->bits = eval_const(m.globals[i].init, inst);
    inst.globals.push_back(g.get());
    s.globals.push_back(std::move(g));
  }
  inst.elem_segments.reserve(m.elems.size());
  for (const ElemSegment& seg : m.elems) {
    std::vector<uint64_t> refs;
    refs.reserve(seg.items.size());
    for (const ConstExpr& e : seg.items) refs.push_back(eval_const(e, inst));
    inst.elem_segments.push_back(std::move(refs));
  }
  inst.data_segments.reserve(m.datas.size());
  for (const DataSegment& seg : m.datas)
    inst.data_segments.emplace_back(m.bytes.data() + seg.bytes_offset, seg.size);

  // Active segments behave as table.init/memory.init followed by a drop, in order; a
  // failure traps, and what was written before stays written.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::Active) {
      TableInst& t = *inst.tables[seg.table];
      uint64_t offset = static_cast<uint32_t>(eval_const(seg.offset, inst));
      const auto& refs = inst.elem_segments[i];
      if (offset + refs.size() > t.elems.size())
        return Error::trap(TrapKind::TableOutOfBounds, "element segment " + std::to_string(i));
      std::copy(refs.begin(), refs.end(), t.elems.begin() + static_cast<ptrdiff_t>(offset));
    }
    if (seg.mode != SegmentMode::Passive) inst.elem_segments[i].clear();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    MemoryInst& mem = *inst.memories[seg.memory];
    uint64_t offset = static_cast<uint32_t>(eval_const(seg.offset, inst));
    if (offset + seg.size > mem.size)
      return Error::trap(TrapKind::MemoryOutOfBounds, "data segment " + std::to_string(i));
    if (seg.size) std::memcpy(mem.base + offset, m.bytes.data() + seg.bytes_offset, seg.size);
    inst.data_segments[i] = {};
  }
  if (m.start) {
    uint64_t none[1] = {0};
    if (!invoke(s, inst.funcs[*m.start], none)) {
      Error e = std::move(*s.pending_error);
      s.pending_error.reset();
      return e;
    }
  }
  return Instance(&inst);
}

std::optional<Extern> Instance::get_export(std::string_view name) const {
  if (!data_) return std::nullopt;
  for (const detail::ExportDesc& e : data_->mod->exports) {
    if (e.name != name) continue;
    switch (e.kind) {
      case ExternKind::Func:
        return Extern(Func(data_->funcs[e.index]));
      case ExternKind::Table:
        return Extern(Table(data_->tables[e.index]));
      case ExternKind::Memory:
        return Extern(Memory(data_->memories[e.index]));
      case ExternKind::Global:
        return Extern(Global(data_->globals[e.index]));
    }
  }
  return std::nullopt;
}

std::optional<Func> Instance::get_func(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !e->func()) return std::nullopt;
  return *e->func();
}
std::optional<Memory> Instance::get_memory(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !e->memory()) return std::nullopt;
  return *e->memory();
}
std::optional<Table> Instance::get_table(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !e->table()) return std::nullopt;
  return *e->table();
}
std::optional<Global> Instance::get_global(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !e->global()) return std::nullopt;
  return *e->global();
}

std::vector<NamedExtern> Instance::exports() const {
  std::vector<NamedExtern> out;
  if (!data_) return out;
  for (const detail::ExportDesc& e : data_->mod->exports) {
    auto x = get_export(e.name);
    out.push_back({e.name, *x});
  }
  return out;
}

std::optional<Memory> Instance::default_memory() const {
  if (!data_ || !data_->memory0) return std::nullopt;
  return Memory(data_->memory0);
}

const Module& Instance::module() const {
  return data_->module;
}

}  // namespace hailmary
