// Cheap handles to runtime objects owned by a Store: functions, memories, tables, globals.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "hailmary/engine.hpp"
#include "hailmary/error.hpp"
#include "hailmary/types.hpp"
#include "hailmary/value.hpp"

namespace hailmary {

namespace detail {
struct FuncInst;
struct MemoryInst;
struct TableInst;
struct GlobalInst;
struct InstanceData;

/// The raw call, split so that its success path inlines into typed callers: runs `f` with
/// `slots` as Func::call_raw does and returns false on failure, leaving the error in the
/// store for take_call_error.
bool invoke_raw(FuncInst* f, uint64_t* slots) noexcept;
/// invoke_raw for a function known to be wasm (value_stack_of(f) is not null), with `slots`
/// at its value stack's top (in place: see value_stack_of).
bool invoke_wasm_raw(FuncInst* f, uint64_t* slots) noexcept;
[[gnu::cold]] Error take_call_error(FuncInst* f);
/// Slots past a value stack's `end` that are always mapped, so that a call of up to this
/// many slots may put them at `top` without checking for room (top never passes end).
inline constexpr size_t kValueStackRedZone = 64;
/// A store's value stack as a raw call sees it: a call made now puts its frame at `top`.
struct ValueStack {
  uint64_t* end = nullptr;
  uint64_t* top = nullptr;
};
/// The value stack a call of `f` runs on, or null when `f` is a host function (or the store
/// has no stack). A raw call of a wasm function that finds room for its n slots at `top`
/// (always, for n <= kValueStackRedZone) can keep its arguments and
/// results there, at the bottom of the frame the call runs in, and the interpreter then
/// copies neither (Func::call_raw with slots == top).
const ValueStack* value_stack_of(FuncInst* f) noexcept;
}  // namespace detail

class Caller;
class Instance;
class Memory;

/// An untyped host function: reads `params`, writes exactly `results.size()` values of the
/// declared result types. Returning an Error traps the calling guest; the host caller of the
/// outermost wasm call receives that error.
using HostFunction = std::function<Result<void>(Caller& caller, std::span<const Value> params,
                                                std::span<Value> results)>;

/// The low-level host-function ABI the typed FFI is built on: `slots` holds the parameters as
/// raw 64-bit values on entry and receives the results (starting at slots[0]). An i32 or f32
/// is the low 32 bits of its slot; the upper 32 bits are unspecified (read it as uint32_t).
/// Return false after calling caller.fail(...) to trap.
using RawHostFunction = bool (*)(Caller& caller, uint64_t* slots, void* env);

class Func {
 public:
  Func() = default;
  explicit Func(detail::FuncInst* inst) : inst_(inst) {}

  /// A host function with an explicit type.
  static Func host(Store& store, FuncType type, HostFunction fn);
  /// A host function on the raw slot ABI; `env` is kept alive as long as the store.
  static Func host_raw(Store& store, FuncType type, RawHostFunction fn, std::shared_ptr<void> env);

  const FuncType& type() const noexcept;
  /// Call with type-checked arguments; results are returned in order.
  Result<std::vector<Value>> call(std::span<const Value> args) const;
  Result<void> call(std::span<const Value> args, std::span<Value> results) const;
  /// The raw call ABI (no type checks): `slots` holds max(params, results) 64-bit values,
  /// parameters on entry, results on return (an i32 or f32 result is the low 32 bits of its
  /// slot; the upper bits are unspecified).
  Result<void> call_raw(uint64_t* slots) const {
    if (detail::invoke_raw(inst_, slots)) [[likely]]
      return {};
    return detail::take_call_error(inst_);
  }

  detail::FuncInst* inst() const noexcept { return inst_; }
  explicit operator bool() const noexcept { return inst_ != nullptr; }
  friend bool operator==(const Func&, const Func&) = default;

 private:
  detail::FuncInst* inst_ = nullptr;
};

class Memory {
 public:
  Memory() = default;
  explicit Memory(detail::MemoryInst* inst) : inst_(inst) {}
  static Result<Memory> create(Store& store, MemoryType type);

  MemoryType type() const noexcept;
  /// Base of linear memory. The base never moves for the life of the memory (it is reserved
  /// up front), but only bytes below size() are accessible.
  uint8_t* data() const noexcept;
  uint64_t size() const noexcept;  ///< in bytes
  uint64_t pages() const noexcept;
  /// Grow by `delta` pages; returns the old page count.
  Result<uint64_t> grow(uint64_t delta) const;
  /// A counter bumped every time the memory grows (used to detect stale views).
  uint64_t generation() const noexcept;

  /// Bounds-checked copies (overflow-safe).
  Result<void> read(uint64_t offset, std::span<uint8_t> out) const;
  Result<void> write(uint64_t offset, std::span<const uint8_t> in) const;

  detail::MemoryInst* inst() const noexcept { return inst_; }
  explicit operator bool() const noexcept { return inst_ != nullptr; }
  friend bool operator==(const Memory&, const Memory&) = default;

 private:
  detail::MemoryInst* inst_ = nullptr;
};

class Table {
 public:
  Table() = default;
  explicit Table(detail::TableInst* inst) : inst_(inst) {}
  static Result<Table> create(Store& store, TableType type, Value init);

  TableType type() const noexcept;
  uint64_t size() const noexcept;
  Result<Value> get(uint64_t index) const;
  Result<void> set(uint64_t index, Value value) const;
  Result<uint64_t> grow(uint64_t delta, Value init) const;

  detail::TableInst* inst() const noexcept { return inst_; }
  explicit operator bool() const noexcept { return inst_ != nullptr; }
  friend bool operator==(const Table&, const Table&) = default;

 private:
  detail::TableInst* inst_ = nullptr;
};

class Global {
 public:
  Global() = default;
  explicit Global(detail::GlobalInst* inst) : inst_(inst) {}
  static Result<Global> create(Store& store, GlobalType type, Value init);

  GlobalType type() const noexcept;
  Value get() const noexcept;
  /// Fails for an immutable global or a value of the wrong type.
  Result<void> set(Value value) const;

  detail::GlobalInst* inst() const noexcept { return inst_; }
  explicit operator bool() const noexcept { return inst_ != nullptr; }
  friend bool operator==(const Global&, const Global&) = default;

 private:
  detail::GlobalInst* inst_ = nullptr;
};

/// Any importable/exportable object.
class Extern {
 public:
  Extern(Func f) : v_(f) {}    // NOLINT
  Extern(Memory m) : v_(m) {}  // NOLINT
  Extern(Table t) : v_(t) {}   // NOLINT
  Extern(Global g) : v_(g) {}  // NOLINT

  ExternKind kind() const noexcept { return static_cast<ExternKind>(v_.index()); }
  ExternType type() const;
  const Func* func() const noexcept { return std::get_if<Func>(&v_); }
  const Table* table() const noexcept { return std::get_if<Table>(&v_); }
  const Memory* memory() const noexcept { return std::get_if<Memory>(&v_); }
  const Global* global() const noexcept { return std::get_if<Global>(&v_); }

 private:
  // Order matches ExternKind.
  std::variant<Func, Table, Memory, Global> v_;
};

namespace detail {
struct CallerAccess;
}

/// What a host function sees of the wasm code that called it. One Caller serves all the host
/// calls of a wasm activation, so a host function must not keep it past its return.
class Caller {
 public:
  Caller(detail::StoreData& store, detail::InstanceData* instance) noexcept
      : store_(store), instance_(instance) {}

  detail::StoreData& store() const noexcept { return store_; }
  /// The calling instance's export `name`, if any (null when called from the host directly).
  std::optional<Extern> get_export(std::string_view name) const;
  /// The calling instance's memory 0 (whether exported or not), if it has one.
  std::optional<Memory> memory() const;
  /// Record why the host function fails; the raw ABI then returns false (always: the next
  /// failing host call of the activation would otherwise report this error).
  void fail(Error error);
  bool failed() const noexcept { return error_.has_value(); }
  Error take_error();

 private:
  friend struct detail::CallerAccess;  // the interpreter, which moves it between instances
  detail::StoreData& store_;
  detail::InstanceData* instance_;
  std::optional<Error> error_;
};

}  // namespace hailmary
