// `hailmary call`: call one export with arguments parsed by its signature.
#include "cli/cli.hpp"

namespace hailmary::cli {

int call(const CallOptions& o) {
  Engine engine;
  auto module = load(engine, o.module);
  if (!module) return kExitError;
  Store store(engine);
  Linker linker(store);
  // Modules built against wasi-libc import WASI even when the function never uses it: give
  // them the host's standard streams and nothing else.
  bool wants_wasi = false;
  for (const auto& imp : module->imports()) wants_wasi |= imp.module == wasi::kModuleName;
  if (wants_wasi) {
    wasi::WasiConfig config;
    config.inherit_stdio().arg(o.module);
    auto ctx = wasi::make_context(std::move(config));
    if (!ctx) return fail(one_line(ctx.error()));
    if (auto r = wasi::add_to_linker(linker, *ctx); !r) return fail(one_line(r.error()));
  }
  auto instance = linker.instantiate(*module);
  if (!instance) {
    if (auto code = wasi::exit_status(instance.error())) return *code;
    if (instance.error().kind() == ErrorKind::Trap) return report_trap(instance.error());
    return fail(one_line(instance.error()));
  }
  if (auto init = instance->get_func("_initialize"); init && o.func != "_initialize") {
    auto r = init->call(std::span<const Value>{});
    if (!r) {
      if (auto code = wasi::exit_status(r.error())) return *code;
      return report_trap(r.error());
    }
  }
  return call_export(*instance, o.func, o.args);
}

}  // namespace hailmary::cli
