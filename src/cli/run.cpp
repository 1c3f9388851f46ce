// `hailmary run`: run a WASI command (or call one export of a reactor).
#include <iostream>

#include "cli/cli.hpp"

namespace hailmary::cli {
namespace {

/// "HOST::GUEST" or "HOST" (seen by the guest under the same path).
bool add_dir(wasi::WasiConfig& config, const std::string& spec, bool read_only) {
  std::string host = spec, guest = spec;
  if (auto sep = spec.find("::"); sep != std::string::npos) {
    host = spec.substr(0, sep);
    guest = spec.substr(sep + 2);
  }
  if (host.empty() || guest.empty()) return false;
  config.preopen(host, guest, read_only);
  return true;
}

}  // namespace

int run(const RunOptions& o) {
  if (o.rest.empty())
    return fail("run: a module is required (see hailmary run --help)", kExitUsage);
  const std::string& path = o.rest[0];
  wasi::WasiConfig config;
  config.inherit_stdio();
  for (const auto& a : o.rest) config.arg(a);
  for (const auto& e : o.env) {
    auto eq = e.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail("--env '" + e + "': expected KEY=VALUE", kExitUsage);
    }
    config.set_env(e.substr(0, eq), e.substr(eq + 1));
  }
  for (const auto& d : o.dirs) {
    if (!add_dir(config, d, false))
      return fail("--dir '" + d + "': expected HOST[::GUEST]", kExitUsage);
  }
  for (const auto& d : o.ro_dirs) {
    if (!add_dir(config, d, true)) {
      return fail("--dir-ro '" + d + "': expected HOST[::GUEST]", kExitUsage);
    }
  }

  Engine engine;
  auto module = load(engine, path);
  if (!module) return kExitError;
  Store store(engine);
  Linker linker(store);

  if (o.invoke.empty()) {
    auto code = wasi::run_command(linker, *module, std::move(config));
    if (!code) {
      const Error& e = code.error();
      if (e.kind() == ErrorKind::Trap) return report_trap(e);
      return fail(one_line(e));
    }
    std::cout.flush();
    return *code;
  }

  auto ctx = wasi::make_context(std::move(config));
  if (!ctx) return fail(one_line(ctx.error()));
  if (auto r = wasi::add_to_linker(linker, *ctx); !r) return fail(one_line(r.error()));
  auto instance = linker.instantiate(*module);
  if (!instance) {
    if (auto code = wasi::exit_status(instance.error())) return *code;
    if (instance.error().kind() == ErrorKind::Trap) return report_trap(instance.error());
    return fail(one_line(instance.error()));
  }
  // A reactor initialises itself (constructors, wasi-libc state) in _initialize.
  if (auto init = instance->get_func("_initialize")) {
    auto r = init->call(std::span<const Value>{});
    if (!r) {
      if (auto code = wasi::exit_status(r.error())) return *code;
      return report_trap(r.error());
    }
  }
  std::vector<std::string> args(o.rest.begin() + 1, o.rest.end());
  return call_export(*instance, o.invoke, args);
}

}  // namespace hailmary::cli
