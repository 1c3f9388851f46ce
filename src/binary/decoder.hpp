// Module decoding (binary format) and module-level validation.
#pragma once

#include "binary/module_data.hpp"
#include "hailmary/error.hpp"

namespace hailmary::detail {

/// Decode every section of `module.bytes` into `module`. Function bodies are located, their
/// locals decoded and bounded, but their instructions are left to the body validator.
/// Errors are ErrorKind::Malformed with the byte offset.
Result<void> decode_module(ModuleData& module);

/// Every 2.0 validation rule that is not about instructions inside function bodies: limits,
/// type indices, const expressions, export names unique, start signature, segment types,
/// data count, ... Errors are ErrorKind::Invalid with the byte offset where known.
Result<void> validate_module_level(const ModuleData& module);

}  // namespace hailmary::detail
