#include "hailmary/linker.hpp"

namespace hailmary {

Linker& Linker::define(std::string_view module, std::string_view name, Extern value) {
  defs_.insert_or_assign(std::pair<std::string, std::string>(module, name), value);
  return *this;
}

Linker& Linker::define_instance(std::string_view module, const Instance& instance) {
  for (const NamedExtern& e : instance.exports()) define(module, e.name, e.value);
  return *this;
}

Linker& Linker::func(std::string_view module, std::string_view name, FuncType type,
                     HostFunction fn) {
  return define(module, name, Func::host(*store_, std::move(type), std::move(fn)));
}

std::optional<Extern> Linker::get(std::string_view module, std::string_view name) const {
  auto it = defs_.find(std::pair<std::string, std::string>(module, name));
  if (it == defs_.end()) return std::nullopt;
  return it->second;
}

}  // namespace hailmary
