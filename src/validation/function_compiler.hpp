// Validates a function body and, in the same pass, translates it into threaded code.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "binary/module_data.hpp"
#include "execution/code.hpp"
#include "hailmary/error.hpp"

namespace hailmary::detail {

/// Validate defined function `defined_index` of `module` (spec section 3.3) and produce its
/// executable form. Malformed bytes inside the body are ErrorKind::Malformed, typing errors
/// ErrorKind::Invalid, both with the byte offset.
Result<std::unique_ptr<CompiledFunc>> compile_function(const ModuleData& module,
                                                       uint32_t defined_index);

/// The same pass emitting nothing: a pure validator (used by tests and fuzzing).
Result<void> validate_function(const ModuleData& module, uint32_t defined_index);

/// Syntax only (immediates and nesting) of every body: finds malformed bytes, no typing.
Result<void> scan_bodies_syntax(const ModuleData& module);

/// The executable code of a module's defined functions, shared by every instance of the
/// module in every store and on every thread. Each entry starts as a placeholder (one
/// LazyCompile instruction with the function's parameter and result counts) and is replaced,
/// once and atomically, by the translated body.
struct ModuleCode {
  explicit ModuleCode(const ModuleData& module);
  ~ModuleCode();
  ModuleCode(const ModuleCode&) = delete;
  ModuleCode& operator=(const ModuleCode&) = delete;

  /// The code to call defined function `i` through: translated, or its placeholder.
  const CompiledFunc* current(uint32_t i) const noexcept {
    return funcs[i].load(std::memory_order_acquire);
  }
  bool is_placeholder(const CompiledFunc* f) const noexcept;

  size_t count = 0;
  std::unique_ptr<std::atomic<const CompiledFunc*>[]> funcs;  ///< owns the translated ones
  std::vector<std::unique_ptr<CompiledFunc>> placeholders;    ///< one per function shape
};

/// Validate every function body, creating module.code; with `eager`, also translate every
/// body (in the same pass), otherwise bodies are only validated and translate_function()
/// translates them on first call. A malformed body anywhere is reported in preference to a
/// validation error, as decoding precedes validation.
Result<void> compile_module(ModuleData& module, bool eager, uint32_t threads = 1);

/// The translated code of defined function `defined_index` of a module compile_module()
/// accepted: the published one, or translated now and published (thread-safe; when two
/// threads race, one translation wins and the other is dropped). Fails only on resource
/// exhaustion or a translator bug.
Result<const CompiledFunc*> translate_function(const ModuleData& module, uint32_t defined_index);

}  // namespace hailmary::detail
