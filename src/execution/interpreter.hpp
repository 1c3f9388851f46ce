// Entry points into the interpreter.
#pragma once

#include <cstdint>

#include "runtime/store.hpp"

namespace hailmary::detail {

/// Call `func` (wasm or host) from the host with arguments in `slots` (raw 64-bit values,
/// max(params, results) of them); results replace them. On failure returns false and leaves
/// the error (a trap with its backtrace, or a host function's error) in store.pending_error.
/// The store stays usable after a trap.
bool invoke(StoreData& store, FuncInst* func, uint64_t* slots) noexcept;

}  // namespace hailmary::detail
