// Resolves a module's imports by name and instantiates it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "hailmary/extern.hpp"
#include "hailmary/instance.hpp"
#include "hailmary/module.hpp"

namespace hailmary {

/// Definitions by (module, name). Externs belong to one store: use a linker with that store.
class Linker {
 public:
  explicit Linker(Store& store) : store_(&store) {}

  /// Define (or redefine) module.name.
  Linker& define(std::string_view module, std::string_view name, Extern value);
  /// Define every export of `instance` under `module` (the spec's `register`).
  Linker& define_instance(std::string_view module, const Instance& instance);
  /// Define an untyped host function.
  Linker& func(std::string_view module, std::string_view name, FuncType type, HostFunction fn);
  std::optional<Extern> get(std::string_view module, std::string_view name) const;

  /// Link imports (a missing or mistyped import is a Link error naming it), allocate, run
  /// segment initialisation and the start function.
  Result<Instance> instantiate(const Module& module) const;

  Store& store() const noexcept { return *store_; }

 private:
  Store* store_;
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> defs_;
};

}  // namespace hailmary
