// Shared pieces of the `hailmary` command line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "hailmary/wasi.hpp"

namespace hailmary::cli {

/// Exit codes of the tool itself (a guest's own exit code passes through `run`).
inline constexpr int kExitError = 1;   ///< a module failed to load, link or validate
inline constexpr int kExitUsage = 2;   ///< bad command line
inline constexpr int kExitTrap = 134;  ///< the guest trapped (128 + SIGABRT, as wasmtime does)

/// Print "hailmary: <message>" as one line on stderr and return `code`.
int fail(std::string_view message, int code = kExitError);
/// The first line of an error (the full text may carry a backtrace).
std::string one_line(const Error& error);
/// Print a trap with its kind and wasm backtrace; returns kExitTrap.
int report_trap(const Error& error);

/// Load (decode + validate) a module; on failure prints one line and returns nullopt.
std::optional<Module> load(const Engine& engine, const std::string& path);

/// Parse `text` as a value of `type` ("-1", "0xff", "1.5", "nan", "inf").
std::optional<Value> parse_value(ValType type, std::string_view text);
/// Print a result the way `call` does: integers signed, floats shortest round-trip.
std::string format_value(const Value& value);

/// Call `name` on `instance` with arguments parsed by its signature; prints results one per
/// line. Returns the process exit code.
int call_export(const Instance& instance, const std::string& name,
                const std::vector<std::string>& args);

struct RunOptions {
  std::vector<std::string> dirs;     ///< HOST[::GUEST]
  std::vector<std::string> ro_dirs;  ///< HOST[::GUEST], read-only
  std::vector<std::string> env;      ///< K=V
  std::string invoke;
  std::vector<std::string> rest;  ///< module.wasm [args...]
};
int run(const RunOptions& options);

struct CallOptions {
  std::string module;
  std::string func;
  std::vector<std::string> args;
  std::string sig;      ///< explicit ABI signature (contract notation); empty: the contract's
  std::string release;  ///< export that frees returned strings/bytes; empty: the allocator's
  bool core = false;    ///< ignore the contract: call by the core wasm type
};
int call(const CallOptions& options);

struct InspectOptions {
  std::string module;
  bool json = false;
};
int inspect(const InspectOptions& options);
int validate(const std::string& module);

}  // namespace hailmary::cli
