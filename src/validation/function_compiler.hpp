// Validates a function body and, in the same pass, translates it into threaded code.
#pragma once

#include <memory>

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

/// Validate and compile every function body, filling module.code. A malformed body anywhere
/// is reported in preference to a validation error, as decoding precedes validation.
Result<void> compile_module(ModuleData& module);

}  // namespace hailmary::detail
