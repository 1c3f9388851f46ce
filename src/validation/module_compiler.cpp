// The module-level driver of the body pass: validation of every body at load, translation at
// load (eager) or on a function's first call (lazy), and the table that publishes the code.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <utility>

#include "validation/function_compiler.hpp"

namespace hailmary::detail {

namespace {

const void* lazy_handler() noexcept {
  return handler_addresses()[static_cast<size_t>(Op::LazyCompile)];
}

bool dump_code() {
  static const bool dump = std::getenv("HM_DISASSEMBLE") != nullptr;
  return dump;
}

void dump(const ModuleData& module, uint32_t defined_index, const CompiledFunc& f) {
  std::fprintf(stderr, "func %u:\n%s", module.imported_funcs + defined_index,
               disassemble(f).c_str());
}

}  // namespace

ModuleCode::ModuleCode(const ModuleData& module)
    : count(module.bodies.size()),
      funcs(std::make_unique<std::atomic<const CompiledFunc*>[]>(module.bodies.size())) {
  // Placeholders differ only in their parameter and result counts: one per distinct pair,
  // found through a per-type cache.
  const void* handler = lazy_handler();
  std::vector<int32_t> of_type(module.types.size(), -1);
  std::map<std::pair<size_t, size_t>, int32_t> of_shape;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t t = module.func_types[module.imported_funcs + i];
    if (of_type[t] < 0) {
      const FuncType& type = module.types[t];
      auto [it, added] = of_shape.try_emplace({type.params.size(), type.results.size()},
                                              static_cast<int32_t>(placeholders.size()));
      if (added) {
        auto p = std::make_unique<CompiledFunc>();
        p->code.resize(kHandlerWords);
        std::memcpy(p->code.data(), &handler, sizeof handler);
        p->param_slots = static_cast<uint32_t>(type.params.size());
        p->local_slots = p->param_slots;
        p->frame_slots = p->param_slots;
        p->result_count = static_cast<uint32_t>(type.results.size());
        placeholders.push_back(std::move(p));
      }
      of_type[t] = it->second;
    }
    funcs[i].store(placeholders[static_cast<size_t>(of_type[t])].get(), std::memory_order_relaxed);
  }
}

ModuleCode::~ModuleCode() {
  for (size_t i = 0; i < count; ++i) {
    const CompiledFunc* f = funcs[i].load(std::memory_order_acquire);
    if (!is_placeholder(f)) delete f;
  }
}

bool ModuleCode::is_placeholder(const CompiledFunc* f) const noexcept {
  // A translated body never is a lone LazyCompile.
  const void* handler = lazy_handler();
  return f->code.size() == kHandlerWords &&
         std::memcmp(f->code.data(), &handler, sizeof handler) == 0;
}

Result<void> compile_module(ModuleData& module, bool eager) {
  auto code = std::make_unique<ModuleCode>(module);
  const bool dumping = dump_code();
  for (uint32_t i = 0; i < module.bodies.size(); ++i) {
    Result<void> r;
    if (eager) {
      auto f = compile_function(module, i);
      if (f) {
        if (dumping) dump(module, i, **f);
        code->funcs[i].store(f->release(), std::memory_order_relaxed);
      } else {
        r = std::move(f).error();
      }
    } else {
      r = validate_function(module, i);
    }
    if (!r) {
      // Decoding precedes validation: a malformed body further on wins over this error.
      if (r.error().kind() == ErrorKind::Invalid) {
        if (auto syntax = scan_bodies_syntax(module); !syntax) return syntax;
      }
      return r;
    }
  }
  module.code = std::move(code);
  return {};
}

Result<const CompiledFunc*> translate_function(const ModuleData& module, uint32_t defined_index) {
  ModuleCode& code = *module.code;
  const CompiledFunc* current = code.current(defined_index);
  if (!code.is_placeholder(current)) return current;
  auto f = compile_function(module, defined_index);
  if (!f) return std::move(f).error();
  if (dump_code()) dump(module, defined_index, **f);
  CompiledFunc* mine = f->get();
  // Publish; if another thread got there first, use its code and drop ours.
  if (code.funcs[defined_index].compare_exchange_strong(current, mine, std::memory_order_acq_rel,
                                                        std::memory_order_acquire)) {
    f->release();
    return static_cast<const CompiledFunc*>(mine);
  }
  return current;
}

}  // namespace hailmary::detail
