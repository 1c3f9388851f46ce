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

// Between the two interpreter loops: execute() (interpreter.cpp), and the leaf interpreter
// (leaf_interpreter.cpp), which invoke_wasm_raw() is.

/// Runs wasm function `entry` in a new activation at the store's stack top, where its
/// arguments are and its results are left (as invoke_wasm_raw). With entry == nullptr, only
/// publishes the handler table through `table_out`.
bool execute(StoreData* store, FuncInst* entry, const void* const** table_out = nullptr) noexcept;
/// Fails the activation that started in `entry` with a trap of `kind`, its backtrace the
/// functions called by the frames above `base` up to `top`, and entry (an interrupt, once
/// delivered, is cleared).
[[gnu::cold]] bool trapped(StoreData& s, TrapKind kind, FuncInst* entry, const CallFrame* base,
                           const CallFrame* top) noexcept;
/// Fails a call for want of stack.
bool exhausted(StoreData& s) noexcept;

}  // namespace hailmary::detail
