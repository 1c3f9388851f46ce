// WASI preview1 (`wasi_snapshot_preview1`) as a host module an embedder adds to a Linker.
//
// Nothing is granted by default: no arguments, no environment, no directories, and the standard
// streams read EOF / discard output. The embedder grants each capability explicitly through
// WasiConfig. Every guest pointer is bounds-checked; every path is resolved beneath a preopened
// directory by our own resolver (no `..`, absolute path or symlink can leave it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hailmary/error.hpp"
#include "hailmary/instance.hpp"
#include "hailmary/linker.hpp"
#include "hailmary/module.hpp"

namespace hailmary::wasi {

/// Where a standard stream (fd 0, 1 or 2) comes from or goes to.
class Stdio {
 public:
  enum class Kind : uint8_t { Null, Inherit, Input, Capture };

  /// Reads return EOF, writes are accepted and discarded (the default).
  static Stdio null() { return Stdio(Kind::Null); }
  /// The host process's own descriptor with the same number (0, 1 or 2).
  static Stdio inherit() { return Stdio(Kind::Inherit); }
  /// Reads come from `bytes` (then EOF). Only meaningful for stdin.
  static Stdio input(std::string bytes) {
    Stdio s(Kind::Input);
    s.input_ = std::make_shared<const std::string>(std::move(bytes));
    return s;
  }
  /// Writes are appended to `*sink`, which the embedder keeps and reads after the run.
  /// Precondition: sink is not null.
  static Stdio capture(std::shared_ptr<std::string> sink) {
    Stdio s(Kind::Capture);
    s.sink_ = std::move(sink);
    return s;
  }

  Kind kind() const noexcept { return kind_; }
  const std::shared_ptr<const std::string>& input_bytes() const noexcept { return input_; }
  const std::shared_ptr<std::string>& sink() const noexcept { return sink_; }

 private:
  explicit Stdio(Kind kind) : kind_(kind) {}
  Kind kind_;
  std::shared_ptr<const std::string> input_;
  std::shared_ptr<std::string> sink_;
};

/// A host directory the guest may use, seen by the guest under `guest_path` (e.g. "/sandbox").
struct Preopen {
  std::filesystem::path host_path;
  std::string guest_path;
  /// No creation, removal, rename, truncation or writes below this directory.
  bool read_only = false;
};

/// Everything a guest is granted. Preopens get descriptors 3, 4, ... in order.
struct WasiConfig {
  std::vector<std::string> args;  ///< argv; args[0] is conventionally the program name
  std::vector<std::pair<std::string, std::string>> env;  ///< exposed as "KEY=VALUE"
  std::vector<Preopen> preopens;
  Stdio stdin_stream = Stdio::null();
  Stdio stdout_stream = Stdio::null();
  Stdio stderr_stream = Stdio::null();

  WasiConfig& arg(std::string a) {
    args.push_back(std::move(a));
    return *this;
  }
  WasiConfig& set_env(std::string key, std::string value) {
    env.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  WasiConfig& preopen(std::filesystem::path host, std::string guest, bool read_only = false) {
    preopens.push_back({std::move(host), std::move(guest), read_only});
    return *this;
  }
  /// Use the host's stdin, stdout and stderr.
  WasiConfig& inherit_stdio() {
    stdin_stream = stdout_stream = stderr_stream = Stdio::inherit();
    return *this;
  }
};

/// The state of one WASI guest: its descriptor table, arguments and environment. Created from
/// a WasiConfig; shared (via shared_ptr) by the host functions added to a linker. One context
/// serves one instance at a time, on one thread at a time (like the Store it is used with).
class WasiContext;

/// Open the preopened directories and build the descriptor table. Fails (ErrorKind::Io) if a
/// preopen is not a readable directory.
Result<std::shared_ptr<WasiContext>> make_context(WasiConfig config);

/// The name of the host module every preview1 import uses.
inline constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

/// Define every `wasi_snapshot_preview1` function in `linker` (on the linker's store), backed
/// by `context`. Functions WASI cannot offer here (sockets, signals) return ENOSYS/ENOTSUP.
Result<void> add_to_linker(Linker& linker, std::shared_ptr<WasiContext> context);

/// Run a command's `_start` (a reactor's exports are called as ordinary functions instead).
/// Returns the exit status: 0 if `_start` returns, the code given to `proc_exit` otherwise.
/// A trap or any other failure is returned as an Error (never terminates the host).
Result<int32_t> run_start(const Instance& instance);

/// Convenience: link `module` against WASI built from `config` (plus whatever `linker` already
/// defines), instantiate it and run `_start`. proc_exit during the start function is an exit
/// status too.
Result<int32_t> run_command(Linker& linker, const Module& module, WasiConfig config);

/// Exit status of an Error from a call into a WASI guest, if it is a proc_exit.
inline std::optional<int32_t> exit_status(const Error& error) {
  if (error.kind() == ErrorKind::Exit) return error.exit_code();
  return std::nullopt;
}

}  // namespace hailmary::wasi
