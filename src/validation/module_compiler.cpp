// The module-level driver of the body pass: validation of every body at load, translation at
// load (eager) or on a function's first call (lazy), and the table that publishes the code.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "validation/function_compiler.hpp"

namespace hailmary::detail {

namespace {

// Below this much code a module loads on the calling thread: starting threads costs more.
constexpr uint64_t kParallelLoadBytes = 256 * 1024;

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

Result<void> compile_module(ModuleData& module, bool eager, uint32_t threads) {
  auto code = std::make_unique<ModuleCode>(module);
  const bool dumping = dump_code();
  const uint32_t n = static_cast<uint32_t>(module.bodies.size());
  // Validates (or translates) body i; false with `error` set if it is not valid.
  auto process = [&](uint32_t i, Result<void>& error) {
    if (eager) {
      auto f = compile_function(module, i);
      if (!f) {
        error = std::move(f).error();
        return false;
      }
      if (dumping) dump(module, i, **f);
      code->funcs[i].store(f->release(), std::memory_order_relaxed);
      return true;
    }
    error = validate_function(module, i);
    return error.ok();
  };

  // The first invalid body in index order is the one reported, however the work is split.
  uint32_t first_bad = n;
  Result<void> bad;
  uint64_t code_bytes = 0;
  for (const FunctionBody& b : module.bodies) code_bytes += b.body_end - b.body_offset;
  if (threads == 0) threads = std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= 1 || dumping || code_bytes < kParallelLoadBytes || n < 2) {
    for (uint32_t i = 0; i < n; ++i) {
      if (!process(i, bad)) {
        first_bad = i;
        break;
      }
    }
  } else {
    // Workers take chunks of consecutive bodies; those past a failure already found are
    // skipped, since only an earlier failure could replace it.
    constexpr uint32_t kChunk = 32;
    std::atomic<uint32_t> next{0}, failed_at{n};
    std::mutex bad_mutex;
    auto work = [&] {
      for (;;) {
        const uint32_t begin = next.fetch_add(kChunk, std::memory_order_relaxed);
        if (begin >= n || begin >= failed_at.load(std::memory_order_relaxed)) return;
        for (uint32_t i = begin; i < std::min(n, begin + kChunk); ++i) {
          if (i >= failed_at.load(std::memory_order_relaxed)) return;
          Result<void> error;
          if (process(i, error)) continue;
          std::lock_guard lock(bad_mutex);
          if (i < first_bad) {
            first_bad = i;
            bad = std::move(error);
            failed_at.store(i, std::memory_order_relaxed);
          }
          return;
        }
      }
    };
    std::vector<std::thread> helpers;
    for (uint32_t t = 1; t < threads; ++t) {
      try {
        helpers.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // no more threads to be had: the others, this one included, do the rest
      }
    }
    work();
    for (std::thread& t : helpers) t.join();
  }
  if (first_bad < n) {
    // Decoding precedes validation: a malformed body further on wins over this error.
    if (bad.error().kind() == ErrorKind::Invalid) {
      if (auto syntax = scan_bodies_syntax(module); !syntax) return syntax;
    }
    return bad;
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
