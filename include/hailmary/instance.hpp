// An instantiated module.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "hailmary/extern.hpp"
#include "hailmary/module.hpp"

namespace hailmary {

struct NamedExtern {
  std::string_view name;
  Extern value;
};

/// A handle; the instance lives as long as its store.
class Instance {
 public:
  Instance() = default;
  explicit Instance(detail::InstanceData* data) : data_(data) {}

  std::optional<Extern> get_export(std::string_view name) const;
  std::optional<Func> get_func(std::string_view name) const;
  std::optional<Memory> get_memory(std::string_view name) const;
  std::optional<Table> get_table(std::string_view name) const;
  std::optional<Global> get_global(std::string_view name) const;
  std::vector<NamedExtern> exports() const;
  /// Memory 0, exported or not.
  std::optional<Memory> default_memory() const;
  const Module& module() const;

  detail::InstanceData* data() const noexcept { return data_; }
  explicit operator bool() const noexcept { return data_ != nullptr; }

 private:
  detail::InstanceData* data_ = nullptr;
};

}  // namespace hailmary
