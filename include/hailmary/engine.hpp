// Engine (shared, immutable configuration and compiled modules) and Store (per-thread owner
// of all runtime objects).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace hailmary {

namespace detail {
struct EngineData;
struct StoreData;
}  // namespace detail

/// Limits that keep a hostile module from taking the host down.
struct EngineConfig {
  /// Wasm call depth at which execution traps with "call stack exhausted".
  uint32_t max_call_depth = 20000;
  /// Value-stack size in 8-byte slots (reserved lazily; untouched pages cost nothing).
  size_t value_stack_slots = size_t{4} << 20;
  /// Upper bound on any linear memory, in 64 KiB pages (65536 = 4 GiB, the wasm32 maximum).
  uint64_t max_memory_pages = 65536;
  /// Upper bound on any table's element count.
  uint64_t max_table_elements = 10'000'000;
  /// Translate every function body to the interpreter's code when a module is loaded. By
  /// default a body is only validated at load and translated on the function's first call,
  /// so loading is faster and functions never called cost nothing.
  bool eager_translation = false;
  /// Threads that validate (and with eager_translation, translate) the bodies of a large
  /// module at load, the calling thread included: 0 picks the machine's cores (at most 8), 1
  /// never starts a thread. Modules with less than 256 KiB of code load on the calling thread.
  uint32_t compile_threads = 0;
};

/// Shared by every store and module; cheap to copy (reference semantics). Thread-safe.
class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  const EngineConfig& config() const noexcept;
  detail::EngineData& data() const noexcept { return *data_; }

 private:
  std::shared_ptr<detail::EngineData> data_;
};

/// Owns instances, functions, memories, tables and globals. One store is used by one thread at
/// a time; run many stores on many threads for concurrency. Handles into a store (Func,
/// Memory, Instance, ...) are valid as long as the store lives.
class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Engine& engine() const noexcept;
  detail::StoreData& data() const noexcept { return *data_; }

  /// Make the guest code running in this store (or the next to run) trap with
  /// TrapKind::Interrupted at its next loop iteration or call. Safe to call from any thread,
  /// e.g. a watchdog enforcing a deadline on untrusted code. Cleared when the trap is raised.
  void interrupt() noexcept;

 private:
  std::unique_ptr<detail::StoreData> data_;
};

}  // namespace hailmary
