// `hailmary`: run WASI programs, call exports, inspect and validate modules.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  using namespace hailmary::cli;
  CLI::App app{"Hail Mary: an embeddable WebAssembly runtime"};
  app.name("hailmary");
  app.set_version_flag("--version", std::string("hailmary ") + HM_VERSION);
  app.require_subcommand(1);

  RunOptions run_o;
  auto* run_cmd = app.add_subcommand(
      "run",
      "Run a WASI command module (its _start), or one export of a reactor with --invoke.\n"
      "Exits with the guest's exit code; 134 if it traps, 1 if it cannot load or link.");
  run_cmd
      ->add_option("--dir", run_o.dirs,
                   "Preopen host directory HOST, seen by the guest as GUEST (default: HOST)")
      ->type_name("HOST[::GUEST]")
      ->allow_extra_args(false);  // one value per --dir: the module follows
  run_cmd->add_option("--dir-ro", run_o.ro_dirs, "Like --dir, read-only")
      ->type_name("HOST[::GUEST]")
      ->allow_extra_args(false);
  run_cmd->add_option("--env", run_o.env, "Give the guest an environment variable")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  run_cmd->add_option("--invoke", run_o.invoke,
                      "Call this export (after _initialize) instead of _start; the guest "
                      "arguments are its parameters");
  // Everything from the module on belongs to the guest, options included (minigzip -d).
  run_cmd->prefix_command();
  run_cmd->footer("Usage: hailmary run [OPTIONS] module.wasm [guest args...]");

  CallOptions call_o;
  auto* call_cmd = app.add_subcommand(
      "call",
      "Call an exported function; arguments are parsed by its signature "
      "(i32/i64 decimal or 0x hex, f32/f64 incl. nan/inf); results print one a line.\n"
      "With an ABI signature (--sig, or the module's hailmary.abi contract) strings, bytes and\n"
      "structs are passed through the guest's allocator, e.g.\n"
      "  hailmary call greeter.wasm greet world\n"
      "  hailmary call --sig '()->string' --release free_string_safe hail_mary.wasm "
      "hello_world_safe\n"
      "  hailmary call --sig '()->cstring' --release free_string hail_mary.wasm hello_world");
  call_cmd
      ->add_option("--sig", call_o.sig,
                   "The export's ABI signature, in the notation of the hailmary.abi contract "
                   "(default: the module's contract record, if any). Parameters: i32 u32 i64 "
                   "u64 f32 f64 bool status ptr handle<T>, string (the argument as text), bytes "
                   "(hex digits or @FILE), Name{f:i32@0,...}/size:align (comma-separated field "
                   "values). Results: those, void, result<T>, (T,...), and cstring for legacy "
                   "exports returning a NUL-terminated char*. Strings and bytes travel through "
                   "the guest's allocator; string results print as text, bytes as hex.")
      ->type_name("'(string,i32)->string'");
  call_cmd
      ->add_option("--release", call_o.release,
                   "Export that frees returned strings/bytes/cstrings, e.g. "
                   "free_string_safe (default: the guest allocator's free)")
      ->type_name("NAME");
  call_cmd->add_flag("--core", call_o.core,
                     "Ignore the module's ABI contract: call by the core wasm type");
  call_cmd->add_option("module", call_o.module, "The .wasm file")->required();
  call_cmd->add_option("func", call_o.func, "Exported function name")->required();
  call_cmd->add_option("args", call_o.args, "Arguments");
  call_cmd->positionals_at_end();
  call_cmd->prefix_command(false);
  call_cmd->allow_extras(false);

  InspectOptions inspect_o;
  auto* inspect_cmd = app.add_subcommand(
      "inspect", "Show imports, exports, memories, tables, globals, custom sections, ABI contract");
  inspect_cmd->add_option("module", inspect_o.module, "The .wasm file")->required();
  inspect_cmd->add_flag("--json", inspect_o.json, "Machine-readable output");

  std::string validate_path;
  auto* validate_cmd = app.add_subcommand(
      "validate", "Decode and validate: exit 0, or one line saying what is wrong and where");
  validate_cmd->add_option("module", validate_path, "The .wasm file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    return fail(what + " (see hailmary --help)", kExitUsage);
  }

  if (*run_cmd) {
    run_o.rest = run_cmd->remaining();
    return run(run_o);
  }
  if (*call_cmd) return call(call_o);
  if (*inspect_cmd) return inspect(inspect_o);
  if (*validate_cmd) return validate(validate_path);
  return fail("no command given (see hailmary --help)", kExitUsage);
}
