// Runs the official WebAssembly spec tests, as converted to JSON by wabt's `wast2json`.
//
//   hm_spec_runner [--no-fork] [--max-shown N] [--timeout SECONDS] FILE.json...
//
// Prints every failure (file, line, command, expected vs got), then per file
// `<file>: P passed, F failed, S skipped`, then `N passed, N failed, N skipped` in total.
// Exits 1 if anything failed.
//
// Every command is counted except `register` (as the reference spectest-interp does).
// Text-format (.wat) assert_malformed/assert_invalid modules are skipped: we have no text
// parser. Errors are matched by ErrorKind and traps by TrapKind, never by message text.
//
// Each file runs in a forked child by default, so an engine crash or hang in one file is
// reported with its line number and the other files still run.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness.hpp"
#include "json.hpp"

namespace hailmary::spec {
namespace {

namespace fs = std::filesystem;

struct Options {
  bool fork = true;
  size_t max_shown = 100;  // failure lines printed per file; the counts are always exact
  unsigned timeout_seconds = 300;
};

/// Progress of one file. Lives in shared memory in fork mode so the parent can still report
/// it when the child dies.
struct Progress {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;
  uint64_t line = 0;  // line of the command being run
  bool finished = false;
};

// ---------------------------------------------------------------------------------------------
// Script values

std::optional<ValType> parse_val_type(std::string_view s) {
  if (s == "i32") return ValType::I32;
  if (s == "i64") return ValType::I64;
  if (s == "f32") return ValType::F32;
  if (s == "f64") return ValType::F64;
  if (s == "funcref") return ValType::FuncRef;
  if (s == "externref") return ValType::ExternRef;
  return std::nullopt;  // v128 only appears in the SIMD files
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

/// An argument: wast2json writes numbers as the decimal bit pattern, references as "null" or
/// (externref only) the host value N.
std::optional<Value> parse_arg(const Json& j, std::string& why) {
  std::optional<ValType> type = parse_val_type(j.get_string("type"));
  if (!type) {
    why = "unsupported argument type '" + std::string(j.get_string("type")) + "'";
    return std::nullopt;
  }
  std::string_view text = j.get_string("value");
  if (is_ref(*type)) {
    if (text == "null") return Value::null(*type);
    std::optional<uint64_t> n = parse_u64(text);
    if (*type == ValType::ExternRef && n) return Value::externref(extern_pointer(*n));
    why = "unsupported reference argument '" + std::string(text) + "'";
    return std::nullopt;
  }
  std::optional<uint64_t> bits = parse_u64(text);
  if (!bits) {
    why = "bad numeric argument '" + std::string(text) + "'";
    return std::nullopt;
  }
  switch (*type) {
    case ValType::I32:
      return Value::i32(static_cast<int32_t>(static_cast<uint32_t>(*bits)));
    case ValType::I64:
      return Value::i64(static_cast<int64_t>(*bits));
    case ValType::F32:
      return Value::f32_bits(static_cast<uint32_t>(*bits));
    default:
      return Value::f64_bits(*bits);
  }
}

struct Expected {
  enum class Match : uint8_t { Exact, CanonicalNan, ArithmeticNan, AnyNonNull };
  ValType type = ValType::I32;
  Match match = Match::Exact;
  uint64_t bits = 0;  // numbers: the bit pattern; externref: the script's N; null: unused
  bool null = false;
  std::string text;  // as written, for messages
};

std::optional<Expected> parse_expected(const Json& j, std::string& why) {
  Expected e;
  std::optional<ValType> type = parse_val_type(j.get_string("type"));
  if (!type) {
    why = "unsupported result type '" + std::string(j.get_string("type")) + "'";
    return std::nullopt;
  }
  e.type = *type;
  const Json* value = j.find("value");
  e.text = std::string(j.get_string("type")) + ":" +
           (value != nullptr ? std::string(j.get_string("value")) : "<any>");
  if (value == nullptr) {
    // `(ref.func)` / `(ref.extern)` without a payload: any non-null reference.
    e.match = Expected::Match::AnyNonNull;
    return e;
  }
  std::string_view text = j.get_string("value");
  if (text == "nan:canonical" || text == "nan:arithmetic") {
    if (*type != ValType::F32 && *type != ValType::F64) {
      why = "NaN pattern for a non-float result";
      return std::nullopt;
    }
    e.match =
        text == "nan:canonical" ? Expected::Match::CanonicalNan : Expected::Match::ArithmeticNan;
    return e;
  }
  if (is_ref(*type) && text == "null") {
    e.null = true;
    return e;
  }
  std::optional<uint64_t> bits = parse_u64(text);
  if (!bits || *type == ValType::FuncRef) {
    why = "unsupported expected value '" + std::string(text) + "'";
    return std::nullopt;
  }
  e.bits = *bits;
  return e;
}

bool matches(const Expected& e, const Value& got) {
  if (got.type() != e.type) return false;
  const bool is32 = e.type == ValType::F32;
  switch (e.match) {
    case Expected::Match::CanonicalNan:
      // Sign is free; payload must be exactly the quiet bit.
      return is32 ? (got.f32_bits() & 0x7fffffffu) == 0x7fc00000u
                  : (got.f64_bits() & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
    case Expected::Match::ArithmeticNan:
      // Any NaN with the quiet bit set.
      return is32 ? (got.f32_bits() & 0x7fc00000u) == 0x7fc00000u
                  : (got.f64_bits() & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
    case Expected::Match::AnyNonNull:
      return !got.is_null();
    case Expected::Match::Exact:
      break;
  }
  if (is_ref(e.type)) {
    if (e.null) return got.is_null();
    return got.externref() == extern_pointer(e.bits);
  }
  switch (e.type) {
    case ValType::I32:
      return static_cast<uint32_t>(got.i32()) == static_cast<uint32_t>(e.bits);
    case ValType::F32:
      return got.f32_bits() == static_cast<uint32_t>(e.bits);
    default:
      return got.bits() == e.bits;
  }
}

/// The TrapKind for the script's trap text. Prefix match because a few texts carry detail
/// ("uninitialized element 2").
std::optional<TrapKind> trap_kind_for(std::string_view text) {
  static const std::pair<std::string_view, TrapKind> table[] = {
      {"unreachable", TrapKind::Unreachable},
      {"out of bounds memory access", TrapKind::MemoryOutOfBounds},
      {"out of bounds table access", TrapKind::TableOutOfBounds},
      {"integer divide by zero", TrapKind::IntegerDivideByZero},
      {"integer overflow", TrapKind::IntegerOverflow},
      {"invalid conversion to integer", TrapKind::InvalidConversion},
      {"undefined element", TrapKind::UndefinedElement},
      {"uninitialized element", TrapKind::UninitializedElement},
      {"indirect call type mismatch", TrapKind::IndirectCallTypeMismatch},
      {"call stack exhausted", TrapKind::CallStackExhausted},
  };
  for (const auto& [prefix, kind] : table) {
    if (text.starts_with(prefix)) return kind;
  }
  return std::nullopt;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// ---------------------------------------------------------------------------------------------
// One script

/// What a module name resolves to: an instance, or why there is none.
struct ModuleSlot {
  std::optional<Instance> instance;
  std::string failure;
};

/// An action either could not be attempted (a problem of the script or an earlier failure) or
/// ran and produced the engine's result.
using ActionOutcome = std::variant<std::string, Result<std::vector<Value>>>;

class ScriptRunner {
 public:
  ScriptRunner(const Engine& engine, fs::path json_path, std::string display_name,
               const Options& options, Progress& progress)
      : engine_(engine),
        store_(engine),
        linker_(store_),
        json_path_(std::move(json_path)),
        name_(std::move(display_name)),
        options_(options),
        progress_(progress) {}

  void run() {
    std::optional<std::string> text = read_text_file(json_path_);
    if (!text) {
      fail_setup("cannot read " + json_path_.string());
      return;
    }
    JsonError jerr;
    std::optional<Json> doc = parse_json(*text, &jerr);
    if (!doc) {
      fail_setup("JSON error at byte " + std::to_string(jerr.offset) + ": " + jerr.message);
      return;
    }
    const Json* commands = doc->find("commands");
    if (commands == nullptr || !commands->is_array()) {
      fail_setup("no \"commands\" array");
      return;
    }
    Result<void> spectest = define_spectest(store_, linker_);
    if (!spectest) {
      // Keep going: modules that do not import spectest can still pass.
      report(0, "setup", "spectest module", "created", describe(spectest.error()));
    }
    for (const Json& command : commands->items()) run_command(command);
    if (hidden_ != 0) {
      std::printf("%s: ... %llu more failures not shown (use --max-shown)\n", name_.c_str(),
                  static_cast<unsigned long long>(hidden_));
    }
  }

 private:
  void pass() { ++progress_.passed; }
  void skip() { ++progress_.skipped; }

  /// Count a failure and print it (up to the cap, except kind mismatches, which are the
  /// engine authors' to-do list and always shown).
  void report(uint64_t line, std::string_view command, std::string_view what,
              std::string_view expected, std::string_view got, bool always_show = false) {
    ++progress_.failed;
    if (!always_show && shown_ >= options_.max_shown) {
      ++hidden_;
      return;
    }
    if (!always_show) ++shown_;
    std::printf("%s:%llu: %.*s %.*s: expected %.*s, got %.*s\n", name_.c_str(),
                static_cast<unsigned long long>(line), static_cast<int>(command.size()),
                command.data(), static_cast<int>(what.size()), what.data(),
                static_cast<int>(expected.size()), expected.data(), static_cast<int>(got.size()),
                got.data());
  }

  void fail_setup(const std::string& why) { report(0, "setup", name_, "a readable script", why); }

  void run_command(const Json& cmd) {
    const std::string_view type = cmd.get_string("type");
    const Json* line_json = cmd.find("line");
    const uint64_t line = line_json != nullptr ? parse_u64(line_json->as_string()).value_or(0) : 0;
    progress_.line = line;
    std::fflush(stdout);  // so output before a crash is not lost in a buffer

    if (type == "module") return cmd_module(cmd, line);
    if (type == "register") return cmd_register(cmd, line);
    if (type == "action") return cmd_action(cmd, line);
    if (type == "assert_return") return cmd_assert_return(cmd, line);
    if (type == "assert_trap" || type == "assert_exhaustion") return cmd_assert_trap(cmd, line);
    if (type == "assert_invalid" || type == "assert_malformed") return cmd_assert_bad(cmd, line);
    if (type == "assert_unlinkable") return cmd_assert_instantiate_fails(cmd, line, true);
    if (type == "assert_uninstantiable") return cmd_assert_instantiate_fails(cmd, line, false);
    // Future wast2json versions may add commands; skipping is more useful than failing.
    std::printf("%s:%llu: note: unknown command '%.*s' skipped\n", name_.c_str(),
                static_cast<unsigned long long>(line), static_cast<int>(type.size()), type.data());
    skip();
  }

  /// Read and decode the command's module file.
  std::variant<std::string, Result<Module>> load(const Json& cmd) {
    std::string_view file = cmd.get_string("filename");
    if (file.empty()) return std::string("command has no filename");
    fs::path path = json_path_.parent_path() / std::string(file);
    std::optional<std::vector<uint8_t>> bytes = read_binary_file(path);
    if (!bytes) return "cannot read " + path.string();
    return Module::from_bytes(engine_, *bytes);
  }

  ModuleSlot* find_module(std::string_view name) {
    if (name.empty()) return current_ ? &*current_ : nullptr;
    auto it = named_.find(std::string(name));
    return it == named_.end() ? nullptr : &it->second;
  }

  void set_module(const Json& cmd, ModuleSlot slot) {
    std::string_view name = cmd.get_string("name");
    if (!name.empty()) named_[std::string(name)] = slot;
    current_ = std::move(slot);
  }

  void cmd_module(const Json& cmd, uint64_t line) {
    std::string what = std::string(cmd.get_string("filename"));
    auto loaded = load(cmd);
    if (auto* problem = std::get_if<std::string>(&loaded)) {
      report(line, "module", what, "to load", *problem);
      set_module(cmd, ModuleSlot{std::nullopt, "module at line " + std::to_string(line) +
                                                   " did not load: " + *problem});
      return;
    }
    auto& module = std::get<Result<Module>>(loaded);
    if (!module) {
      std::string got = describe(module.error());
      report(line, "module", what, "to decode and validate", got);
      set_module(cmd, ModuleSlot{std::nullopt,
                                 "module at line " + std::to_string(line) + " failed: " + got});
      return;
    }
    modules_.push_back(*module);  // keep every module alive for the store's lifetime
    Result<Instance> instance = linker_.instantiate(*module);
    if (!instance) {
      std::string got = describe(instance.error());
      report(line, "module", what, "to instantiate", got);
      set_module(cmd, ModuleSlot{std::nullopt, "module at line " + std::to_string(line) +
                                                   " did not instantiate: " + got});
      return;
    }
    set_module(cmd, ModuleSlot{*instance, {}});
    pass();
  }

  void cmd_register(const Json& cmd, uint64_t line) {
    std::string_view as = cmd.get_string("as");
    ModuleSlot* slot = find_module(cmd.get_string("name"));
    if (slot == nullptr || !slot->instance) {
      // Not counted when it works, but a broken register breaks what follows: say so.
      report(line, "register", quote(as), "a module to register",
             slot == nullptr ? "no such module" : slot->failure);
      return;
    }
    linker_.define_instance(as, *slot->instance);
  }

  std::string describe_action(const Json& action) {
    std::string out(action.get_string("type"));
    std::string_view module = action.get_string("module");
    if (!module.empty()) out += " " + std::string(module);
    out += " " + quote(action.get_string("field"));
    if (const Json* args = action.find("args"); args != nullptr && args->is_array()) {
      out += "(";
      bool first = true;
      for (const Json& a : args->items()) {
        if (!first) out += ", ";
        first = false;
        out += std::string(a.get_string("type")) + ":" + std::string(a.get_string("value"));
      }
      out += ")";
    }
    return out;
  }

  ActionOutcome perform(const Json& action) {
    ModuleSlot* slot = find_module(action.get_string("module"));
    if (slot == nullptr) return std::string("no such module");
    if (!slot->instance) return slot->failure;
    const Instance& instance = *slot->instance;
    const std::string& field =
        action.find("field") != nullptr ? action.find("field")->as_string() : empty_;
    std::string_view type = action.get_string("type");
    if (type == "get") {
      std::optional<Global> global = instance.get_global(field);
      if (!global) return "no exported global " + quote(field);
      return Result<std::vector<Value>>(std::vector<Value>{global->get()});
    }
    if (type != "invoke") return "unknown action type " + quote(type);
    std::optional<Func> func = instance.get_func(field);
    if (!func) return "no exported function " + quote(field);
    std::vector<Value> args;
    if (const Json* list = action.find("args"); list != nullptr) {
      for (const Json& a : list->items()) {
        std::string why;
        std::optional<Value> v = parse_arg(a, why);
        if (!v) return why;
        args.push_back(*v);
      }
    }
    return func->call(args);
  }

  void cmd_action(const Json& cmd, uint64_t line) {
    const Json* action = cmd.find("action");
    if (action == nullptr) return report(line, "action", "", "an action", "none");
    ActionOutcome outcome = perform(*action);
    if (auto* problem = std::get_if<std::string>(&outcome)) {
      return report(line, "action", describe_action(*action), "to run", *problem);
    }
    auto& result = std::get<Result<std::vector<Value>>>(outcome);
    if (!result) {
      return report(line, "action", describe_action(*action), "to run", describe(result.error()));
    }
    pass();
  }

  void cmd_assert_return(const Json& cmd, uint64_t line) {
    const Json* action = cmd.find("action");
    if (action == nullptr) return report(line, "assert_return", "", "an action", "none");
    std::vector<Expected> expected;
    std::string expected_text = "[";
    if (const Json* list = cmd.find("expected"); list != nullptr) {
      for (const Json& e : list->items()) {
        std::string why;
        std::optional<Expected> ex = parse_expected(e, why);
        if (!ex) return report(line, "assert_return", describe_action(*action), "a script", why);
        if (!expected.empty()) expected_text += ", ";
        expected_text += ex->text;
        expected.push_back(std::move(*ex));
      }
    }
    expected_text += "]";
    ActionOutcome outcome = perform(*action);
    if (auto* problem = std::get_if<std::string>(&outcome)) {
      return report(line, "assert_return", describe_action(*action), expected_text, *problem);
    }
    auto& result = std::get<Result<std::vector<Value>>>(outcome);
    if (!result) {
      return report(line, "assert_return", describe_action(*action), expected_text,
                    describe(result.error()));
    }
    const std::vector<Value>& got = *result;
    bool ok = got.size() == expected.size();
    for (size_t i = 0; ok && i < got.size(); ++i) ok = matches(expected[i], got[i]);
    if (!ok) {
      return report(line, "assert_return", describe_action(*action), expected_text, describe(got));
    }
    pass();
  }

  /// Does `error` show the trap the script expects? An unknown trap text accepts any trap.
  static bool is_expected_trap(const Error& error, std::optional<TrapKind> want) {
    if (error.kind() != ErrorKind::Trap) return false;
    return !want || error.trap_kind() == *want;
  }

  static std::string trap_text(std::string_view text, std::optional<TrapKind> kind) {
    std::string out = "Trap(";
    out += kind ? trap_name(*kind) : std::string_view("any");
    return out + ") \"" + std::string(text) + "\"";
  }

  void cmd_assert_trap(const Json& cmd, uint64_t line) {
    const std::string command(cmd.get_string("type"));
    const std::string_view text = cmd.get_string("text");
    std::optional<TrapKind> want = command == "assert_exhaustion"
                                       ? std::optional(TrapKind::CallStackExhausted)
                                       : trap_kind_for(text);
    const Json* action = cmd.find("action");
    if (action == nullptr) {
      // Older wast2json writes a trapping instantiation as assert_trap with a module.
      if (cmd.find("filename") != nullptr) return cmd_assert_instantiate_fails(cmd, line, false);
      return report(line, command, "", "an action", "none");
    }
    ActionOutcome outcome = perform(*action);
    std::string expected = trap_text(text, want);
    if (auto* problem = std::get_if<std::string>(&outcome)) {
      return report(line, command, describe_action(*action), expected, *problem);
    }
    auto& result = std::get<Result<std::vector<Value>>>(outcome);
    if (result) {
      return report(line, command, describe_action(*action), expected,
                    "success " + describe(*result));
    }
    if (!is_expected_trap(result.error(), want)) {
      return report(line, command, describe_action(*action), expected, describe(result.error()));
    }
    pass();
  }

  void cmd_assert_bad(const Json& cmd, uint64_t line) {
    const std::string command(cmd.get_string("type"));
    if (cmd.get_string("module_type", "binary") != "binary") {
      skip();  // text format: needs a .wat parser, which we do not have
      return;
    }
    const ErrorKind want =
        command == "assert_malformed" ? ErrorKind::Malformed : ErrorKind::Invalid;
    std::string what = std::string(cmd.get_string("filename"));
    std::string expected =
        std::string(kind_name(want)) + " \"" + std::string(cmd.get_string("text")) + "\"";
    auto loaded = load(cmd);
    if (auto* problem = std::get_if<std::string>(&loaded)) {
      return report(line, command, what, expected, *problem);
    }
    auto& module = std::get<Result<Module>>(loaded);
    if (module) return report(line, command, what, expected, "success (module accepted)");
    const ErrorKind got = module.error().kind();
    if (got != want) {
      const bool swapped = got == ErrorKind::Malformed || got == ErrorKind::Invalid;
      return report(line, command, what, expected,
                    (swapped ? "KIND MISMATCH " : "") + describe(module.error()), swapped);
    }
    pass();
  }

  /// assert_unlinkable (want a Link error) and assert_uninstantiable (want an Instantiate
  /// error, or a trap from the start function).
  void cmd_assert_instantiate_fails(const Json& cmd, uint64_t line, bool unlinkable) {
    const std::string command(cmd.get_string("type"));
    const std::string_view text = cmd.get_string("text");
    std::string what = std::string(cmd.get_string("filename"));
    std::optional<TrapKind> want_trap = unlinkable ? std::nullopt : trap_kind_for(text);
    std::string expected = unlinkable ? "Link \"" + std::string(text) + "\""
                                      : "Instantiate/Trap \"" + std::string(text) + "\"";
    auto loaded = load(cmd);
    if (auto* problem = std::get_if<std::string>(&loaded)) {
      return report(line, command, what, expected, *problem);
    }
    auto& module = std::get<Result<Module>>(loaded);
    if (!module) {
      return report(line, command, what, expected, "module rejected: " + describe(module.error()));
    }
    modules_.push_back(*module);
    Result<Instance> instance = linker_.instantiate(*module);
    if (instance) return report(line, command, what, expected, "success (instantiated)");
    const Error& err = instance.error();
    bool ok = false;
    if (unlinkable) {
      ok = err.kind() == ErrorKind::Link;
    } else if (err.kind() == ErrorKind::Trap) {
      ok = !want_trap || err.trap_kind() == *want_trap;
    } else if (err.kind() == ErrorKind::Instantiate) {
      // A segment that does not fit need not carry a trap kind; if it does, it must agree.
      ok = err.trap_kind() == TrapKind::None || !want_trap || err.trap_kind() == *want_trap;
    }
    if (!ok) return report(line, command, what, expected, describe(err));
    pass();
  }

  const Engine& engine_;
  Store store_;
  Linker linker_;  // after store_: it points at it
  fs::path json_path_;
  std::string name_;
  const Options& options_;
  Progress& progress_;
  std::optional<ModuleSlot> current_;
  std::map<std::string, ModuleSlot> named_;
  std::vector<Module> modules_;
  size_t shown_ = 0;
  uint64_t hidden_ = 0;
  const std::string empty_;
};

// ---------------------------------------------------------------------------------------------
// Driver

std::string display_name(const fs::path& json) {
  return json.stem().string() + ".wast";
}

void run_in_process(const fs::path& json, const Options& options, Progress& progress) {
  Engine engine;
  ScriptRunner runner(engine, json, display_name(json), options, progress);
  runner.run();
  progress.finished = true;
}

/// Run one file in a child process so that a crash or hang is contained and reported.
Progress run_forked(const fs::path& json, const Options& options) {
  void* shared =
      mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    Progress p;
    run_in_process(json, options, p);
    return p;
  }
  auto* progress = new (shared) Progress();
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    alarm(options.timeout_seconds);  // SIGALRM ends a hung child; the parent reports it
    run_in_process(json, options, *progress);
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(0);
  }
  Progress result;
  if (pid < 0) {
    run_in_process(json, options, *progress);
    result = *progress;
  } else {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result = *progress;
    if (!result.finished) {
      std::string how = WIFSIGNALED(status)
                            ? (WTERMSIG(status) == SIGALRM
                                   ? std::string("timed out after ") +
                                         std::to_string(options.timeout_seconds) + "s"
                                   : std::string("crashed (") + strsignal(WTERMSIG(status)) + ")")
                            : "exited early (status " + std::to_string(WEXITSTATUS(status)) + ")";
      std::printf("%s:%llu: %s while running this command; later commands not run\n",
                  display_name(json).c_str(), static_cast<unsigned long long>(result.line),
                  how.c_str());
      ++result.failed;
    }
  }
  munmap(shared, sizeof(Progress));
  return result;
}

int usage() {
  std::fprintf(stderr,
               "usage: hm_spec_runner [--no-fork] [--max-shown N] [--timeout SECONDS] "
               "FILE.json...\n");
  return 2;
}

int main_impl(int argc, char** argv) {
  Options options;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--no-fork") {
      options.fork = false;
    } else if ((arg == "--max-shown" || arg == "--timeout") && i + 1 < argc) {
      std::optional<uint64_t> n = parse_u64(argv[++i]);
      if (!n) return usage();
      if (arg == "--max-shown")
        options.max_shown = *n;
      else
        options.timeout_seconds = static_cast<unsigned>(*n);
    } else if (arg.starts_with("--")) {
      return usage();
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty()) return usage();

  uint64_t passed = 0, failed = 0, skipped = 0;
  for (const fs::path& file : files) {
    Progress p;
    if (options.fork) {
      p = run_forked(file, options);
    } else {
      run_in_process(file, options, p);
    }
    std::printf("%s: %llu passed, %llu failed, %llu skipped\n", display_name(file).c_str(),
                static_cast<unsigned long long>(p.passed),
                static_cast<unsigned long long>(p.failed),
                static_cast<unsigned long long>(p.skipped));
    std::fflush(stdout);
    passed += p.passed;
    failed += p.failed;
    skipped += p.skipped;
  }
  std::printf("%llu passed, %llu failed, %llu skipped\n", static_cast<unsigned long long>(passed),
              static_cast<unsigned long long>(failed), static_cast<unsigned long long>(skipped));
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace hailmary::spec

int main(int argc, char** argv) {
  return hailmary::spec::main_impl(argc, argv);
}
